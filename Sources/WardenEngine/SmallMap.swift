/// A map for the handful of entries most requests hold: scanned in place while small (comparing a few keys by
/// their bytes costs less than hashing one key of several strings), a dictionary once it passes ``limit``.
struct SmallMap<Key: Hashable, Value> {
    /// Entries kept in the scanned array before the map turns into a dictionary.
    static var limit: Int { 8 }

    private var few: [(key: Key, value: Value)] = []
    /// Every entry once the map has outgrown ``few`` (an empty dictionary allocates nothing until then).
    private var many: [Key: Value] = [:]
    private var isLarge = false

    init() {}

    subscript(key: Key) -> Value? {
        get {
            if isLarge { return many[key] }
            for entry in few where entry.key == key { return entry.value }
            return nil
        }
        set {
            if isLarge {
                many[key] = newValue
                return
            }
            if let index = few.firstIndex(where: { $0.key == key }) {
                if let newValue { few[index].value = newValue } else { few.remove(at: index) }
                return
            }
            guard let newValue else { return }
            if few.count < Self.limit {
                few.append((key, newValue))
                return
            }
            many.reserveCapacity(4 * Self.limit)
            for entry in few { many[entry.key] = entry.value }
            many[key] = newValue
            few = []
            isLarge = true
        }
    }
}
