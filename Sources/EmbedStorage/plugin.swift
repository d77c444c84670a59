import Foundation
import PackagePlugin

/// Embeds Storage/migrations/*.sql and Storage/calendar/*.txt into the target that uses it.
@main
struct EmbedStorage: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let storage = context.package.directoryURL.appending(path: "Storage")
        var inputs: [URL] = []
        for sub in ["migrations", "calendar"] {
            let dir = storage.appending(path: sub)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".sql") || name.hasSuffix(".txt") {
                inputs.append(dir.appending(path: name))
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedStorage.swift")
        return [
            .buildCommand(
                displayName: "Embedding Storage/ into \(target.name)",
                executable: try context.tool(named: "storage-embedder").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
