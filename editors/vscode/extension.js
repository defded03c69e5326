// Starts `mmuasm lsp` for .mmu files. Highlighting works without it (the
// grammar is declarative); this file only wires the language server.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("mmu").get("server.path") || "mmuasm";
  client = new LanguageClient(
    "mmu",
    "mmuasm lsp",
    { command, args: ["lsp"] },
    { documentSelector: [{ scheme: "file", language: "mmu" }] }
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
