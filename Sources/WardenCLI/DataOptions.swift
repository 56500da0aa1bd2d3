import ArgumentParser
import Foundation
import Warden
import WardenPostgres
import WardenStore

/// `--data DIR` or `--datastore postgres://…`: where every store command finds its stores.
struct DataOptions: ParsableArguments {
    @Option(name: .customLong("data"), help: "The data directory (LMDB).")
    var directory = "./warden-data"

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL datastore instead of the data directory (or WARDEN_DATASTORE), shared by several wardens.",
            valueName: "postgres://USER@HOST:PORT/DATABASE"))
    var datastore: String?

    @Option(
        help: ArgumentHelp(
            "With --datastore: how long another warden's write may go unseen by this one's check cache (ms or s).",
            valueName: "DURATION"))
    var cacheInvalidationInterval = "100ms"

    func validate() throws {
        _ = try invalidationInterval()
    }

    /// `--cache-invalidation-interval` as a duration: `250ms`, `1s`, `0`.
    func invalidationInterval() throws -> Duration {
        let text = cacheInvalidationInterval
        let (digits, scale): (Substring, Int64) =
            text.hasSuffix("ms") ? (text.dropLast(2), 1) : text.hasSuffix("s") ? (text.dropLast(), 1000) : (Substring(text), 1)
        guard let amount = Int64(digits), amount >= 0, amount <= 3_600_000 / scale else {
            throw ValidationError("--cache-invalidation-interval must be milliseconds (250ms) or seconds (1s) up to an hour, not '\(text)'")
        }
        return .milliseconds(amount * scale)
    }

    /// The PostgreSQL datastore named by `--datastore` or `WARDEN_DATASTORE`, if any.
    func postgres() throws -> PostgresDatastore? {
        guard let url = datastore ?? ProcessInfo.processInfo.environment["WARDEN_DATASTORE"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return nil
        }
        return try reporting { try PostgresDatastore(url: url) }
    }

    /// Where the stores are, for messages: the data directory, or the datastore's URL without its password.
    var place: String {
        (try? postgres())?.map(\.description) ?? directory
    }

    /// Opens the data directory, or the PostgreSQL datastore when one is named, reporting a damaged one as bad input.
    /// A query opens a data directory `readOnly`: nothing is created or written, so it works on a read-only mount and
    /// for a user who may only read the data.
    func open(readOnly: Bool = false, cacheCapacity: Int? = nil) throws -> Warden {
        if let postgres = try postgres() {
            var configuration = Warden.Configuration()
            configuration.keyPassphrase = try Self.keyPassphrase()
            if let cacheCapacity { configuration.cacheCapacity = cacheCapacity }
            let interval = try invalidationInterval()
            return try reporting {
                try Warden(tuples: try PostgresTupleStore(postgres, cacheInvalidationInterval: interval), configuration: configuration)
            }
        }
        return try Self.open(directory, readOnly: readOnly, cacheCapacity: cacheCapacity)
    }

    /// Opens the data directory at `path`, reporting a damaged one as bad input.
    static func open(_ path: String, readOnly: Bool = false, cacheCapacity: Int? = nil) throws -> Warden {
        var configuration = Warden.Configuration()
        configuration.lmdb.readOnly = readOnly
        if let cacheCapacity { configuration.cacheCapacity = cacheCapacity }
        if let text = ProcessInfo.processInfo.environment["WARDEN_MAP_SIZE"] {
            // The initial LMDB map size in bytes (the map doubles as data grows): for operators who know their
            // data's size, and for tests that want the map to grow often.
            guard let size = Int(text), (1 << 16)...(1 << 40) ~= size else {
                throw ValidationError("WARDEN_MAP_SIZE must be a number of bytes from 65536 to 1099511627776, not '\(text)'")
            }
            configuration.lmdb.mapSize = size
        }
        configuration.keyPassphrase = try keyPassphrase()
        return try reporting { try Warden(dataDirectory: path, configuration: configuration) }
    }

    /// The signing keys' passphrase: `WARDEN_KEY_PASSPHRASE`, or the first line of the file
    /// `WARDEN_KEY_PASSPHRASE_FILE` names (a key file kept outside the data directory); nil when neither is set.
    static func keyPassphrase() throws -> [UInt8]? {
        let environment = ProcessInfo.processInfo.environment
        switch (environment["WARDEN_KEY_PASSPHRASE"], environment["WARDEN_KEY_PASSPHRASE_FILE"]) {
        case (nil, nil): return nil
        case (let passphrase?, nil): return Array(passphrase.utf8)
        case (nil, let path?):
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                StandardError.write("error: cannot read the key passphrase file '\(path)'")
                throw WardenExit.badInput
            }
            return Array((text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "").utf8)
        case (_?, _?):
            throw ValidationError("set WARDEN_KEY_PASSPHRASE or WARDEN_KEY_PASSPHRASE_FILE, not both")
        }
    }
}

/// `--data DIR --store S`: a store in a data directory, named by id or unique name.
struct StoreOptions: ParsableArguments {
    @OptionGroup var data: DataOptions

    @Option(help: "The store's id or name.")
    var store: String

    /// Opens the data directory (see ``DataOptions/open(readOnly:)``) and finds the store.
    func open(readOnly: Bool = false) throws -> (Warden, StoreInfo) {
        let warden = try data.open(readOnly: readOnly)
        let info = try reporting { try warden.resolveStore(store) }
        return (warden, info)
    }
}

/// Runs `body`, printing any error to stderr and exiting 2 (bad input): the CLI's one place for that mapping.
func reporting<Result>(_ body: () throws -> Result) throws -> Result {
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        StandardError.write("error: \(error)")
        throw WardenExit.badInput
    }
}

/// A one-line progress bar with a rate, redrawn on stderr when stderr is a terminal; silent otherwise. The rate
/// counts from process start, as the final line's does.
struct ProgressBar {
    let label: String
    let enabled = isatty(STDERR_FILENO) == 1

    func update(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let width = 30
        let filled = width * done / total
        let elapsed = ProcessClock.secondsSinceStart()
        let rate = elapsed > 0 ? Int(Double(done) / elapsed) : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total) \(rate) tuples/s".utf8))
        if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
