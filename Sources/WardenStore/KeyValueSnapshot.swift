import Foundation
import WardenModel

/// The ``TupleSnapshot`` every backend shares: the store's queries as prefix scans over its ordered tables.
public struct KeyValueSnapshot<Reader: OrderedKeyValueReader>: TupleSnapshot {
    let reader: Reader
    let store: UInt32
    /// The store's interned names: every name committed at the reader's version (maybe more).
    let names: Names
    /// Whether the store keeps the nested-group index, which families hold expiring nesting, whether any tuple
    /// expires.
    let nestedGroups: Bool
    let expiringNesting: [[UInt8]]
    let expires: Bool
    /// The instant (milliseconds since 1970) that decides which tuples have expired: they are shown nowhere. 0 in
    /// a store where no tuple expires (no instant would change anything).
    public let now: UInt64
    public var expiryNow: UInt64 { now }
    public let revision: Revision
    public var version: UInt64 { reader.version }

    /// A snapshot of the store `facts` describe, deciding expiry at `now`.
    init(reader: Reader, facts: StoreFacts, now: UInt64) {
        self.reader = reader
        self.store = facts.number
        self.names = facts.names
        self.nestedGroups = facts.nestedGroups
        self.expiringNesting = facts.expiringNesting
        self.expires = facts.expires
        self.now = now
        self.revision = facts.revision
    }

    public func tuple(_ key: TupleKey) throws(StoreError) -> RelationshipTuple? {
        let found = try KeyLayout.withForwardKey(store: store, key, names: names) { forward throws(StoreError) in
            try reader.withValue(bytes: forward, in: .forward) { value throws(StoreError) in
                guard let value, !KeyLayout.expired(value, at: now) else { return RelationshipTuple?.none }
                return try KeyLayout.tuple(key, value: value, names: names)
            }
        }
        return found ?? nil
    }

    /// The forward key's value read where it lies: only a condition, when the tuple has one, is decoded.
    public func pointRead(_ key: TupleKey) throws(StoreError) -> PointRead {
        let found = try KeyLayout.withForwardKey(store: store, key, names: names) { forward throws(StoreError) in
            try reader.withValue(bytes: forward, in: .forward) { value throws(StoreError) -> PointRead in
                guard let value, !KeyLayout.expired(value, at: now) else { return .absent }
                return .present(condition: try KeyLayout.storedCondition(value, names: names))
            }
        }
        return found ?? .absent
    }

    public func tuples(
        object: ObjectRef, relation: String, userType: String?, userRelation: String?
    ) throws(StoreError) -> [RelationshipTuple] {
        var found: [RelationshipTuple] = []
        try visitTuples(object: object, relation: relation, userType: userType, userRelation: userRelation) { tuple in
            found.append(tuple)
            return true
        }
        return found
    }

    public func visitTuples(
        object: ObjectRef, relation: String, userType: String?, userRelation: String?,
        _ body: (RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError) {
        var prefix = KeyEncoder(store: store)
        guard prefix.append(name: object.type, in: names) else { return }
        try prefix.append(field: object.id)
        guard prefix.append(name: relation, in: names) else { return }
        // The prefix holds the object and the relation: only the user is read from each key.
        let userStart = prefix.bytes.count
        if let userType {
            guard prefix.append(name: userType, in: names) else { return }
            if let userRelation, !prefix.append(name: userRelation, in: names) { return }
        }
        try reader.visit(prefix: prefix.bytes, from: nil, in: .forward) { key, value throws(StoreError) in
            if KeyLayout.expired(value, at: now) { return true }
            var decoder = KeyDecoder(key, skipping: userStart)
            let user = try KeyLayout.decodeUser(&decoder, names: names)
            if let userRelation, userType == nil, KeyLayout.userFields(user).relation != userRelation { return true }
            return try body(try KeyLayout.tuple(TupleKey(object: object, relation: relation, user: user), value: value, names: names))
        }
    }

    public func tuples(user: UserRef, objectType: String, relation: String) throws(StoreError) -> [RelationshipTuple] {
        var found: [RelationshipTuple] = []
        try visitTuples(user: user, objectType: objectType, relation: relation) { tuple in
            found.append(tuple)
            return true
        }
        return found
    }

    public func visitTuples(
        user: UserRef, objectType: String, relation: String, _ body: (RelationshipTuple) throws(StoreError) -> Bool
    ) throws(StoreError) {
        guard let prefix = try reversePrefix(user: user, objectType: objectType, relation: relation) else { return }
        try reader.visit(prefix: prefix, from: nil, in: .reverse) { key, value throws(StoreError) in
            if KeyLayout.expired(value, at: now) { return true }
            return try body(try KeyLayout.tuple(try KeyLayout.decode(key, in: .reverse, names: names), value: value, names: names))
        }
    }

    /// One key looked at (more only past expired ones), none decoded.
    public func hasTuple(user: UserRef, objectType: String, relation: String) throws(StoreError) -> Bool {
        guard let prefix = try reversePrefix(user: user, objectType: objectType, relation: relation) else { return false }
        var found = false
        try reader.visit(prefix: prefix, from: nil, in: .reverse) { _, value throws(StoreError) in
            found = !KeyLayout.expired(value, at: now)
            return !found
        }
        return found
    }

    /// The reverse index's prefix for `user`'s tuples of `relation` on objects of `objectType`; nil when one of
    /// the names was never interned in this store (then there is no such tuple).
    func reversePrefix(user: UserRef, objectType: String, relation: String) throws(StoreError) -> [UInt8]? {
        let fields = KeyLayout.userFields(user)
        var prefix = KeyEncoder(store: store)
        guard prefix.append(name: fields.type, in: names), prefix.append(name: fields.relation, in: names) else { return nil }
        try prefix.append(field: fields.id)
        guard prefix.append(name: objectType, in: names), prefix.append(name: relation, in: names) else { return nil }
        return prefix.bytes
    }

    public func read(_ filter: ReadFilter, after token: ContinuationToken?, limit: Int) throws(StoreError) -> TuplePage {
        // The longest prefix the filter pins down, on the index that has it.
        let table: Table
        var encoder = KeyEncoder(store: store)
        // A name that was never interned matches nothing.
        var known = true
        if let objectType = filter.objectType, filter.objectID != nil || filter.user == nil {
            table = .forward
            known = encoder.append(name: objectType, in: names)
            if known, let objectID = filter.objectID {
                try encoder.append(field: objectID)
                if let relation = filter.relation { known = encoder.append(name: relation, in: names) }
            }
        } else if let user = filter.user {
            table = .reverse
            let userFields = KeyLayout.userFields(user)
            known = encoder.append(name: userFields.type, in: names) && encoder.append(name: userFields.relation, in: names)
            if known {
                try encoder.append(field: userFields.id)
                if let objectType = filter.objectType {
                    known = encoder.append(name: objectType, in: names)
                    if known, let relation = filter.relation { known = encoder.append(name: relation, in: names) }
                }
            }
        } else {
            table = .forward
        }
        let prefix = encoder.bytes
        let start = try ContinuationCodec.start(after: token, table: table, prefix: prefix)
        var page: [RelationshipTuple] = []
        var lastKey: [UInt8]?
        var more = false
        guard known else {
            // No tuple ever used the name, so no page of this query ever ended: a token is another query's.
            if let token { throw StoreError(.invalidContinuationToken, "continuation token '\(token.text)' belongs to another query") }
            return TuplePage(tuples: [], continuation: nil)
        }
        try reader.visit(prefix: prefix, from: start, in: table) { key, value throws(StoreError) in
            if KeyLayout.expired(value, at: now) { return true }
            let tupleKey = try KeyLayout.decode(key, in: table, names: names)
            guard filter.matches(tupleKey) else { return true }
            if page.count == limit {
                more = true
                return false
            }
            page.append(try KeyLayout.tuple(tupleKey, value: value, names: names))
            lastKey = Array(key)
            return true
        }
        let next = more ? lastKey.map { ContinuationCodec.token(table: table, key: $0) } : nil
        return TuplePage(tuples: page, continuation: next)
    }

    /// After every change of this snapshot's revision: a changelog key names a revision and a position in it, and
    /// no revision holds `UInt32.max` changes. Nil before the first change (a watch then starts at the beginning).
    /// The earliest instant after ``now`` at which a tuple of the store expires (`UInt64.max` for none): until
    /// then, this snapshot's answers hold.
    public func expiryHorizon() throws(StoreError) -> UInt64 {
        guard expires else { return .max }
        var horizon = UInt64.max
        try reader.scan(prefix: KeyLayout.prefix(store: store), from: ExpiryQueue.key(store: store, expiry: now &+ 1, forward: []), in: .expiries) { key, _ in
            horizon = ExpiryQueue.expiry(ofKey: key)
            return false
        }
        return horizon
    }

    public func endOfChanges() throws(StoreError) -> ContinuationToken? {
        guard revision.rawValue > 0 else { return nil }
        return ContinuationCodec.token(table: .changes, key: KeyLayout.changeKey(store: store, revision: revision.rawValue, sequence: .max))
    }

    public func changes(objectType: String?, after token: ContinuationToken?, limit: Int) throws(StoreError) -> ChangePage {
        let prefix = KeyLayout.prefix(store: store)
        // A token names the last change visited: its revision and its position in the revision.
        var resume: (revision: UInt64, sequence: UInt32)?
        var lastKey: [UInt8]?
        if let token {
            let key = try ContinuationCodec.key(of: token, table: .changes)
            guard key.count == 16, key.starts(with: prefix) else {
                throw StoreError(.invalidContinuationToken, "continuation token '\(token.text)' belongs to another query")
            }
            resume = (key[4..<12].reduce(0) { $0 << 8 | UInt64($1) }, key[12..<16].reduce(0) { $0 << 8 | UInt32($1) })
            lastKey = key
        }
        var changes: [TupleChange] = []
        let start = resume.map { ChangeLog.key(store: store, revision: $0.revision) }
        try reader.visit(prefix: prefix, from: start, in: .changes) { key, value throws(StoreError) in
            var keyDecoder = KeyDecoder(key, skipping: 4)
            let revision = try keyDecoder.uint64()
            var full = false
            // Within the revision the token names, the changes up to its position are stepped over undecoded.
            let first = resume.map { revision == $0.revision ? ($0.sequence == .max ? .max : $0.sequence + 1) : 0 } ?? 0
            try ChangeLog.forEachChange(in: value, names: names, from: first) { sequence, operation, time, tuple throws(StoreError) in
                if let resume, revision == resume.revision, sequence <= resume.sequence { return true }
                guard changes.count < limit else {
                    full = true
                    return false
                }
                let key = KeyLayout.changeKey(store: store, revision: revision, sequence: sequence)
                lastKey = key
                if objectType.map({ $0.bytesEqual(tuple.key.object.type) }) ?? true {
                    changes.append(
                        TupleChange(
                            tuple: tuple, operation: operation, revision: Revision(rawValue: revision), timestampMilliseconds: time,
                            position: ContinuationCodec.token(table: .changes, key: key)))
                }
                return true
            }
            return !full
        }
        return ChangePage(changes: changes, continuation: lastKey.map { ContinuationCodec.token(table: .changes, key: $0) })
    }
}
