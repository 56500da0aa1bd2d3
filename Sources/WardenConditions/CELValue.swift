import WardenModel

/// A value of OpenFGA's CEL subset.
public enum CELValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    /// Nanoseconds.
    case duration(Int64)
    /// Seconds and nanoseconds since 1970-01-01T00:00:00Z.
    case timestamp(seconds: Int64, nanos: Int32)
    /// 4 or 16 bytes.
    case ipaddress([UInt8])
    case list([CELValue])
    /// Keys compare by bytes, as Go's map keys do.
    case map([ByteString: CELValue])

    /// CEL's name for the value's type, for error messages.
    public var typeName: String { CELType(of: self).description }
}
