/*
 * The seed-003 race as a Promela model, for running SPIN side by side with
 * mmuvm on the ptdump-vmalloc-nN scripts (go run ./bench; see
 * bench/README.md). The same shape as internal/benchscripts.PtdumpVmalloc:
 * vmalloc (vmap_try_huge_pmd -> pmd_free_pte_page) clears N PMD entries and
 * frees the PTE table under each; ptdump (ptdump_walk_pgd) enables
 * ptdump_lock_key, which kick_all_cpus_sync()s the other CPU, takes
 * init_mm's mmap_lock for writing and walks the same N entries, reading the
 * PTE table under every entry it finds present. With -DFIXED vmalloc takes
 * mmap_read_lock()/unlock() between the clear and the free when the key is
 * on (the merged fix); without it the walk can read a freed table, which
 * the assert reports. Compile with -DN=<entries>.
 */
#ifndef N
#define N 8
#endif

bit pmd_table[N];	/* PMD entry i points to its PTE table */
bit freed[N];		/* that table was freed (pte_free_kernel) */
bit key;		/* ptdump_lock_key */
bit ipi;		/* kick_all_cpus_sync() request to CPU 0 */
byte readers;		/* init_mm's mmap_lock */
bit writer;

proctype vmalloc() {
	short j = 0;
	do
	:: j < N ->
		pmd_table[j] = 0;	/* pmd_clear() */
#ifdef FIXED
		if
		:: key -> atomic { !writer -> readers++ }; readers--
		:: else -> skip
		fi;
#endif
		freed[j] = 1;		/* pte_free_kernel() */
		j++
	:: else -> break
	od
}

/* CPU 0's IPI handler: answers kick_all_cpus_sync() between its steps */
proctype ipi_cpu0() {
end:	do
	:: ipi -> ipi = 0
	od
}

proctype ptdump() {
	short i = 0;
	key = 1;			/* static_branch_enable() */
	ipi = 1; ipi == 0;
	atomic { readers == 0 && !writer -> writer = 1 };	/* mmap_write_lock() */
	do
	:: i < N ->
		if
		:: pmd_table[i] -> assert(!freed[i])	/* ptep_get() of the table */
		:: else -> skip
		fi;
		i++
	:: else -> break
	od;
	writer = 0;			/* mmap_write_unlock() */
	key = 0;			/* static_branch_disable() */
	ipi = 1; ipi == 0
}

init {
	short k = 0;
	atomic {
		do
		:: k < N -> pmd_table[k] = 1; k++
		:: else -> break
		od;
		run vmalloc(); run ipi_cpu0(); run ptdump()
	}
}
