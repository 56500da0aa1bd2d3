import WardenEngine

/// The engine configuration Warden's tools use unless told otherwise.
public enum WardenDefaults {
    /// A check engine with the default limits and the condition evaluator Warden ships.
    public static func engine(cache: CheckCache? = nil) -> CheckEngine {
        CheckEngine(conditions: CELConditions(), cache: cache)
    }
}
