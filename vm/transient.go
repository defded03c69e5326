package vm

// Most states of a stateful search have one thread that can step: the
// others have finished, wait for a lock, or sleep (their step from here was
// explored from an equivalent order). On the fixed ptdump-vmalloc scripts
// that is 98 % of them, the whole of ptdump's walk while vmalloc waits for
// mmap_lock. Such a state has one successor, so storing it saves at most
// the few steps to the next stored state when it is reached again, and it
// costs a cache miss in the visited set (the search's largest cost) and a
// hash. Nor does its frame need a snapshot: nothing comes back to it to
// take another step.
//
// So the search stores a state only when it branches (two threads or more
// awake), or when its hash is a multiple of storeEvery, so that the orders
// that reach a run of one-successor states again agree on where they find
// it stored (about storeEvery steps on), or when its depth is a multiple of
// storeDepth, which alone makes every cycle of one-successor states meet
// a stored state: an endless path would pass some state at two such
// depths, and the second time find it stored, and on the path, which
// stateDFS.step takes as a cycle (an endless execution, not an end). A
// state reached again that was not stored is explored again, which
// visits nothing new; the reported state count is that of stored states.
// Every reachable state is still visited. Measured on ptdump-vmalloc-n256-fixed, storeEvery
// from 8 to 32 runs equally fast (against 1, storing every state); 16
// stores 9 % of the states.
const (
	storeEvery = 16
	storeDepth = 64
)

// awake counts the enabled threads not in the sleep mask asleep.
func awake(enabled []int, asleep uint64) int {
	n := 0
	for _, t := range enabled {
		if asleep&(1<<uint(t)) == 0 {
			n++
		}
	}
	return n
}

// mustStore tells whether the stateful search stores (and looks up) the
// state it reached at depth, where enabled can step and asleep sleep.
func mustStore(enabled []int, asleep uint64, h uint64, depth int) bool {
	n := awake(enabled, asleep)
	return n > 1 || n == 1 && (h%storeEvery == 0 || depth%storeDepth == 0)
}

// branches tells whether a frame needs a snapshot: the search comes back
// to it only to take a second step.
func branches(enabled []int, asleep uint64) bool { return awake(enabled, asleep) > 1 }
