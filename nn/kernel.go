// The matrix products the layers run in training (chapters 5–7). They compute
// the same sums as Dot, in the same order for each output element, but write
// into a buffer made once, never transpose an operand into new memory, and
// split the rows of large products across the CPU's cores.

package nn

import (
	"fmt"
	"runtime"
	"sync"
)

// parallelMinFlops is the size (multiply-adds) from which a product is split
// across goroutines; below it, handing out the work costs more than it saves.
const parallelMinFlops = 1 << 17

// Which product a task computes.
const (
	opMul   = iota // dst = a·b
	opMulAT        // dst = aᵀ·b
	opMulBT        // dst = a·bᵀ
)

// task is one contiguous range of output rows of one product. It is passed
// by value so that handing it to a worker allocates nothing.
type task struct {
	op        int
	dst, a, b Matrix
	lo, hi    int
}

func (t task) run() {
	switch t.op {
	case opMul:
		mulRows(t.dst, t.a, t.b, t.lo, t.hi)
	case opMulAT:
		mulATRows(t.dst, t.a, t.b, t.lo, t.hi)
	case opMulBT:
		mulBTRows(t.dst, t.a, t.b, t.lo, t.hi)
	}
}

// workers is a pool of goroutines, started on first use, that run tasks.
var workers struct {
	once  sync.Once
	mu    sync.Mutex // one parallel product at a time
	tasks chan task
	done  sync.WaitGroup
}

func startWorkers() {
	workers.tasks = make(chan task)
	for range runtime.NumCPU() {
		go func() {
			for t := range workers.tasks {
				t.run()
				workers.done.Done()
			}
		}()
	}
}

// compute runs t over all its rows, split into one contiguous chunk per core
// when flops is large enough to pay for it. Each output row is written by
// exactly one goroutine, in the same order whatever the split, so results
// never depend on scheduling or GOMAXPROCS.
func compute(t task, flops int) {
	rows := t.hi
	p := min(runtime.GOMAXPROCS(0), runtime.NumCPU(), rows)
	if p <= 1 || flops < parallelMinFlops {
		t.run()
		return
	}
	workers.once.Do(startWorkers)
	workers.mu.Lock()
	defer workers.mu.Unlock()
	chunk := (rows + p - 1) / p
	first := t
	first.hi = chunk
	for lo := chunk; lo < rows; lo += chunk {
		part := t
		part.lo, part.hi = lo, min(lo+chunk, rows)
		workers.done.Add(1)
		workers.tasks <- part
	}
	first.run() // this goroutine takes the first chunk itself
	workers.done.Wait()
}

// MulInto sets dst = a·b and returns dst. dst must be a.Rows()×b.Cols() and
// must not share storage with a or b.
func MulInto(dst, a, b Matrix) Matrix {
	n, k, m := a.Rows(), a.Cols(), b.Cols()
	if b.Rows() != k || dst.Rows() != n || dst.Cols() != m {
		panic(fmt.Sprintf("nn.MulInto: %s · %s into %s: shapes not aligned", a.Shape(), b.Shape(), dst.Shape()))
	}
	compute(task{opMul, dst, a, b, 0, n}, n*k*m)
	return dst
}

func mulRows(dst, a, b Matrix, lo, hi int) {
	for i := lo; i < hi; i++ {
		out := dst[i]
		clear(out)
		for k, aik := range a[i] {
			if aik == 0 {
				continue // ReLU outputs and MNIST backgrounds are mostly zeros
			}
			axpy(out, b[k], aik)
		}
	}
}

// MulATInto sets dst = aᵀ·b without forming aᵀ: dst[i][j] = Σ_r a[r][i]·b[r][j].
// For a Dense layer this is dW = xᵀ·dout. dst must be a.Cols()×b.Cols().
func MulATInto(dst, a, b Matrix) Matrix {
	r, n, m := a.Rows(), a.Cols(), b.Cols()
	if b.Rows() != r || dst.Rows() != n || dst.Cols() != m {
		panic(fmt.Sprintf("nn.MulATInto: %sᵀ · %s into %s: shapes not aligned", a.Shape(), b.Shape(), dst.Shape()))
	}
	compute(task{opMulAT, dst, a, b, 0, n}, n*r*m)
	return dst
}

func mulATRows(dst, a, b Matrix, lo, hi int) {
	for i := lo; i < hi; i++ {
		clear(dst[i])
	}
	for r := range a {
		arow, brow := a[r], b[r]
		for i := lo; i < hi; i++ {
			if v := arow[i]; v != 0 {
				axpy(dst[i], brow, v)
			}
		}
	}
}

// MulBTInto sets dst = a·bᵀ without forming bᵀ: dst[i][j] = Σ_k a[i][k]·b[j][k].
// For a Dense layer this is dx = dout·Wᵀ. dst must be a.Rows()×b.Rows().
func MulBTInto(dst, a, b Matrix) Matrix {
	n, k, m := a.Rows(), a.Cols(), b.Rows()
	if b.Cols() != k || dst.Rows() != n || dst.Cols() != m {
		panic(fmt.Sprintf("nn.MulBTInto: %s · %sᵀ into %s: shapes not aligned", a.Shape(), b.Shape(), dst.Shape()))
	}
	compute(task{opMulBT, dst, a, b, 0, n}, n*k*m)
	return dst
}

func mulBTRows(dst, a, b Matrix, lo, hi int) {
	for i := lo; i < hi; i++ {
		arow, out := a[i], dst[i]
		for j := range out {
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
