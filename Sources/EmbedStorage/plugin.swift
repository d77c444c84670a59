import Foundation
import PackagePlugin

/// Embeds into the target that uses it: for the store, Storage/migrations/*.sql and
/// Storage/calendar/*.txt; for the exchange module, the XML schemas forms/*.xsd; for the server, the
/// page templates, style sheet and script of forms/pages.
@main
struct EmbedStorage: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let root = context.package.directoryURL
        let folders: [URL]
        switch target.name {
        case "DisclosureExchange": folders = [root.appending(path: "forms")]
        case "DisclosureDocuments": folders = [root.appending(path: "forms/notices")]
        case "DisclosureServer": folders = [root.appending(path: "forms/pages")]
        default: folders = [root.appending(path: "Storage/migrations"), root.appending(path: "Storage/calendar")]
        }
        var inputs: [URL] = []
        for dir in folders {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            let kinds = [".sql", ".txt", ".xsd", ".mustache", ".css", ".js"]
            for name in names.sorted() where kinds.contains(where: { name.hasSuffix($0) }) {
                inputs.append(dir.appending(path: name))
            }
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "Embedded\(target.name).swift")
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
