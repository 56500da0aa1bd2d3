import Foundation

/// A fresh private (0700) directory under the system's temporary directory, removed when the value is released.
public final class TemporaryDirectory: Sendable {
    /// The directory's path (created empty).
    public let path: String

    public init(_ label: String = "warden") throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        // 0700 whatever the umask: a test that sets the process's umask (to prove the data files stay private)
        // may run while this one creates its directory, and the permission tests expect a private one.
        chmod(path, 0o700)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The temporary directories one test suite instance makes (Swift Testing makes an instance per test), removed
/// with it.
public final class TemporaryDirectories {
    private let label: String
    private var made: [TemporaryDirectory] = []

    public init(_ label: String) {
        self.label = label
    }

    /// A path inside a fresh temporary directory, for an environment or store to create.
    public func dataPath() throws -> String {
        let directory = try TemporaryDirectory(label)
        made.append(directory)
        return directory.path + "/data"
    }
}
