import WardenEngine
import WardenModel
import WardenStore

extension Warden {
    /// Validates every tuple against the store's newest model, then applies the batch atomically.
    /// - Returns: the store's revision after the batch.
    /// - Throws: ``InvalidTupleError`` naming the first bad tuple (nothing written), or ``StoreError`` for OpenFGA's
    ///   write rules (an existing tuple, a missing delete).
    @discardableResult
    public func write(_ batch: WriteBatch, store: String, modelID: String? = nil) throws -> Revision {
        let model = try self.model(store: store, id: modelID)
        for tuple in batch.writes { try model.validator.validate(tuple) }
        return try tuples.write(batch, store: store)
    }

    /// Tuples an import commits together unless told otherwise: a file of up to a million tuples is one
    /// transaction, its keys stored in order onto full pages (a store about half the size of one written in
    /// batches of 25,000, whose keys land between those already stored), parsed once.
    public static let importBatchSize = 1_000_000

    /// Imports tuples from `sources` into `store`. Every tuple of every source is validated against the store's
    /// newest model before the first batch commits, so a bad tuple anywhere writes nothing; then the tuples are
    /// written in batches of `batchSize`, each committed on its own, and `progress` is called with the summary so
    /// far after each commit. Sources holding at most one batch are parsed once (the tuples validated are the
    /// ones written); larger ones are parsed again, batch by batch. With `.ignore`, tuples already present are
    /// skipped, so re-running an interrupted import resumes it; a tuple twice in one batch refuses the batch.
    /// - Throws: ``ImportProblem`` (file, line, reason) for an invalid tuple, the source's own errors (a malformed
    ///   file, at its line), or ``StoreError`` from a batch (earlier batches stay).
    @discardableResult
    public func importTuples(
        from sources: [any TupleSource], store: String, batchSize: Int = importBatchSize,
        onDuplicate: WriteBatch.OnDuplicate = .error, progress: (ImportSummary) -> Void = { _ in }
    ) throws -> ImportSummary {
        let model = try self.model(store: store, id: nil)
        var summary = ImportSummary()
        // Both passes are pipelined: one thread parses the sources while this one validates (first pass) or
        // writes (second pass).
        let chunkSize = 4_096
        let size = batchSize
        nonisolated(unsafe) let files = sources
        // The validated tuples, kept while they fit in one batch: then that batch is written without parsing again.
        var kept: [RelationshipTuple]? = []
        try Pipeline.run(
            produce: { (emit: ([(source: Int, line: Int, tuple: RelationshipTuple)]) throws -> Void) in
                var chunk: [(source: Int, line: Int, tuple: RelationshipTuple)] = []
                chunk.reserveCapacity(chunkSize)
                do {
                    for (index, source) in files.enumerated() {
                        try source.forEach { line, tuple in
                            chunk.append((index, line, tuple))
                            if chunk.count == chunkSize {
                                try emit(chunk)
                                chunk.removeAll(keepingCapacity: true)
                            }
                        }
                    }
                } catch {
                    // The tuples before a malformed line are validated first: an invalid one among them is the
                    // error reported, as in file order.
                    if !chunk.isEmpty, !(error is Pipeline.Stopped) { try emit(chunk) }
                    throw error
                }
                if !chunk.isEmpty { try emit(chunk) }
            },
            consume: { chunk in
                for (source, line, tuple) in chunk {
                    summary.total += 1
                    if tuple.key.hasInvisibleCharacters {
                        summary.invisibleCharacters += 1
                        if summary.invisibleExamples.count < 3 {
                            summary.invisibleExamples.append("\(sources[source].name):\(line): \(tuple.key.description.quotedForMessage())")
                        }
                    }
                    do throws(InvalidTupleError) {
                        try model.validator.validate(tuple)
                    } catch {
                        throw ImportProblem(file: sources[source].name, line: line, reason: error.description)
                    }
                    if let count = kept?.count { if count < size { kept?.append(tuple) } else { kept = nil } }
                }
            })
        func commit(_ prepared: PreparedWrites) throws {
            let outcome = try tuples.apply(prepared, store: store)
            summary.read += prepared.writeCount
            summary.written += outcome.written
            progress(summary)
        }
        if var writes = kept.take() {
            guard !writes.isEmpty else { return summary }
            let batch = WriteBatch(writes: writes, onDuplicate: onDuplicate)
            writes = []
            let prepared = try tuples.prepare(batch, store: store)
            try commit(prepared)
            // A million tuples and their keys are freed off the caller's path (a CLI import exits meanwhile).
            releaseInBackground(prepared)
            return summary
        }
        let tupleStore = tuples
        try Pipeline.run(
            produce: { (emit: (PreparedWrites) throws -> Void) in
                var batch: [RelationshipTuple] = []
                batch.reserveCapacity(min(size, 100_000))
                // Keys are encoded and sorted here, so the writing thread only writes.
                func flush() throws {
                    try emit(try tupleStore.prepare(WriteBatch(writes: batch, onDuplicate: onDuplicate), store: store))
                    batch.removeAll(keepingCapacity: true)
                }
                for source in files {
                    try source.forEach { _, tuple in
                        batch.append(tuple)
                        if batch.count >= size { try flush() }
                    }
                }
                if !batch.isEmpty { try flush() }
            },
            consume: commit)
        return summary
    }

    /// Imports tuples already in memory (see ``importTuples(from:store:batchSize:onDuplicate:progress:)``).
    @discardableResult
    public func importTuples(
        _ tuples: [RelationshipTuple], store: String, batchSize: Int = importBatchSize, onDuplicate: WriteBatch.OnDuplicate = .error
    ) throws -> ImportSummary {
        try importTuples(from: [TupleArraySource(tuples)], store: store, batchSize: batchSize, onDuplicate: onDuplicate)
    }
}
