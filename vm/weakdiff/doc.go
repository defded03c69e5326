// Package weakdiff holds the differential tests of the weak-memory
// searches, and nothing else: on generated scripts (litmus-like ones,
// with synchronising IPIs, with page-table accesses, with retry loops,
// freeing page tables while another CPU walks them)
// each reduced search (the enumeration of execution graphs, the
// incremental search, the store buffers' reduced search) must give the
// final states and verdict of the unreduced one under every model, and
// every sc execution must be one each weak model allows.
//
// They are a package of their own so that go test runs them beside the
// vm package's tests, each package within go test's default timeout;
// and the generated-script tests run in parallel (t.Parallel), so that
// once the other packages' tests end, every core runs them: one after
// another they took 450-470 s of the 10 minutes.
// The -weakdiff.* flags run more seeds, or later ones.
package weakdiff
