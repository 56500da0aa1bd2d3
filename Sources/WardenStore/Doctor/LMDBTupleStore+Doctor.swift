extension LMDBTupleStore {
    /// The environment's map, readers and last transaction.
    public func environmentFacts() -> LMDBEnvironment.Facts { environment.facts() }

    /// The modes of the data directory and its files, with a sentence for each one others may read.
    public func permissions() -> (facts: [(name: String, mode: String)], problems: [String]) {
        DataDirectory.permissions(path)
    }
}
