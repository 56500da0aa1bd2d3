import Foundation
import WardenModel

/// The ``TupleSnapshot`` every backend shares: the store's queries as prefix scans over its ordered tables.
public struct KeyValueSnapshot<Reader: OrderedKeyValueReader>: TupleSnapshot {
    let reader: Reader
    let store: UInt32
    public let revision: Revision
    public var version: UInt64 { reader.version }

    /// A snapshot of store `store`, whose revision key (``KeyLayout/metaKey(store:_:)``) the caller holds.
    init(reader: Reader, store: UInt32, revisionKey: [UInt8]) throws(StoreError) {
        self.reader = reader
        self.store = store
        self.revision = try TupleTables.revision(key: revisionKey, in: reader)
    }

    public func tuple(_ key: TupleKey) throws(StoreError) -> RelationshipTuple? {
        let forward = try KeyLayout.forwardKey(store: store, key)
        return try reader.withValue(forward, in: .forward) { value throws(StoreError) in
            guard let value else { return nil }
            return RelationshipTuple(key, condition: try KeyLayout.decodeCondition(value))
        }
    }

    public func tuples(
        object: ObjectRef, relation: String, userType: String?, userRelation: String?
    ) throws(StoreError) -> [RelationshipTuple] {
        var prefix = KeyEncoder(store: store)
        try prefix.append(field: object.type)
        try prefix.append(field: object.id)
        try prefix.append(field: relation)
        if let userType {
            try prefix.append(field: userType)
            if let userRelation { try prefix.append(field: userRelation) }
        }
        var found: [RelationshipTuple] = []
        try visit(prefix: prefix.bytes, from: nil, in: .forward) { key, value throws(StoreError) in
            let tupleKey = try KeyLayout.decode(key, in: .forward)
            if let userRelation, userType == nil, KeyLayout.userFields(tupleKey.user).relation != userRelation { return true }
            found.append(RelationshipTuple(tupleKey, condition: try KeyLayout.decodeCondition(value)))
            return true
        }
        return found
    }

    public func tuples(user: UserRef, objectType: String, relation: String) throws(StoreError) -> [RelationshipTuple] {
        let fields = KeyLayout.userFields(user)
        let prefix = try KeyLayout.prefix(store: store, fields: [fields.type, fields.relation, fields.id, objectType, relation])
        var found: [RelationshipTuple] = []
        try visit(prefix: prefix, from: nil, in: .reverse) { key, value throws(StoreError) in
            found.append(RelationshipTuple(try KeyLayout.decode(key, in: .reverse), condition: try KeyLayout.decodeCondition(value)))
            return true
        }
        return found
    }

    /// `reader.scan` with a body that may throw: the first error stops the scan and is rethrown.
    private func visit(
        prefix: [UInt8], from start: [UInt8]?, in table: Table,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(StoreError) -> Bool
    ) throws(StoreError) {
        var failure: StoreError?
        try reader.scan(prefix: prefix, from: start, in: table) { key, value in
            do throws(StoreError) {
                return try body(key, value)
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
    }

    public func read(_ filter: ReadFilter, after token: ContinuationToken?, limit: Int) throws(StoreError) -> TuplePage {
        // The longest prefix the filter pins down, on the index that has it.
        let table: Table
        var fields: [String] = []
        if let objectType = filter.objectType, filter.objectID != nil || filter.user == nil {
            table = .forward
            fields = [objectType]
            if let objectID = filter.objectID {
                fields.append(objectID)
                if let relation = filter.relation { fields.append(relation) }
            }
        } else if let user = filter.user {
            table = .reverse
            let userFields = KeyLayout.userFields(user)
            fields = [userFields.type, userFields.relation, userFields.id]
            if let objectType = filter.objectType {
                fields.append(objectType)
                if let relation = filter.relation { fields.append(relation) }
            }
        } else {
            table = .forward
        }
        let prefix = try KeyLayout.prefix(store: store, fields: fields)
        let start = try ContinuationCodec.start(after: token, table: table, prefix: prefix)
        var page: [RelationshipTuple] = []
        var lastKey: [UInt8]?
        var more = false
        try visit(prefix: prefix, from: start, in: table) { key, value throws(StoreError) in
            let tupleKey = try KeyLayout.decode(key, in: table)
            guard filter.matches(tupleKey) else { return true }
            if page.count == limit {
                more = true
                return false
            }
            page.append(RelationshipTuple(tupleKey, condition: try KeyLayout.decodeCondition(value)))
            lastKey = Array(key)
            return true
        }
        let next = more ? lastKey.map { ContinuationCodec.token(table: table, key: $0) } : nil
        return TuplePage(tuples: page, continuation: next)
    }

    public func changes(objectType: String?, after token: ContinuationToken?, limit: Int) throws(StoreError) -> ChangePage {
        let prefix = KeyLayout.prefix(store: store)
        let start = try ContinuationCodec.start(after: token, table: .changes, prefix: prefix)
        var changes: [TupleChange] = []
        var lastKey = token.flatMap { try? ContinuationCodec.key(of: $0, table: .changes) }
        try visit(prefix: prefix, from: start, in: .changes) { key, value throws(StoreError) in
            guard changes.count < limit else { return false }
            var keyDecoder = KeyDecoder(key, skipping: 4)
            let revision = try keyDecoder.uint64()
            var decoder = KeyDecoder(value)
            let operation: TupleChange.Operation = try decoder.byte() == 1 ? .write : .delete
            let time = try decoder.uint64()
            let tupleKey = try KeyLayout.decodeForward(&decoder)
            let condition = try KeyLayout.decodeCondition(decoder.remaining)
            lastKey = Array(key)
            if objectType == nil || objectType == tupleKey.object.type {
                changes.append(
                    TupleChange(
                        tuple: RelationshipTuple(tupleKey, condition: condition), operation: operation,
                        revision: Revision(rawValue: revision), timestampMilliseconds: time))
            }
            return true
        }
        return ChangePage(changes: changes, continuation: lastKey.map { ContinuationCodec.token(table: .changes, key: $0) })
    }
}
