import Foundation
import Warden
import WardenModel
import WardenStore

/// A store's changes as they commit, for `GET /stores/{store_id}/watch?after=TOKEN&type=T` (Server-Sent Events)
/// and `warden tuple watch`: the changelog read page by page after a position, each change sent once, in commit
/// order, with the token that resumes right after it.
///
/// Nothing is buffered for a consumer: the next page is read only when the previous one was taken, so a slow
/// consumer holds one page at most (the server drops it when a page waits too long; see ``dropped()``).
public struct ChangeWatch: Sendable {
    /// Changes read per page.
    public static let pageSize = 100
    /// How often a watcher whose last page was empty looks at the data version again.
    public static let pollInterval: Duration = .milliseconds(50)
    /// An SSE comment the server sends when nothing happened for a while, so proxies keep the connection open.
    public static let heartbeat = ": keep-alive\n\n"

    let warden: Warden
    public let storeID: String
    /// Only changes on objects of this type, when set (compared by bytes).
    public let objectType: String?
    /// Where the next page starts: after the last change sent, or where the watch began.
    public private(set) var position: ContinuationToken?
    /// The data version the changelog was last read to its end at: until it moves, nothing new can be there.
    private var caughtUpAt: UInt64?

    /// Where a watch begins.
    public enum Start: Sendable, Equatable {
        /// With the next change to commit.
        case now
        /// With the store's first change (its whole history, then what commits).
        case beginning
        /// Right after a change's position, or a ReadChanges continuation token.
        case after(ContinuationToken)
    }

    /// Watches `store` from `start`.
    /// - Throws: ``StoreError`` `.storeNotFound`, or `.invalidContinuationToken` for a token of another store.
    public init(warden: Warden, store: String, objectType: String?, from start: Start) throws {
        self.warden = warden
        storeID = try warden.store(id: store).id
        self.objectType = objectType
        switch start {
        case .now:
            position = try warden.endOfChanges(store: storeID)
        case .beginning:
            position = nil
        case .after(let token):
            _ = try warden.changes(store: storeID, objectType: objectType, after: token, limit: 1)
            position = token
        }
    }

    /// The changes committed since the last call, oldest first, at most a page; empty when there are none
    /// (then only the data version is read).
    public mutating func next() throws -> [TupleChange] {
        let version = warden.tuples.currentVersion
        if version == caughtUpAt { return [] }
        let page = try warden.changes(store: storeID, objectType: objectType, after: position, limit: Self.pageSize)
        position = page.continuation ?? position
        // A short page read to the end of what `version` holds (the snapshot is at least that new).
        caughtUpAt = page.changes.count < Self.pageSize ? version : nil
        return page.changes
    }

    /// One change as JSON: ReadChanges' shape (`tuple_key`, `operation`, `timestamp`) with the token that resumes
    /// after it (`position`).
    public static func json(_ change: TupleChange) -> JSONValue {
        .object(WireTuples.changeMembers(change) + [("position", .string(change.position?.text ?? ""))])
    }

    /// One change as a Server-Sent Event: its position as the event id (what a reconnecting client sends back as
    /// `Last-Event-ID`), `change` as the event type, the JSON as data.
    public static func event(_ change: TupleChange) -> String {
        "id: \(change.position?.text ?? "")\nevent: change\ndata: \(json(change).compact)\n\n"
    }

    /// The last event a dropped consumer gets: why, and the token to resume after (the last change it was sent).
    public func dropped(reason: String) -> String {
        let body = JSONValue.object([("reason", .string(reason)), ("resume_after", .string(position?.text ?? ""))])
        return "event: dropped\ndata: \(body.compact)\n\n"
    }
}
