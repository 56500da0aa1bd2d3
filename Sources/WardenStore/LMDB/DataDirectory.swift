import Foundation

/// The data directory's permissions and opening lock: it holds the tuples and the token signing keys, so it is the owner's alone —
/// the directory 0700 and its files 0600, whatever the umask.
enum DataDirectory {
    /// Creates `path` (and missing parents) when it does not exist; a directory Warden creates is made 0700.
    static func create(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o700)
    }

    /// Tightens the environment's files to 0600 (files an older version made 0644 included). Best effort: a
    /// read-only mount or a file owned by someone else keeps its mode.
    static func restrict(_ path: String) {
        for name in ["data.mdb", "lock.mdb"] {
            let file = (path as NSString).appendingPathComponent(name)
            var info = stat()
            guard stat(file, &info) == 0, info.st_mode & 0o077 != 0, info.st_uid == getuid() else { continue }
            chmod(file, 0o600)
        }
    }

    /// Holds an exclusive advisory lock on the directory until `release` is called, so that processes opening
    /// one environment at once do so in turn: the one creating `data.mdb` has written its meta pages before
    /// another looks at the file, which would otherwise see it empty for a moment. Best effort: when the
    /// directory cannot be opened the caller goes on unlocked and `mdb_env_open` reports the real problem.
    static func lockForOpening(_ path: String) -> OpeningLock {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY)
        if descriptor >= 0 {
            while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        }
        return OpeningLock(descriptor: descriptor)
    }

    /// The lock ``lockForOpening(_:)`` took; closing the descriptor releases it.
    struct OpeningLock {
        let descriptor: Int32

        func release() {
            if descriptor >= 0 { close(descriptor) }
        }
    }

    /// The mode of the directory and its files, and a sentence for each that others may read or that belongs to
    /// someone else.
    static func permissions(_ path: String) -> (facts: [(name: String, mode: String)], problems: [String]) {
        var facts: [(String, String)] = []
        var problems: [String] = []
        for (name, file) in [("directory", path), ("data.mdb", path + "/data.mdb"), ("lock.mdb", path + "/lock.mdb")] {
            var info = stat()
            guard stat(file, &info) == 0 else {
                if name != "lock.mdb" { problems.append("\(file) cannot be examined") }
                continue
            }
            let mode = info.st_mode & 0o777
            facts.append((name, "0" + String(mode, radix: 8)))
            // Files must be the owner's alone; a directory is a problem when others may replace files in it
            // (one Warden did not create, such as a home directory, keeps its mode otherwise).
            if name == "directory", mode & 0o022 != 0 {
                problems.append("\(file) is \(String(mode, radix: 8)): others may replace the data files (want 0700)")
            } else if name != "directory", mode & 0o077 != 0 {
                problems.append("\(file) is \(String(mode, radix: 8)): others may read the signing keys (want 0600)")
            }
            if info.st_uid != getuid() {
                problems.append("\(file) belongs to user \(info.st_uid), not to this user (\(getuid()))")
            }
        }
        return (facts, problems)
    }
}
