" .mmu files are mmuvm page-table litmus scripts.
autocmd BufRead,BufNewFile *.mmu setfiletype mmu
