/// A map for the handful of entries most requests hold: scanned in place while small (comparing a few keys by
/// their bytes costs less than hashing one key of several strings), a dictionary once it passes ``limit``.
struct SmallMap<Key: Hashable, Value> {
    /// Entries kept in the scanned array before the map turns into a dictionary.
    static var limit: Int { 8 }

    private var few: [(key: Key, value: Value)] = []
    private var many: [Key: Value]?

    init() {}

    subscript(key: Key) -> Value? {
        get {
            if let many { return many[key] }
            for entry in few where entry.key == key { return entry.value }
            return nil
        }
        set {
            if many != nil {
                many![key] = newValue
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
            var dictionary = Dictionary(uniqueKeysWithValues: few.lazy.map { ($0.key, $0.value) })
            dictionary[key] = newValue
            many = dictionary
            few = []
        }
    }
}
