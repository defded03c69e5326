" mmuasm fmt's layout: two-space indentation; // comments.
if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1
setlocal expandtab shiftwidth=2 softtabstop=2
setlocal commentstring=//\ %s comments=s1:/*,mb:*,ex:*/,://
setlocal formatprg=mmuasm\ fmt
let b:undo_ftplugin = "setlocal expandtab< shiftwidth< softtabstop< commentstring< comments< formatprg<"
