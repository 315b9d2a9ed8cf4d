// Package fast computes the few operations that training spends nearly all
// its time in — matrix products, ReLU and its gradient, the Adam step — as
// fast as this CPU allows, with results equal bit for bit to plain Go loops.
//
// It works on flat []float64 storage with explicit sizes and knows nothing of
// nn's matrices, layers or optimisers; a few Matrix methods in nn/product.go
// call it. Every routine has a pure-Go twin in this package, which all
// platforms but amd64 run, and the tests hold the two equal bit for bit:
// the same operations in the same order, a separate multiply and add (no
// fused multiply-add), each output element computed by one goroutine in the
// same order however the work is split.
//
// Which code runs (see Level):
//
//	amd64           AVX-512 or AVX2 assembly, whichever the CPU and OS support
//	NNFS_NOASM=1    the Go twins only, as on every other platform
//	NNFS_NOAVX512=1 at most AVX2, even where AVX-512 is available
//	-tags purego    the Go twins only, and no assembly is built (Go's convention)
//
// docs/performance.md explains what the assembly does differently and why it
// is faster.
package fast

import (
	"os"
	"runtime"
	"sync"
)

// Level is a set of kernels, slowest first.
type Level int

const (
	Portable Level = iota // the Go twins
	AVX2                  // 4 float64 per instruction (amd64)
	AVX512                // 8 float64 per instruction (amd64)
)

// String is the name tests and benchmarks print: go, avx2 or avx512.
func (l Level) String() string { return [...]string{"go", "avx2", "avx512"}[l] }

// level is the set in use: the best this machine has, unless the
// environment asks for less.
var level = choose()

func choose() Level {
	if envSet("NNFS_NOASM") {
		return Portable
	}
	l := detect()
	if l == AVX512 && envSet("NNFS_NOAVX512") {
		l = AVX2
	}
	return l
}

func envSet(name string) bool {
	v := os.Getenv(name)
	return v != "" && v != "0"
}

// Available lists the kernel sets this machine can run, Portable first.
func Available() []Level {
	var ls []Level
	for l := Portable; l <= detect(); l++ {
		ls = append(ls, l)
	}
	return ls
}

// Use makes l the set in use and returns the one in use before. It is for
// tests and benchmarks; l must be one of Available.
func Use(l Level) Level {
	old := level
	level = l
	return old
}

// Splitting work across cores pays only when there is a lot of arithmetic
// for each number that has to move: the data of a training step live in the
// cache of the core that ran the step before, and a core that takes a part
// must first fetch that part's inputs from there (and hand its outputs
// back). For the network of article 002, whose weights fit in one core's
// caches, that traffic costs more than the arithmetic saved, even at batch
// 128; for wide layers and large batches it does not (docs/performance.md
// has the measurements). A product is split when it has at least
// splitMinWork multiply-adds and at least splitMinIntensity of them for each
// number it reads or writes; an Adam step from adamSplitMin parameters on;
// the copy of bᵀ that MulBT makes from transposeSplitMin numbers on (a
// 1024×1024 W: 25% faster on two cores; at 800×800 and below the split was
// slower).
var (
	splitMinWork      = 1 << 22
	splitMinIntensity = 96
	adamSplitMin      = 1 << 19
	transposeSplitMin = 1 << 20
)

// SplitAll makes every product and Adam step that can be split across
// goroutines be split, until restore is called. It is for tests.
func SplitAll() (restore func()) {
	w, i, a, t := splitMinWork, splitMinIntensity, adamSplitMin, transposeSplitMin
	splitMinWork, splitMinIntensity, adamSplitMin, transposeSplitMin = 1, 0, 1, 1
	return func() { splitMinWork, splitMinIntensity, adamSplitMin, transposeSplitMin = w, i, a, t }
}

// maxParts bounds the split of one job (fixed arrays keep it allocation-free).
const maxParts = 16

// parallelism is how many parts to split a job into: one per goroutine
// allowed to run (GOMAXPROCS), at most one per core and maxParts.
func parallelism() int {
	return min(runtime.GOMAXPROCS(0), runtime.NumCPU(), maxParts)
}

// The helpers: one goroutine per core but the first, started on first use.
// A split job puts its parts on a channel, and the goroutine that posted
// them and the helpers take parts until none is left; then the poster waits
// for the parts a helper took. On a busy machine a helper may be slow to
// wake: the poster simply does more of the parts itself.
var helpers struct {
	once  sync.Once
	mu    sync.Mutex // one split job at a time
	parts chan part
	wg    sync.WaitGroup
}

func startHelpers() {
	helpers.parts = make(chan part, maxParts)
	for range runtime.NumCPU() - 1 {
		go func() {
			for p := range helpers.parts {
				p.run()
				helpers.wg.Done()
			}
		}()
	}
}

// runAll runs the parts, on this goroutine and the helpers, and returns when
// all are done.
func runAll(parts []part) {
	if len(parts) == 1 {
		parts[0].run()
		return
	}
	helpers.once.Do(startHelpers)
	helpers.mu.Lock()
	defer helpers.mu.Unlock()
	helpers.wg.Add(len(parts))
	for _, p := range parts {
		helpers.parts <- p
	}
	for taking := true; taking; {
		select {
		case p := <-helpers.parts:
			p.run()
			helpers.wg.Done()
		default:
			taking = false
		}
	}
	helpers.wg.Wait()
}

// part is one block of output rows and columns of one product, or one range
// of an Adam step. It is passed by value, so handing it to a helper
// allocates nothing.
type part struct {
	op               int
	p                product  // opMul, opMulBT
	adam             adamPart // opAdam
	lo, hi, jlo, jhi int      // rows and columns of C; opAdam: elements
}

const (
	opMul       = iota // C = A·B (+ bias), A read through strides
	opMulBT            // C = A·Bᵀ, in Go, by dot products of rows
	opAdam             // one Adam step
	opTranspose        // rows lo..hi−1 of p.b into columns of p.c (bᵀ)
)

func (t *part) run() {
	switch t.op {
	case opMul:
		j := t.jlo
		if level != Portable && t.p.k > 0 {
			j = gemm(&t.p, t.lo, t.hi, t.jlo, t.jhi)
		}
		if j < t.jhi {
			t.p.mulRows(t.lo, t.hi, j, t.jhi)
		}
	case opMulBT:
		t.p.mulBTRows(t.lo, t.hi, t.jlo, t.jhi)
	case opAdam:
		t.adam.run(t.lo, t.hi)
	case opTranspose:
		transposeRows(t.p.c, t.p.b, t.p.m, t.p.k, t.lo, t.hi)
	}
}
