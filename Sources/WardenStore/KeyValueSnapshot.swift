import Foundation
import WardenModel

/// The ``TupleSnapshot`` every backend shares: the store's queries as prefix scans over its ordered tables.
public struct KeyValueSnapshot<Reader: OrderedKeyValueReader>: TupleSnapshot {
    let reader: Reader
    let store: UInt32
    public let revision: Revision
    public var version: UInt64 { reader.version }

    init(reader: Reader, store: UInt32) throws(StoreError) {
        self.reader = reader
        self.store = store
        self.revision = try TupleTables.revision(store: store, in: reader)
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
        var fields = [object.type, object.id, relation]
        if let userType {
            fields.append(userType)
            if let userRelation { fields.append(userRelation) }
        }
        let prefix = try KeyLayout.prefix(store: store, fields: fields)
        var found: [RelationshipTuple] = []
        var failure: StoreError?
        try reader.scan(prefix: prefix, from: nil, in: .forward) { key, value in
            do throws(StoreError) {
                var decoder = KeyDecoder(key, skipping: 4)
                let tupleKey = try KeyLayout.decodeForward(&decoder)
                if let userRelation, userType == nil, KeyLayout.userFields(tupleKey.user).relation != userRelation {
                    return true
                }
                found.append(RelationshipTuple(tupleKey, condition: try KeyLayout.decodeCondition(value)))
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return found
    }

    public func tuples(user: UserRef, objectType: String, relation: String) throws(StoreError) -> [RelationshipTuple] {
        let fields = KeyLayout.userFields(user)
        let prefix = try KeyLayout.prefix(store: store, fields: [fields.type, fields.relation, fields.id, objectType, relation])
        var found: [RelationshipTuple] = []
        var failure: StoreError?
        try reader.scan(prefix: prefix, from: nil, in: .reverse) { key, value in
            do throws(StoreError) {
                found.append(RelationshipTuple(try KeyLayout.decodeReverse(key), condition: try KeyLayout.decodeCondition(value)))
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return found
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
        var failure: StoreError?
        try reader.scan(prefix: prefix, from: start, in: table) { key, value in
            do throws(StoreError) {
                let tupleKey: TupleKey
                if table == .forward {
                    var decoder = KeyDecoder(key, skipping: 4)
                    tupleKey = try KeyLayout.decodeForward(&decoder)
                } else {
                    tupleKey = try KeyLayout.decodeReverse(key)
                }
                guard filter.matches(tupleKey) else { return true }
                if page.count == limit {
                    more = true
                    return false
                }
                page.append(RelationshipTuple(tupleKey, condition: try KeyLayout.decodeCondition(value)))
                lastKey = Array(key)
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        let next = more ? lastKey.map { ContinuationCodec.token(table: table, key: $0) } : nil
        return TuplePage(tuples: page, continuation: next)
    }

    public func changes(objectType: String?, after token: ContinuationToken?, limit: Int) throws(StoreError) -> ChangePage {
        let prefix = KeyLayout.prefix(store: store)
        let start = try ContinuationCodec.start(after: token, table: .changes, prefix: prefix)
        var changes: [TupleChange] = []
        var lastKey = token.flatMap { try? ContinuationCodec.key(of: $0, table: .changes) }
        var failure: StoreError?
        try reader.scan(prefix: prefix, from: start, in: .changes) { key, value in
            guard changes.count < limit else { return false }
            do throws(StoreError) {
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
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return ChangePage(changes: changes, continuation: lastKey.map { ContinuationCodec.token(table: .changes, key: $0) })
    }
}
