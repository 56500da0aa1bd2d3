import WardenModel

/// The tests' deterministic random generator (``WardenModel/SplitMix64``), so a failing randomized test reproduces
/// from its seed.
public typealias SeededGenerator = SplitMix64
