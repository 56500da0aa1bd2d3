import ArgumentParser
import Foundation
import Warden
import WardenStore

/// `warden index …`: the nested-group index of a store (see the README's "Nested-group index").
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index", abstract: "Show, rebuild or drop a store's nested-group index.",
        subcommands: [IndexStatusCommand.self, IndexRebuildCommand.self, IndexOffCommand.self])
}

struct IndexStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Say whether the store keeps the index.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let (warden, info) = try store.open(readOnly: true)
        let state = try reporting { try warden.tuples.nestedGroupIndex(store: info.id) }
        switch state {
        case true?: print("on: checks through nested groups answer from the index")
        case false?: print("off: checks walk the nesting (`warden index rebuild` turns it on)")
        case nil: print("not built: this store predates the index (`warden index rebuild` builds it)")
        }
    }
}

struct IndexRebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild", abstract: "Build the store's nested-group index from its tuples and keep it from now on.",
        discussion: "One write transaction: readers see the old index or the new one, never a mixture.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let (warden, info) = try store.open()
        try reporting { try warden.tuples.setNestedGroupIndex(on: true, store: info.id) }
        print("rebuilt the nested-group index of \(info.id) (\(info.name)) (\(String(format: "%.2f", ProcessClock.secondsSinceStart())) s since start)")
    }
}

struct IndexOffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "off", abstract: "Drop the store's nested-group index; checks walk the nesting until it is rebuilt.")

    @OptionGroup var store: StoreOptions

    func run() throws {
        let (warden, info) = try store.open()
        try reporting { try warden.tuples.setNestedGroupIndex(on: false, store: info.id) }
        print("dropped the nested-group index of \(info.id) (\(info.name))")
    }
}
