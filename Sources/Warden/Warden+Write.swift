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

    /// Validates every tuple against the store's newest model without writing anything, so an import can refuse a
    /// bad tuple anywhere in its files before its first batch commits.
    /// - Throws: ``ImportProblem`` naming the tuple's position (0-based) and OpenFGA's reason.
    public func validateForImport(_ tuples: [RelationshipTuple], store: String) throws {
        let model = try self.model(store: store, id: nil)
        for (index, tuple) in tuples.enumerated() {
            do {
                try model.validator.validate(tuple)
            } catch {
                throw ImportProblem(index: index, reason: error.description)
            }
        }
    }

    /// Writes `tuples` in batches of `batchSize`, each validated and committed on its own, calling `progress` with
    /// the count written so far after each batch. A failing batch stops the import; earlier batches stay.
    /// - Returns: the number of tuples written.
    @discardableResult
    public func importTuples(
        _ tuples: [RelationshipTuple], store: String, batchSize: Int = 10_000, onDuplicate: WriteBatch.OnDuplicate = .error,
        progress: (Int) -> Void = { _ in }
    ) throws -> Int {
        var written = 0
        var start = 0
        while start < tuples.count {
            let end = min(start + batchSize, tuples.count)
            try write(WriteBatch(writes: Array(tuples[start..<end]), onDuplicate: onDuplicate), store: store)
            written = end
            progress(written)
            start = end
        }
        return written
    }
}
