import DisclosureCore
import DisclosureFiles
import Dispatch
import Foundation
import Synchronization

/// A bounded queue of batches from one producer thread to one consumer: the producer waits while
/// the queue is full, by count or by the bytes the batches hold, so memory stays flat however many
/// cases, or however large, pass through.
final class BatchChannel<T: Sendable>: Sendable {
    private struct State: ~Copyable {
        var queue: [(batch: [T], cost: Int)] = []
        /// Bytes queued plus those of the batch the consumer is working on (until it asks for the next).
        var cost = 0
        var handling = 0
        var closed = false
    }
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let taken = DispatchSemaphore(value: 0)
    private let capacity: Int
    private let budget: Int

    /// At most `capacity` batches wait; a batch waits until the bytes in flight leave room under
    /// `budget`, except that one batch always may (so a single large case still passes).
    init(capacity: Int, budget: Int = Int.max) {
        self.capacity = capacity
        self.budget = budget
    }

    func send(_ batch: [T], cost: Int = 0) {
        while true {
            let sent = state.withLock { s -> Bool in
                let idle = s.queue.isEmpty && s.handling == 0
                guard idle || (s.queue.count < capacity && s.cost + cost <= budget) else { return false }
                s.queue.append((batch, cost))
                s.cost += cost
                return true
            }
            if sent {
                available.signal()
                return
            }
            // Woken by every batch taken; a wake-up left over from earlier only costs a second look.
            taken.wait()
        }
    }

    /// The next batch, or nil once the producer has closed the channel and everything was taken
    /// (then at once, however often it is asked again). Asking for the next batch releases the last.
    func receive() -> [T]? {
        state.withLock { s in
            s.cost -= s.handling
            s.handling = 0
        }
        taken.signal()
        available.wait()
        let batch: [T]? = state.withLock { s in
            guard !s.queue.isEmpty else { return nil }
            let next = s.queue.removeFirst()
            s.handling = next.cost
            return next.batch
        }
        if batch != nil {
            taken.signal()
        } else {
            // Closed and drained: pass the close signal on, so that the next receive does not wait.
            available.signal()
        }
        return batch
    }

    func close() {
        state.withLock { $0.closed = true }
        available.signal()
    }
}

/// Bytes of documents a pipeline may hold between its two threads; one larger case still passes alone.
let pipelineBudget = 8_000_000

/// Exports case files on two threads: the caller produces dossiers (reading the database) while a
/// second thread decodes their events, lays out and writes the XML. Returns the number of cases written.
public func exportCaseFile(path: String, redact: Bool, withAttachments: Bool = false, force: Bool = false,
                           protecting: [String] = [],
                           produce: (_ sink: (PendingDossier) throws(DisclosureError) -> Void) throws(DisclosureError) -> Void)
    throws(DisclosureError) -> Int {
    // Refused before any case is read: an existing file (without force) or the database itself.
    try OutputFile.checkTarget(path, force: force, protecting: protecting)
    let channel = BatchChannel<PendingDossier>(capacity: 8, budget: pipelineBudget)
    let outcome = Mutex<Result<Int, DisclosureError>?>(nil)
    // Set when reading the database failed: the writer must then leave no file, and not touch `path`.
    let abandon = Atomic<Bool>(false)
    let finished = DispatchSemaphore(value: 0)
    LibXML.start()
    DispatchQueue.global().async {
        var result: Result<Int, DisclosureError>
        do throws(DisclosureError) {
            let writer = try CaseFileWriter(path: path, redact: redact, withAttachments: withAttachments, force: force,
                                            protecting: protecting)
            while let batch = channel.receive() {
                for d in batch { try writer.write(try d.decoded()) }
            }
            if abandon.load(ordering: .acquiring) {
                // Dropped unfinished: the writer deletes its temporary file; an existing `path` stays as it was.
                result = .failure(DisclosureError(.io, field: "out", zh: "导出已中止", en: "the export was abandoned"))
            } else {
                try writer.finish()
                result = .success(writer.count)
            }
        } catch {
            // Keep taking batches so that the producer never waits on a writer that stopped.
            while channel.receive() != nil {}
            result = .failure(error)
        }
        outcome.withLock { $0 = result }
        finished.signal()
    }
    var batch: [PendingDossier] = []
    batch.reserveCapacity(64)
    var bytes = 0
    var produced: Result<Void, DisclosureError> = .success(())
    do throws(DisclosureError) {
        try produce { (d: PendingDossier) throws(DisclosureError) in
            batch.append(d)
            bytes += d.head.attachments.reduce(0) { $0 + $1.content.count }
            if batch.count == 64 || bytes >= 1_000_000 {
                channel.send(batch, cost: bytes)
                batch.removeAll(keepingCapacity: true)
                bytes = 0
            }
        }
        if !batch.isEmpty { channel.send(batch, cost: bytes) }
    } catch {
        produced = .failure(error)
        abandon.store(true, ordering: .releasing)
    }
    channel.close()
    finished.wait()
    if case let .failure(e) = produced { throw e }
    switch outcome.withLock({ $0 }) {
    case let .success(n)?: return n
    case let .failure(e)?: throw e
    case nil: throw DisclosureError(.io, field: "out", zh: "导出未完成", en: "the export did not complete")
    }
}

/// Reads a case file on a second thread, which parses, checks the schema and replays every case
/// through the rules on `calendar`, while the caller stores what arrives. The first error, from either
/// side, stops both and is thrown once the reader has ended.
public func readValidatedCaseFile(path: String, origin: String? = nil, calendar: WorkCalendar, today: CivilDate,
                                  handle: (ValidatedDossier) throws(DisclosureError) -> Void) throws(DisclosureError) {
    // Few batches in flight, each of at most 64 cases or about 1 MB of documents: memory stays flat
    // (under 64 MiB) however large the file or its cases (see DossierLimits).
    let channel = BatchChannel<ValidatedDossier>(capacity: 2, budget: pipelineBudget)
    let stop = Atomic<Bool>(false)
    let readerError = Mutex<DisclosureError?>(nil)
    let finished = DispatchSemaphore(value: 0)
    LibXML.start()
    DispatchQueue.global().async {
        var batch: [ValidatedDossier] = []
        batch.reserveCapacity(64)
        var bytes = 0
        do throws(DisclosureError) {
            try CaseFileReader.read(path: path, origin: origin) { (d: CaseDossier) throws(DisclosureError) in
                if stop.load(ordering: .relaxed) {
                    throw DisclosureError(.io, zh: "已停止读取", en: "reading stopped")
                }
                batch.append(try d.validated(calendar: calendar, today: today))
                bytes += d.attachments.reduce(0) { $0 + $1.content.count }
                if batch.count == 64 || bytes >= 1_000_000 {
                    channel.send(batch, cost: bytes)
                    batch.removeAll(keepingCapacity: true)
                    bytes = 0
                }
            }
            if !batch.isEmpty { channel.send(batch, cost: bytes) }
        } catch {
            readerError.withLock { $0 = error }
        }
        channel.close()
        finished.signal()
    }
    var handlerError: DisclosureError?
    while let batch = channel.receive() {
        guard handlerError == nil else { continue }
        for v in batch {
            do throws(DisclosureError) {
                try handle(v)
            } catch {
                handlerError = error
                stop.store(true, ordering: .relaxed)
                break
            }
        }
    }
    finished.wait()
    if let handlerError { throw handlerError }
    if let e = readerError.withLock({ $0 }) { throw e }
}
