// Package editors holds editor support for .mmu scripts: a TextMate
// grammar and VS Code extension (vscode/), and Vim syntax, filetype and
// ftplugin files (vim/). It has no Go code; its test keeps the files in
// step with the language's keywords.
package editors
