import ArgumentParser
import Foundation
import Warden
import WardenModel
import WardenStore

/// `warden store …`: create, list and delete stores in a data directory.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Create, list and delete stores (tenants) in a data directory.",
        subcommands: [StoreCreateCommand.self, StoreListCommand.self, StoreDeleteCommand.self])
}

struct StoreCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a store and print its id.")

    @Argument(help: "The store's name.") var name: String
    @OptionGroup var data: DataOptions
    @Option(help: "text or json.") var output: OutputFormat = .text

    func run() throws {
        let warden = try data.open()
        let store = try reporting { try warden.createStore(name: name) }
        switch output {
        case .text: print(store.id)
        case .json: print(StoreJSON.json(store).formatted())
        }
    }
}

struct StoreListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the stores, oldest first.")

    @OptionGroup var data: DataOptions
    @Option(help: "text or json.") var output: OutputFormat = .text

    func run() throws {
        let stores = try reporting { try data.open(readOnly: true).listStores() }
        switch output {
        case .text: for store in stores { print("\(store.id)  \(store.name)") }
        case .json: print(JSONValue.object([("stores", .array(stores.map(StoreJSON.json)))]).formatted())
        }
    }
}

struct StoreDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a store with its models and tuples.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let (warden, info) = try store.open()
        try reporting { try warden.deleteStore(id: info.id) }
        print("deleted \(info.id) (\(info.name))")
    }
}

enum StoreJSON {
    static func json(_ store: StoreInfo) -> JSONValue {
        .object([
            ("id", .string(store.id)), ("name", .string(store.name)),
            ("created_at", .string(ISO8601DateFormatter().string(from: store.createdAt))),
        ])
    }
}

/// `warden model write FILE --store S`: validates a model and stores it as the store's newest.
struct ModelWriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write", abstract: "Validate a model and store it as the store's newest; prints its id.")

    @OptionGroup var model: ModelFileArgument
    @OptionGroup var store: StoreOptions

    func run() throws {
        let parsed = try model.load(validate: true)
        let (warden, info) = try store.open()
        print(try reporting { try warden.writeModel(parsed, store: info.id) })
    }
}

/// `warden model list --store S`: the store's models, newest first.
struct ModelListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List a store's models, newest first.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let (warden, info) = try store.open(readOnly: true)
        for model in try reporting({ try warden.listModels(store: info.id) }) { print(model.id) }
    }
}
