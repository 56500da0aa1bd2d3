import WardenModel
import WardenStore

/// ListObjects: the objects of a type on which a user has a relation.
public struct ListObjectsRequest: Hashable, Sendable {
    public var user: UserRef
    public var relation: String
    public var objectType: String
    public var context: JSONValue?
    public var contextualTuples: [RelationshipTuple]
    /// Most objects to return (nil: the engine's configured maximum).
    public var maximumResults: Int?
    /// Resume after a previous, incomplete answer.
    public var continuation: String?

    public init(
        user: UserRef, relation: String, objectType: String, context: JSONValue? = nil,
        contextualTuples: [RelationshipTuple] = [], maximumResults: Int? = nil, continuation: String? = nil
    ) {
        self.user = user
        self.relation = relation
        self.objectType = objectType
        self.context = context
        self.contextualTuples = contextualTuples
        self.maximumResults = maximumResults
        self.continuation = continuation
    }
}

/// ListObjects' answer. Unlike OpenFGA, an answer cut short says so: `isComplete` is false and `continuation`
/// (an opaque, validated ``ListObjectsToken``) resumes exactly where it stopped, at the same revision.
public struct ListObjectsResult: Hashable, Sendable {
    /// `type:id` of each object, sorted.
    public var objects: [String]
    public var isComplete: Bool
    public var continuation: String?

    public init(objects: [String], isComplete: Bool, continuation: String?) {
        self.objects = objects
        self.isComplete = isComplete
        self.continuation = continuation
    }
}

// ListObjects, ListUsers and batches are specialized for the embedded backends' snapshots: unspecialized, their walks'
// generic types were looked up in the runtime's metadata caches on every request, a write to memory both cores share.
extension CheckEngine {
    /// Lists the objects of `request.objectType` on which the user has the relation.
    ///
    /// Candidates come from walking the reverse index outward from the user (tuples naming the user, then the
    /// usersets and parents those reach); every candidate is then confirmed by a check sharing one memo table, so
    /// intersections, exclusions and conditions are decided exactly as Check decides them.
    /// - Parameter deadline: stop (incomplete, with a continuation) once this instant passes.
    /// - Throws: ``CheckError`` as ``check(_:model:snapshot:storeID:explain:)`` does.
    @_specialize(where Snapshot == KeyValueSnapshot<LMDBTableReader>)
    @_specialize(where Snapshot == KeyValueSnapshot<MemoryTables>)
    public func listObjects<Snapshot: TupleSnapshot>(
        _ request: ListObjectsRequest, model: CompiledModel, snapshot: Snapshot,
        deadline: ContinuousClock.Instant? = nil
    ) throws(CheckError) -> ListObjectsResult {
        try RequestValidation.validateListObjects(user: request.user, relation: request.relation, objectType: request.objectType, in: model)
        try RequestValidation.validate(contextual: request.contextualTuples, in: model)
        try RequestValidation.validate(context: request.context)
        let overlay = ContextualSnapshot(base: snapshot, contextualTuples: request.contextualTuples)
        let walk = makeWalk(overlay, model, request.context, storeID: nil, explain: false)
        let limit = request.maximumResults ?? configuration.maximumListResults
        var candidates = try ReverseExpansion.candidates(
            of: request.user, type: request.objectType, relation: request.relation, model: model, snapshot: overlay,
            useNestedGroupIndex: configuration.useNestedGroupIndex)
            .sorted().map(\.value)
        var position: String?
        if let text = request.continuation {
            position = try ListObjectsToken(decoding: text, for: request, at: snapshot.revision).after
            if let resume = position { candidates = Array(candidates.drop { !resume.bytesPrecede($0) }) }
        }
        var objects: [String] = []
        for id in candidates {
            // Stopping early always says so, with a token that resumes after the last candidate examined.
            if objects.count == limit || (deadline.map { ContinuousClock.now >= $0 } ?? false) {
                let token = ListObjectsToken(
                    objectType: request.objectType, relation: request.relation, revision: snapshot.revision.rawValue,
                    after: position)
                return ListObjectsResult(
                    objects: objects.map { "\(request.objectType):\($0)" }, isComplete: false, continuation: token.encoded)
            }
            let problem = Subproblem(object: ObjectRef(type: request.objectType, id: id), relation: request.relation, user: request.user)
            if try walk.dispatch(problem, depth: 0).allowed { objects.append(id) }
            position = id
        }
        return ListObjectsResult(objects: objects.map { "\(request.objectType):\($0)" }, isComplete: true, continuation: nil)
    }
}

/// The superset of objects a user might reach: tuples naming the user (or the user's type wildcard), then
/// whatever those objects' relations reach through computed relations, usersets and tuple-to-userset parents.
/// As in OpenFGA, whose reads drop tuples the current model does not admit, such a tuple leads nowhere (a check
/// would not count it either; followed, it would only add candidates whose check could err).
/// A relation that nests its own groups is climbed in one step where the store's nested-group index answers:
/// every group a group is nested in, instead of one level of nesting tuples at a time.
enum ReverseExpansion {
    private struct Reached: Hashable {
        var object: ObjectRef
        var relation: String

        static func == (lhs: Reached, rhs: Reached) -> Bool {
            lhs.object == rhs.object && lhs.relation.bytesEqual(rhs.relation)
        }
    }

    static func candidates<Snapshot: TupleSnapshot>(
        of user: UserRef, type: String, relation: String, model: CompiledModel, snapshot: Snapshot,
        useNestedGroupIndex: Bool = true
    ) throws(CheckError) -> Set<ByteString> {
        var reached = Set<Reached>()
        var queue: [Reached] = []
        // Groups whose every enclosing group is already reached, from the index: their nesting tuples need no read.
        var climbed = Set<Reached>()
        func reach(_ object: ObjectRef, _ relation: String) {
            let entry = Reached(object: object, relation: relation)
            if reached.insert(entry).inserted { queue.append(entry) }
        }
        /// Reaches every group `current` is nested in, from the index; false when the index cannot answer.
        func climb(_ current: Reached) throws(CheckError) -> Bool {
            if climbed.contains(current) { return true }
            guard useNestedGroupIndex, model.relation(current.object.type, current.relation)?.nestsOwnGroups == true else { return false }
            let enclosing: [String]?
            do {
                enclosing = try snapshot.nestedGroups(.up, type: current.object.type, relation: current.relation, of: current.object.id)
            } catch {
                throw CheckError(error)
            }
            guard let enclosing else { return false }
            climbed.insert(current)
            for id in enclosing {
                let group = ObjectRef(type: current.object.type, id: id)
                reach(group, current.relation)
                climbed.insert(Reached(object: group, relation: current.relation))
            }
            return true
        }
        func follow(kind: String, user: UserRef, skipping nesting: RelationRef? = nil) throws(CheckError) {
            for edge in model.directEdges[ByteString(kind)] ?? [] where edge != nesting {
                let tuples: [RelationshipTuple]
                do {
                    tuples = try snapshot.tuples(user: user, objectType: edge.type, relation: edge.relation)
                } catch {
                    throw CheckError(error)
                }
                guard let relation = model.relation(edge.type, edge.relation) else { continue }
                for tuple in tuples where model.admits(tuple, in: relation) { reach(tuple.key.object, edge.relation) }
            }
        }
        switch user {
        case .object(let object):
            try follow(kind: object.type, user: user)
            try follow(kind: "\(object.type):*", user: .wildcard(type: object.type))
        case .wildcard(let wildcardType):
            try follow(kind: "\(wildcardType):*", user: user)
        case .userset(let object, let usersetRelation):
            reach(object, usersetRelation)
        }
        var index = 0
        while index < queue.count {
            let current = queue[index]
            index += 1
            let here = RelationRef(type: current.object.type, relation: current.relation)
            for dependent in model.computedEdges[here] ?? [] { reach(current.object, dependent.relation) }
            let nesting = try climb(current) ? here : nil
            try follow(
                kind: "\(current.object.type)#\(current.relation)", user: .userset(current.object, relation: current.relation),
                skipping: nesting)
            for (child, tupleset) in model.tupleToUsersetEdges[here] ?? [] {
                let tuples: [RelationshipTuple]
                do {
                    tuples = try snapshot.tuples(user: .object(current.object), objectType: child.type, relation: tupleset)
                } catch {
                    throw CheckError(error)
                }
                guard let tuplesetRelation = model.relation(child.type, tupleset) else { continue }
                for tuple in tuples where model.admits(tuple, in: tuplesetRelation) { reach(tuple.key.object, child.relation) }
            }
        }
        return Set(
            reached.lazy.filter { $0.object.type.bytesEqual(type) && $0.relation.bytesEqual(relation) }
                .map { ByteString($0.object.id) })
    }
}
