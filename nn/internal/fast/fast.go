// Package fast computes the few operations that training spends nearly all
// its time in — matrix products, ReLU and its gradient, the steps of Adam
// and of momentum — as fast as this CPU and its cores allow, with results
// equal bit for bit to plain Go loops.
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
	"math"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
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

// Splitting work across cores pays only when there is enough arithmetic
// for each number that has to move: the data of a training step live in the
// caches of the core that last touched them, and a core that takes a part
// must first fetch that part's inputs from there (and hand its outputs
// back). docs/performance.md has the measurements behind these rules:
//
//   - A large product (at least splitMinWork multiply-adds, and at least
//     splitMinIntensity of them for each number read or written: wide
//     layers, large batches) is split into chunksPerCore blocks of columns
//     of C for each core when B is the larger of A and B (x·W, a batch
//     times a wide W: each block reads only its columns of W from memory),
//     into as many blocks of rows for MulBT's dxᵀ = W·doutᵀ (each reads its
//     rows of W), else into one block of rows of C for each core (dW =
//     xᵀ·dout, whose blocks copy B into panels: more blocks would copy it
//     again). The cores take the chunks as they go.
//   - Any other from splitMinWork multiply-adds on, and a smaller one from
//     splitMinWorkSmall on when its batch (n for x·W and dout·Wᵀ, k for
//     dW = xᵀ·dout) has at least splitMinBatch rows (article 002's products
//     at batch 128, but none at batch 15 to 64, where splitting cost more
//     than it saved), into chunksPerCore blocks of rows for each core, which
//     the cores take as they go: on a machine shared with other programs one
//     core is often slower than the other, and it then simply takes fewer.
//   - Adam's step over a matrix of at least adamSplitMin parameters, and
//     Momentum's over one of momentumSplitMin, are split the same way, into
//     chunks of rows. Adam's step reads and writes 56 bytes per parameter
//     from the shared cache or memory, which two cores fetch faster than
//     one: from 32,768 parameters (article 002's first layer, 50,176) it
//     paid at every batch size measured (docs/performance.md, the seventh
//     look).
//
// The copy of bᵀ that MulBT makes is split from transposeSplitMin numbers on
// (a 1024×1024 W: 25% faster on two cores; at 800×800 and below the split
// was slower), ReLU and its gradient from elementwiseSplitMin elements.
var (
	splitMinWork        = 1 << 22
	splitMinIntensity   = 96
	splitMinWorkSmall   = 1 << 19
	splitMinBatch       = 96
	adamSplitMin        = 1 << 15
	momentumSplitMin    = 1 << 19
	transposeSplitMin   = 1 << 20
	elementwiseSplitMin = 1 << 16
)

// chunksPerCore is how many blocks of rows a smaller product (and an
// optimiser's step) is cut into for each core.
const chunksPerCore = 4

// SplitAll makes every product, Adam step and copy of bᵀ that can be split
// across goroutines be split, until restore is called. It is for tests.
func SplitAll() (restore func()) {
	w, i, s, b, a, o, t, e := splitMinWork, splitMinIntensity, splitMinWorkSmall, splitMinBatch, adamSplitMin, momentumSplitMin, transposeSplitMin, elementwiseSplitMin
	splitMinWork, splitMinIntensity, splitMinWorkSmall, splitMinBatch, adamSplitMin, momentumSplitMin, transposeSplitMin, elementwiseSplitMin = 1, 0, 1, 0, 1, 1, 1, 1
	return func() {
		splitMinWork, splitMinIntensity, splitMinWorkSmall, splitMinBatch, adamSplitMin, momentumSplitMin, transposeSplitMin, elementwiseSplitMin = w, i, s, b, a, o, t, e
	}
}

// SplitAllInChunks is SplitAll for the smaller products' way of splitting:
// every product in chunks, as the Adam steps are.
func SplitAllInChunks() (restore func()) {
	restore = SplitAll()
	splitMinWork = math.MaxInt
	return restore
}

// maxParts bounds the split of one job (fixed arrays keep it allocation-free).
const maxParts = 16

// parallelism is how many goroutines to split a job across: one per
// goroutine allowed to run (GOMAXPROCS), at most one per core and maxParts.
func parallelism() int {
	return min(runtime.GOMAXPROCS(0), runtime.NumCPU(), maxParts)
}

// units is the size of the vector kernels' blocks, 6 rows by 32 (AVX-512)
// or 8 (AVX2) columns: a split deals out whole blocks, as a part of a block
// would waste part of a vector register.
func units() (rows, cols int) {
	switch level {
	case AVX512:
		return 6, 32
	case AVX2:
		return 6, 8
	}
	return 1, 1
}

// splitRange is block q of parts blocks of n rows (or columns), in whole
// units: the one formula for every split (products, Adam, the copy of bᵀ).
func splitRange(n, unit, parts, q int) (lo, hi int) {
	nu := (n + unit - 1) / unit
	return min(nu*q/parts*unit, n), min(nu*(q+1)/parts*unit, n)
}

// chunks is how many blocks to cut n rows into for a split in chunks.
func chunks(n, unit int) int {
	return min((n+unit-1)/unit, chunksPerCore*parallelism(), maxParts)
}

// The helpers: one goroutine per core but the first, started on first use.
// A split job is a list of parts on a board; the goroutine that posted it
// takes parts from the front of the list, the helpers from the back, until
// none is left, and the poster then waits until every part is done. A
// helper that has done its parts watches the board for the next job for
// spinFor before it goes to sleep: waking a sleeping goroutine takes tens
// of microseconds here, as long as a part of a small product. A helper that
// is asleep, or whose core another program has, takes nothing, and the
// poster does all the parts itself.
var board struct {
	once   sync.Once
	mu     sync.Mutex    // one job at a time
	job    atomic.Uint64 // the number of the job posted last
	span   atomic.Uint64 // the parts not yet taken: front | back<<32
	done   atomic.Int32  // parts finished
	asleep atomic.Int32  // helpers asleep
	wake   chan struct{}
	parts  [maxParts]part
}

// spinFor is how long a helper looks for the next job before it sleeps: a
// training step posts one every few hundred microseconds at most.
var spinFor = 2 * time.Millisecond

func startHelpers() {
	board.wake = make(chan struct{}, maxParts)
	for range runtime.NumCPU() - 1 {
		go helper()
	}
}

// take claims the part at the front of the board (or, fromBack, at the
// back) and returns its index, or −1 when none is left.
func take(fromBack bool) int {
	for {
		s := board.span.Load()
		front, back := int(s&(1<<32-1)), int(s>>32)
		if front >= back {
			return -1
		}
		if fromBack {
			if board.span.CompareAndSwap(s, s-1<<32) {
				return back - 1
			}
		} else if board.span.CompareAndSwap(s, s+1) {
			return front
		}
	}
}

// helper runs parts from the back of the board; when no job has come for
// spinFor, it sleeps until the poster of the next job wakes it.
func helper() {
	seen := board.job.Load()
	for {
		last := time.Now()
		for i := 1; ; i++ {
			if j := board.job.Load(); j != seen {
				seen = j
				for q := take(true); q >= 0; q = take(true) {
					board.parts[q].run()
					board.done.Add(1)
				}
				last = time.Now()
			}
			spinPause()
			if i%256 == 0 && time.Since(last) > spinFor {
				break
			}
		}
		board.asleep.Add(1)
		if board.job.Load() == seen {
			<-board.wake
		}
		board.asleep.Add(-1)
	}
}

// runAll runs the parts, on this goroutine and the helpers, and returns when
// all are done.
func runAll(parts []part) {
	if len(parts) == 1 {
		parts[0].run()
		return
	}
	board.once.Do(startHelpers)
	board.mu.Lock()
	defer board.mu.Unlock()
	n := copy(board.parts[:], parts)
	board.done.Store(0)
	board.span.Store(uint64(n) << 32)
	board.job.Add(1)
	for range board.asleep.Load() {
		select {
		case board.wake <- struct{}{}:
		default:
		}
	}
	ran := int32(0)
	for q := take(false); q >= 0; q = take(false) {
		board.parts[q].run()
		ran++
	}
	board.done.Add(ran)
	for i := 1; board.done.Load() < int32(n); i++ {
		spinPause()
		if i%(1<<14) == 0 {
			runtime.Gosched() // a helper's core taken from it for long
		}
	}
}

// part is one block of output rows and columns of one product, or one range
// of an Adam step. It is passed by value, so handing it to a helper
// allocates nothing.
type part struct {
	op               int
	p                product  // opMul, opMulBT
	step             stepPart // opAdam, opMomentum
	bn               bnPart   // opNormalize, opNormalizeGrad
	lo, hi, jlo, jhi int      // rows and columns of C; opAdam: elements
}

const (
	opMul           = iota // C = A·B (+ bias), A read through strides
	opMulBT                // C = A·Bᵀ, in Go, by dot products of rows
	opAdam                 // one Adam step
	opMomentum             // one step of SGD with momentum
	opTranspose            // rows lo..hi−1 of p.b into columns of p.c (bᵀ)
	opReLU                 // p.c = max(p.a, 0), elements lo..hi−1
	opReLUMask             // p.c = p.a where p.b > 0, else 0, elements lo..hi−1
	opColumns              // p.c = the column reduction p.k of p.a (and p.b), columns lo..hi−1
	opNormalize            // batch normalisation of rows lo..hi−1 (bn)
	opNormalizeGrad        // its backward pass, rows lo..hi−1 (bn)
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
		if f := &t.p; f.out != nil { // while the block is in this core's cache
			if t.jlo == 0 && t.jhi == f.m {
				transposeRows(f.out, f.c, f.n, f.m, t.lo, t.hi)
			} else {
				transposeRect(f.out, f.c, f.n, f.m, t.lo, t.hi, t.jlo, t.jhi)
			}
		}
	case opMulBT:
		t.p.mulBTRows(t.lo, t.hi, t.jlo, t.jhi)
	case opAdam:
		t.step.adam(t.lo, t.hi)
	case opMomentum:
		t.step.momentum(t.lo, t.hi)
	case opTranspose:
		transposeRows(t.p.c, t.p.b, t.p.m, t.p.k, t.lo, t.hi)
	case opReLU:
		relu(t.p.c[t.lo:t.hi], t.p.a[t.lo:t.hi])
	case opReLUMask:
		reluMask(t.p.c[t.lo:t.hi], t.p.a[t.lo:t.hi], t.p.b[t.lo:t.hi])
	case opColumns:
		columnsVec(t.p.k, t.p.c, t.p.a, t.p.b, t.p.n, t.p.m, t.lo, t.hi)
	case opNormalize, opNormalizeGrad:
		t.normalizeRows()
	}
}
