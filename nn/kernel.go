// The matrix products the layers run in training (chapters 5–7). They compute
// the same sums as Dot, in the same order for each output element, but write
// into a buffer made once, allocate nothing per call, and split large
// products across the CPU's cores. On amd64 they run vector instructions
// (kernel_amd64.s) that give the same results bit for bit;
// docs/performance.md tells how, and why that is faster.

package nn

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The kernel sets, slowest first. simd is the one in use: the fastest the
// CPU supports (see detectSIMD), unless the environment says otherwise:
//
//	NNFS_NOASM=1     portable Go only, as on every other platform
//	NNFS_NOAVX512=1  at most AVX2, even where AVX-512 is available
const (
	simdNone = iota
	simdAVX2
	simdAVX512
)

var simd = chooseSIMD()

func chooseSIMD() int {
	if envSet("NNFS_NOASM") {
		return simdNone
	}
	s := detectSIMD()
	if s == simdAVX512 && envSet("NNFS_NOAVX512") {
		s = simdAVX2
	}
	return s
}

func envSet(name string) bool {
	v := os.Getenv(name)
	return v != "" && v != "0"
}

// What a task computes.
const (
	opMul   = iota // dst = a·b (+ bias)
	opMulAT        // dst = aᵀ·b
	opMulBT        // dst = a·bᵀ
	opAdam         // an Adam step over elements lo..hi−1 of all parameters
)

// flatProduct is a product C = A·B (+ bias row) over contiguous storage, the
// form the vector kernels take: A(i,p) = a[i·sai + p·sak], B(p,j) = b[p·ldb + j],
// C(i,j) = c[i·ldc + j], for p < k.
type flatProduct struct {
	c, a, b, bias      []float64
	ldc, sai, sak, ldb int
	k                  int
}

// task is one block of output rows and columns of one product, or one range
// of an Adam step. It is passed by value so that handing it to a worker
// allocates nothing.
type task struct {
	op        int
	dst, a, b Matrix
	bias      []float64
	lo, hi    int // rows of dst (opAdam: elements)
	jlo, jhi  int // columns of dst
	fast      bool
	flat      flatProduct

	adam *Adam // opAdam
}

func (t task) run() {
	if t.op == opAdam {
		t.adam.update(t.lo, t.hi)
		return
	}
	j := t.jlo
	if t.fast {
		j = gemmSIMD(&t.flat, t.lo, t.hi, t.jlo, t.jhi)
	}
	if j == t.jhi {
		return
	}
	switch t.op {
	case opMul:
		mulRows(t.dst, t.a, t.b, t.bias, t.lo, t.hi, j, t.jhi)
	case opMulAT:
		mulATRows(t.dst, t.a, t.b, t.lo, t.hi, j, t.jhi)
	case opMulBT:
		mulBTRows(t.dst, t.a, t.b, t.lo, t.hi, j, t.jhi)
	}
}

// The worker pool. A parallel job is a list of parts (blocks of a product,
// ranges of an Adam step) on a shared board. The goroutine that posts the
// job wakes the workers and then takes parts itself, like the workers, one
// at a time until none is left; then it waits only for the parts a worker
// has started. On a busy machine a worker may be slow to wake: the poster
// simply does more of the parts, and a job never waits for a sleeping
// goroutine to be scheduled.
var pool struct {
	once    sync.Once
	mu      sync.Mutex // one job at a time
	parts   [maxParts]task
	state   atomic.Uint64 // job number<<32 | end<<16 | start: parts start…end−1 are left
	pending atomic.Int32  // parts not finished yet
	wake    chan struct{} // a token per worker to wake
	done    chan struct{} // the last part finished
	helpers int           // number of worker goroutines
}

// maxParts bounds the split of one job (a fixed array keeps it allocation-free).
const maxParts = 16

// workerSpin is how long a worker keeps looking for the next job before it
// goes to sleep: the products and the Adam step of one training step follow
// each other within microseconds, and waking a sleeping goroutine takes longer.
const workerSpin = 100 * time.Microsecond

func startPool() {
	pool.helpers = runtime.NumCPU() - 1
	pool.wake = make(chan struct{}, pool.helpers)
	pool.done = make(chan struct{}, 1)
	for range pool.helpers {
		go worker()
	}
}

// take claims a part of the current job, if one is left: the poster takes
// parts from the front of the list, the workers from the back, so that from
// one job to the next each goroutine tends to get the same parts and finds
// their data still in its core's cache.
func take(back bool) (int, bool) {
	for {
		s := pool.state.Load()
		lo, hi := int(s&0xffff), int(s>>16&0xffff)
		if lo >= hi {
			return 0, false
		}
		next, i := s+1, lo
		if back {
			next, i = s-1<<16, hi-1
		}
		if pool.state.CompareAndSwap(s, next) {
			return i, true
		}
	}
}

// work runs parts of the current job until none is left.
func work(back bool) {
	for {
		i, ok := take(back)
		if !ok {
			return
		}
		t := pool.parts[i]
		t.run()
		if pool.pending.Add(-1) == 0 {
			select {
			case pool.done <- struct{}{}:
			default:
			}
		}
	}
}

// jobWaiting reports whether the current job has a part nobody took yet.
func jobWaiting() bool {
	s := pool.state.Load()
	return s&0xffff < s>>16&0xffff
}

func worker() {
	for range pool.wake {
		work(true)
		for start := time.Now(); time.Since(start) < workerSpin; {
			if jobWaiting() {
				work(true)
				start = time.Now()
			}
			runtime.Gosched()
		}
	}
}

// runParts runs the parts, on this goroutine and the workers, and returns
// when all are done.
func runParts(parts []task) {
	if len(parts) == 1 {
		parts[0].run()
		return
	}
	pool.once.Do(startPool)
	pool.mu.Lock()
	defer pool.mu.Unlock()
	n := len(parts)
	copy(pool.parts[:], parts)
	pool.pending.Store(int32(n))
	job := pool.state.Load()>>32 + 1
	pool.state.Store(job<<32 | uint64(n)<<16)
	for range min(n-1, pool.helpers, runtime.GOMAXPROCS(0)-1) {
		select {
		case pool.wake <- struct{}{}:
		default: // every worker has a token already
		}
	}
	work(false)
	// The other parts are running: they should end within microseconds, far
	// sooner than a sleeping goroutine is woken, so look before sleeping.
	for start := time.Now(); pool.pending.Load() != 0 && time.Since(start) < workerSpin; {
	}
	for pool.pending.Load() != 0 {
		<-pool.done
	}
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
// number it reads or writes; an Adam step from adamSplitMin parameters on.
// Variables, so that tests can force every split.
var (
	splitMinWork      = 1 << 22
	splitMinIntensity = 96
	adamSplitMin      = 1 << 19
)

// parallelism is how many parts to split a job into: one per goroutine
// allowed to run (GOMAXPROCS), at most one per core and maxParts.
func parallelism() int {
	return min(runtime.GOMAXPROCS(0), runtime.NumCPU(), maxParts)
}

// compute runs the product t, n×k times k×m into dst, split into parts
// when it is large enough to pay for it. Each output element is computed by
// exactly one goroutine, in the same order whatever the split, so results
// never depend on scheduling or GOMAXPROCS.
func compute(t task, n, k, m int) {
	t.lo, t.hi, t.jlo, t.jhi = 0, n, 0, m
	if n == 0 || m == 0 {
		return
	}
	p := 1
	if work, touched := n*k*m, n*k+k*m+n*m; work >= splitMinWork && work >= splitMinIntensity*touched {
		p = parallelism()
	}
	if p <= 1 {
		t.run()
		return
	}
	// Split into a grid of blocks whose sides are whole units of the kernel:
	// 6 rows and 32 (AVX-512) or 8 (AVX2) columns; a block of less would
	// waste part of a vector register.
	rowUnit, colUnit := 1, 1
	switch {
	case !t.fast:
	case simd == simdAVX512:
		rowUnit, colUnit = 6, 32
	case simd == simdAVX2:
		rowUnit, colUnit = 6, 8
	}
	nr, nc := (n+rowUnit-1)/rowUnit, (m+colUnit-1)/colUnit
	pr := min(nr, p) // rows first: each part then reads only its rows of a
	pc := min(nc, max(p/pr, 1))
	var parts [maxParts]task
	q := 0
	for r := range pr {
		for c := range pc {
			parts[q] = t
			parts[q].lo, parts[q].hi = min(nr*r/pr*rowUnit, n), min(nr*(r+1)/pr*rowUnit, n)
			parts[q].jlo, parts[q].jhi = min(nc*c/pc*colUnit, m), min(nc*(c+1)/pc*colUnit, m)
			q++
		}
	}
	runParts(parts[:q])
}

// flatOf returns the contiguous storage of m and whether it has one (an
// empty matrix has, trivially).
func flatOf(m Matrix) ([]float64, bool) {
	f := m.flat()
	return f, f != nil
}

// MulInto sets dst = a·b and returns dst. dst must be a.Rows()×b.Cols() and
// must not share storage with a or b.
func MulInto(dst, a, b Matrix) Matrix {
	n, k, m := a.Rows(), a.Cols(), b.Cols()
	if b.Rows() != k || dst.Rows() != n || dst.Cols() != m {
		panic(fmt.Sprintf("nn.MulInto: %s · %s into %s: shapes not aligned", a.Shape(), b.Shape(), dst.Shape()))
	}
	mulBias(dst, a, b, nil)
	return dst
}

// mulBias sets dst = a·b, plus bias added to every row when bias is not nil
// (after the sum, as Dense.Forward did in two steps).
func mulBias(dst, a, b Matrix, bias []float64) {
	n, k, m := a.Rows(), a.Cols(), b.Cols()
	t := task{op: opMul, dst: dst, a: a, b: b, bias: bias}
	if k == 0 || simd == simdNone {
		compute(t, n, k, m)
		return
	}
	fc, ok1 := flatOf(dst)
	fa, ok2 := flatOf(a)
	fb, ok3 := flatOf(b)
	if ok1 && ok2 && ok3 {
		t.fast = true
		t.flat = flatProduct{c: fc, a: fa, b: fb, bias: bias, ldc: m, sai: k, sak: 1, ldb: m, k: k}
	}
	compute(t, n, k, m)
}

// mulRows computes rows lo..hi−1, columns jlo..jhi−1 of dst = a·b (+ bias).
func mulRows(dst, a, b Matrix, bias []float64, lo, hi, jlo, jhi int) {
	for i := lo; i < hi; i++ {
		var acc axpyGroup
		acc.start(dst[i][jlo:jhi])
		for k, aik := range a[i] {
			if aik != 0 { // ReLU outputs and image backgrounds are mostly zeros
				acc.add(aik, b[k][jlo:jhi])
			}
		}
		acc.flush()
		if bias != nil {
			out := dst[i][jlo:jhi]
			for j, v := range bias[jlo:jhi] {
				out[j] += v
			}
		}
	}
}

// axpyGroup adds rows a·x to one output row y, four at a time: one pass
//
//	y[j] = y[j] + a0·x0[j] + a1·x1[j] + a2·x2[j] + a3·x3[j]
//
// (Go adds left to right) does exactly what four axpy passes would, in the
// same order, but loads and stores y[j] once instead of four times.
type axpyGroup struct {
	y []float64
	a [4]float64
	x [4][]float64
	n int
}

func (g *axpyGroup) start(y []float64) {
	clear(y)
	g.y, g.n = y, 0
}

func (g *axpyGroup) add(a float64, x []float64) {
	g.a[g.n], g.x[g.n] = a, x
	g.n++
	if g.n == 4 {
		axpy4(g.y, g.x[0], g.x[1], g.x[2], g.x[3], g.a[0], g.a[1], g.a[2], g.a[3])
		g.n = 0
	}
}

func (g *axpyGroup) flush() {
	for q := range g.n {
		axpy(g.y, g.x[q], g.a[q])
	}
	g.n = 0
}

// axpy4 sets y += a0·x0, then += a1·x1, += a2·x2, += a3·x3, in one pass.
func axpy4(y, x0, x1, x2, x3 []float64, a0, a1, a2, a3 float64) {
	n := len(y)
	x0, x1, x2, x3 = x0[:n], x1[:n], x2[:n], x3[:n]
	for j := range y {
		y[j] = y[j] + a0*x0[j] + a1*x1[j] + a2*x2[j] + a3*x3[j]
	}
}

// MulATInto sets dst = aᵀ·b without forming aᵀ: dst[i][j] = Σ_r a[r][i]·b[r][j].
// For a Dense layer this is dW = xᵀ·dout. dst must be a.Cols()×b.Cols().
func MulATInto(dst, a, b Matrix) Matrix {
	r, n, m := a.Rows(), a.Cols(), b.Cols()
	if b.Rows() != r || dst.Rows() != n || dst.Cols() != m {
		panic(fmt.Sprintf("nn.MulATInto: %sᵀ · %s into %s: shapes not aligned", a.Shape(), b.Shape(), dst.Shape()))
	}
	t := task{op: opMulAT, dst: dst, a: a, b: b}
	if r > 0 && simd != simdNone {
		fc, ok1 := flatOf(dst)
		fa, ok2 := flatOf(a)
		fb, ok3 := flatOf(b)
		if ok1 && ok2 && ok3 {
			t.fast = true
			t.flat = flatProduct{c: fc, a: fa, b: fb, ldc: m, sai: 1, sak: n, ldb: m, k: r}
		}
	}
	compute(t, n, r, m)
	return dst
}

func mulATRows(dst, a, b Matrix, lo, hi, jlo, jhi int) {
	for i := lo; i < hi; i++ {
		var acc axpyGroup
		acc.start(dst[i][jlo:jhi])
		for r, arow := range a {
			if v := arow[i]; v != 0 {
				acc.add(v, b[r][jlo:jhi])
			}
		}
		acc.flush()
	}
}

// MulBTInto sets dst = a·bᵀ without allocating bᵀ: dst[i][j] = Σ_k a[i][k]·b[j][k].
// For a Dense layer this is dx = dout·Wᵀ. dst must be a.Rows()×b.Rows().
func MulBTInto(dst, a, b Matrix) Matrix {
	n, k, m := a.Rows(), a.Cols(), b.Rows()
	if b.Cols() != k || dst.Rows() != n || dst.Cols() != m {
		panic(fmt.Sprintf("nn.MulBTInto: %s · %sᵀ into %s: shapes not aligned", a.Shape(), b.Shape(), dst.Shape()))
	}
	if simd == simdNone || k == 0 {
		mulBT(dst, a, b, nil)
		return dst
	}
	s := scratchPool.Get().(*[]float64)
	mulBT(dst, a, b, s)
	scratchPool.Put(s)
	return dst
}

// scratchPool holds buffers for MulBTInto's packed copy of bᵀ.
var scratchPool = sync.Pool{New: func() any { return new([]float64) }}

// mulBT sets dst = a·bᵀ. The vector kernels want the columns of bᵀ side by
// side in memory, so they first copy bᵀ into *scratch (grown as needed): a
// small price, paid once for all the rows of a.
func mulBT(dst, a, b Matrix, scratch *[]float64) {
	n, k, m := a.Rows(), a.Cols(), b.Rows()
	t := task{op: opMulBT, dst: dst, a: a, b: b}
	if k > 0 && simd != simdNone && scratch != nil {
		fc, ok1 := flatOf(dst)
		fa, ok2 := flatOf(a)
		if ok1 && ok2 {
			if cap(*scratch) < k*m {
				*scratch = make([]float64, k*m)
			}
			bt := (*scratch)[:k*m]
			transposeInto(bt, b)
			t.fast = true
			t.flat = flatProduct{c: fc, a: fa, b: bt, ldc: m, sai: k, sak: 1, ldb: m, k: k}
		}
	}
	compute(t, n, k, m)
}

// transposeInto writes bᵀ (b.Cols()×b.Rows()) into bt: 8×8 blocks at a time
// in vector registers where the CPU can (kernel_amd64.s), the edges here.
func transposeInto(bt []float64, b Matrix) {
	m := b.Rows()
	if m == 0 {
		return
	}
	k := len(b[0])
	rows, cols := 0, 0
	if fb, ok := flatOf(b); ok && simd != simdNone {
		rows, cols = transposeSIMD(bt, fb, m, k)
	}
	transposeRect(bt, b, 0, rows, cols, k)
	transposeRect(bt, b, rows, m, 0, k)
}

// transposeRect writes bt[p][j] = b[j][p] for rows j0 ≤ j < j1 and columns
// p0 ≤ p < p1 of b. It reads four rows side by side, so that each row of bᵀ
// is written four neighbours at a time rather than one element per cache line.
func transposeRect(bt []float64, b Matrix, j0, j1, p0, p1 int) {
	m := b.Rows()
	j := j0
	for ; j+4 <= j1; j += 4 {
		r0, r1, r2, r3 := b[j][:p1], b[j+1][:p1], b[j+2][:p1], b[j+3][:p1]
		for p := p0; p < p1; p++ {
			o := bt[p*m+j : p*m+j+4 : p*m+j+4]
			o[0], o[1], o[2], o[3] = r0[p], r1[p], r2[p], r3[p]
		}
	}
	for ; j < j1; j++ {
		for p := p0; p < p1; p++ {
			bt[p*m+j] = b[j][p]
		}
	}
}

func mulBTRows(dst, a, b Matrix, lo, hi, jlo, jhi int) {
	for i := lo; i < hi; i++ {
		arow, out := a[i], dst[i]
		j := jlo
		for ; j+4 <= jhi; j += 4 { // four sums side by side, each in the order of dot
			b0, b1, b2, b3 := b[j][:len(arow)], b[j+1][:len(arow)], b[j+2][:len(arow)], b[j+3][:len(arow)]
			var s0, s1, s2, s3 float64
			for k, v := range arow {
				s0 += v * b0[k]
				s1 += v * b1[k]
				s2 += v * b2[k]
				s3 += v * b3[k]
			}
			out[j], out[j+1], out[j+2], out[j+3] = s0, s1, s2, s3
		}
		for ; j < jhi; j++ {
			out[j] = dot(arow, b[j])
		}
	}
}

// axpy sets y += a·x (the name BLAS gives it).
func axpy(y, x []float64, a float64) {
	x = x[:len(y)]
	for j, v := range x {
		y[j] += a * v
	}
}

// dot returns Σ x[i]·y[i].
func dot(x, y []float64) float64 {
	y = y[:len(x)]
	s := 0.0
	for i, v := range x {
		s += v * y[i]
	}
	return s
}
