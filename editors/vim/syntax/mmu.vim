" Vim syntax file for mmuvm .mmu scripts (the language of docs/language.md).
" The scopes follow editors/vscode/syntaxes/mmu.tmLanguage.json.
if exists("b:current_syntax")
  finish
endif

syn keyword mmuControl if else while for in break continue return assert await
" Item words are keywords only where an item starts: `table = …` is a local.
syn match mmuStorage "\<\(shared\|task\|static_key\|table\|mm\|spinlock\|rwsem\|const\|proc\)\>\(\s*=[^=]\)\@!"
syn match mmuKeyword "\<\(test\|arch\|model\|import\|init\|cpu\|irq\|final\|locations\|filter\|page_reuse\|lazy\|irqoff\|atomic\|preemptible\|exists\|forall\)\>\(\s*=[^=]\)\@!"
" ok and fail are words only on an expect line; elsewhere ok is a name.
syn match mmuExpectLine "\<expect\>.*$" contains=mmuExpectKw,mmuExpectWord,mmuComment
syn keyword mmuExpectKw expect contained
syn keyword mmuExpectWord ok fail contained
syn keyword mmuBoolean true false
syn match mmuConstant "\<\(PAGE_[A-Z_]\+\|CONT_PTES\)\>"
syn match mmuNumber "\<\(0[xX][0-9A-Fa-f_]\+\|0[bB][01_]\+\|[0-9][0-9_]*[KMG]\=\)\>"
syn match mmuRegister "\<[0-9]\+:[A-Za-z_][A-Za-z0-9_]*\>"
syn match mmuCall "\<[A-Za-z_][A-Za-z0-9_]*\ze\s*("
syn match mmuProcName "\(\<proc\s\+\)\@<=[A-Za-z_][A-Za-z0-9_]*"
syn region mmuString start=+"+ skip=+\\.+ end=+"+ oneline contains=mmuEscape
syn match mmuEscape "\\." contained
syn keyword mmuTodo TODO FIXME XXX contained
syn match mmuComment "//.*$" contains=mmuTodo
syn region mmuComment start="/\*" end="\*/" contains=mmuTodo

hi def link mmuControl Conditional
hi def link mmuStorage StorageClass
hi def link mmuKeyword Keyword
hi def link mmuExpectKw Keyword
hi def link mmuExpectWord Keyword
hi def link mmuBoolean Boolean
hi def link mmuConstant Constant
hi def link mmuNumber Number
hi def link mmuRegister Identifier
hi def link mmuCall Function
hi def link mmuProcName Function
hi def link mmuString String
hi def link mmuEscape SpecialChar
hi def link mmuTodo Todo
hi def link mmuComment Comment

let b:current_syntax = "mmu"
