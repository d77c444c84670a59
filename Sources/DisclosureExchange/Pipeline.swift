import DisclosureCore
import DisclosureFiles
import Dispatch
import Foundation
import Synchronization

/// A bounded queue of batches between two threads; the producer waits while it is full, so memory
/// stays flat however many cases pass through.
final class BatchChannel<T: Sendable>: Sendable {
    private struct State: ~Copyable {
        var queue: [[T]] = []
        var closed = false
    }
    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let space: DispatchSemaphore

    init(capacity: Int) { space = DispatchSemaphore(value: capacity) }

    func send(_ batch: [T]) {
        space.wait()
        state.withLock { $0.queue.append(batch) }
        available.signal()
    }

    /// The next batch, or nil once the producer has closed the channel and everything was taken
    /// (then at once, however often it is asked again).
    func receive() -> [T]? {
        available.wait()
        let batch: [T]? = state.withLock { s in s.queue.isEmpty ? nil : s.queue.removeFirst() }
        if batch != nil {
            space.signal()
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

/// Exports case files on two threads: the caller produces dossiers (reading the database) while a
/// second thread decodes their events, lays out and writes the XML. Returns the number of cases written.
public func exportCaseFile(path: String, redact: Bool, withAttachments: Bool = false, force: Bool = false,
                           protecting: [String] = [],
                           produce: (_ sink: (PendingDossier) throws(DisclosureError) -> Void) throws(DisclosureError) -> Void)
    throws(DisclosureError) -> Int {
    // Refused before any case is read: an existing file (without force) or the database itself.
    try OutputFile.checkTarget(path, force: force, protecting: protecting)
    let channel = BatchChannel<PendingDossier>(capacity: 8)
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
    var produced: Result<Void, DisclosureError> = .success(())
    do throws(DisclosureError) {
        try produce { (d: PendingDossier) throws(DisclosureError) in
            batch.append(d)
            if batch.count == 64 {
                channel.send(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { channel.send(batch) }
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
    let channel = BatchChannel<ValidatedDossier>(capacity: 2)
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
                    channel.send(batch)
                    batch.removeAll(keepingCapacity: true)
                    bytes = 0
                }
            }
            if !batch.isEmpty { channel.send(batch) }
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
