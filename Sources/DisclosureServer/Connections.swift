import DisclosureApp
import DisclosureCore
import Dispatch
import Synchronization

/// One database connection on its own thread: SQLite calls block, so they never run on an event loop.
final class Worker: @unchecked Sendable {
    // Confined to `queue`: every use of `connection` is inside `queue.async`.
    private let connection: OfficeConnection
    private let queue: DispatchQueue
    private var calendarSeen: Int

    init(connection: OfficeConnection, label: String, calendarGeneration: Int) {
        self.connection = connection
        self.queue = DispatchQueue(label: label)
        self.calendarSeen = calendarGeneration
    }

    /// Runs `body` on this connection's thread, after reloading the calendar if another connection changed it.
    func run<T: Sendable>(
        calendar generation: Int, _ body: @escaping @Sendable (OfficeConnection) throws(DisclosureError) -> T
    ) async throws(DisclosureError) -> T {
        let result: Result<T, DisclosureError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(DisclosureError) {
                    if self.calendarSeen != generation {
                        try self.connection.reloadCalendar()
                        self.calendarSeen = generation
                    }
                    continuation.resume(returning: .success(try body(self.connection)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// The server's connections to the office's database: one writer that every change goes through
/// (SQLite takes one writer at a time; queueing them here is cheaper than SQLite's busy waits),
/// readers for the rest, and sign-in connections, so that bcrypt's quarter second per attempt
/// delays neither.
final class Connections: Sendable {
    private let writer: Worker
    private let readers: [Worker]
    private let signers: [Worker]
    /// Long jobs that write (imports), on their own connection.
    private let bulkWorker: Worker
    private let next = Atomic<Int>(0)
    /// Bumped after a write that changed the calendar; each worker reloads it before its next job.
    private let calendarGeneration = Atomic<Int>(0)

    init(path: String, readers: Int, signers: Int) throws(DisclosureError) {
        // The writer opens first: it applies any migration before the others look at the schema.
        writer = Worker(connection: try OfficeConnection.open(path: path), label: "db-writer", calendarGeneration: 0)
        var r: [Worker] = []
        for i in 0..<max(readers, 1) {
            r.append(
                Worker(
                    connection: try OfficeConnection.open(path: path), label: "db-reader-\(i)", calendarGeneration: 0))
        }
        var s: [Worker] = []
        for i in 0..<max(signers, 1) {
            s.append(
                Worker(
                    connection: try OfficeConnection.open(path: path), label: "db-signin-\(i)", calendarGeneration: 0))
        }
        self.readers = r
        self.signers = s
        bulkWorker = Worker(connection: try OfficeConnection.open(path: path), label: "db-bulk", calendarGeneration: 0)
    }

    private func pick(_ pool: [Worker]) -> Worker {
        pool[next.wrappingAdd(1, ordering: .relaxed).oldValue % pool.count]
    }

    /// Runs a use case that may change the database.
    func write<T: Sendable>(
        changesCalendar: Bool = false, _ body: @escaping @Sendable (OfficeConnection) throws(DisclosureError) -> T
    ) async throws(DisclosureError) -> T {
        let result = try await writer.run(calendar: calendarGeneration.load(ordering: .acquiring), body)
        if changesCalendar { calendarGeneration.add(1, ordering: .releasing) }
        return result
    }

    /// Runs a use case that reads (and at most notes a session's use or a view of personal data).
    func read<T: Sendable>(
        _ body: @escaping @Sendable (OfficeConnection) throws(DisclosureError) -> T
    ) async throws(DisclosureError) -> T {
        try await pick(readers).run(calendar: calendarGeneration.load(ordering: .acquiring), body)
    }

    /// Runs a long change (an import in parts) beside the writer, which SQLite lets in between parts.
    func bulk<T: Sendable>(
        _ body: @escaping @Sendable (OfficeConnection) throws(DisclosureError) -> T
    ) async throws(DisclosureError) -> T {
        try await bulkWorker.run(calendar: calendarGeneration.load(ordering: .acquiring), body)
    }

    /// Runs a sign-in (a password check).
    func signIn<T: Sendable>(
        _ body: @escaping @Sendable (OfficeConnection) throws(DisclosureError) -> T
    ) async throws(DisclosureError) -> T {
        try await pick(signers).run(calendar: calendarGeneration.load(ordering: .acquiring), body)
    }
}
