package fast

import "sync/atomic"

// product is C = A·B (+ a bias row) over flat storage, the form every kernel
// takes: A(i,p) = a[i·sai + p·sak], B(p,j) = b[p·ldb + j], C(i,j) = c[i·ldc + j],
// for i < n, p < k, j < m. The two strides of A serve both a·b (sai = k,
// sak = 1) and aᵀ·b (sai = 1, sak = n), so aᵀ is never formed.
//
// When rows is not nil, A is not one array but one slice per row, as a
// batch whose rows are the dataset's own rows: A(i,p) = rows[i][p] for a·b,
// A(i,p) = rows[p][i] for aᵀ·b (rowsT); a is then nil.
type product struct {
	c, a, b, bias      []float64
	rows               [][]float64
	rowsT              bool
	grad               bool      // C = aᵀ·b is a gradient dW = xᵀ·dout: its batch is k, not n
	swapped            bool      // C = dxᵀ = W·doutᵀ (MulBT's cᵀ = b·aᵀ): its batch is m
	out                []float64 // if not nil, each part also writes its block of C, transposed, here (m×n)
	ldc, sai, sak, ldb int
	n, k, m            int
}

// Mul sets c = a·b, plus bias added to every row when bias is not nil:
// a is n×k, b is k×m and c is n×m, each stored row after row. c must not
// share storage with a or b.
func Mul(c, a, b, bias []float64, n, k, m int) {
	split(opMul, product{c: c, a: a, b: b, bias: bias, ldc: m, sai: k, sak: 1, ldb: m, n: n, k: k, m: m})
}

// MulAT sets c = aᵀ·b, where a is k×n, b is k×m and c is n×m.
func MulAT(c, a, b []float64, n, k, m int) {
	split(opMul, product{c: c, a: a, b: b, grad: true, ldc: m, sai: 1, sak: n, ldb: m, n: n, k: k, m: m})
}

// MulRows is Mul for an a given as its n rows, each a slice of at least k
// numbers (the first k are used): c = a·b (+ bias). The rows need not lie
// side by side, so a batch can be the dataset's own rows, not a copy.
func MulRows(c []float64, a [][]float64, b, bias []float64, n, k, m int) {
	for _, r := range a[:n] {
		_ = r[:k] // every row long enough (the kernels read k numbers)
	}
	splitRows(product{c: c, rows: a[:n], b: b, bias: bias, ldc: m, sai: k, sak: 1, ldb: m, n: n, k: k, m: m})
}

// MulATRows is MulAT for an a given as its k rows, each of at least n
// numbers: c = aᵀ·b.
func MulATRows(c []float64, a [][]float64, b []float64, n, k, m int) {
	for _, r := range a[:k] {
		_ = r[:n]
	}
	splitRows(product{c: c, rows: a[:k], rowsT: true, grad: true, b: b, ldc: m, sai: 1, sak: n, ldb: m, n: n, k: k, m: m})
}

// splitRows runs a product whose A is given by rows. The Go twins and
// AVX-512 read the rows where they are; the AVX2 kernel wants one array, so
// for it the rows are copied into one first (into a buffer kept from call
// to call, as the transpose of MulBT is). So does a large dW = xᵀ·dout with
// AVX-512 (gatherMinWork): its kernel reads a few numbers of every row for
// each block of dW, which from rows scattered over the dataset costs more
// than the copy (784-1024-1024-10 at batch 128: 3.4–3.6 → 2.5–3.0 ms for
// the first layer's backward pass, copy included).
func splitRows(f product) {
	gather := level == AVX2 || level == AVX512 && f.rowsT && f.n*f.k*f.m >= gatherMinWork
	if f.k == 0 || !gather {
		split(opMul, f)
		return
	}
	rows, cols := f.n, f.k
	if f.rowsT { // aᵀ·b: a is k×n
		rows, cols = f.k, f.n
	}
	s := spareRows.Swap(nil)
	if s == nil {
		s = &[]float64{}
	}
	a := grow(s, rows*cols)
	for i, r := range f.rows {
		copy(a[i*cols:(i+1)*cols], r)
	}
	f.a, f.rows = a, nil
	split(opMul, f)
	spareRows.Store(s)
}

// gatherMinWork is the fewest multiply-adds of a dW = xᵀ·dout, x given by
// rows, for which the AVX-512 path copies the rows into one array first.
var gatherMinWork = 1 << 24

// spareRows is the buffer splitRows copies rows into.
var spareRows atomic.Pointer[[]float64]

// MulBT sets c = a·bᵀ, where a is n×k, b is m×k and c is n×m.
func MulBT(c, a, b []float64, n, k, m int) {
	if level == Portable || n == 0 || k == 0 || m == 0 {
		split(opMulBT, product{c: c, a: a, b: b, ldc: m, sai: k, sak: 1, ldb: k, n: n, k: k, m: m})
		return
	}
	// The vector kernels want the columns of bᵀ side by side in memory. A
	// small a (a batch of dout, against a wide W) is cheaper to copy than
	// b: then cᵀ = b·aᵀ is computed instead, which costs a copy of aᵀ and
	// one of cᵀ back into c, n·(k+m) numbers instead of m·k. Each element
	// is the same sum of the same products in the same order either way
	// (x·y and y·x are the same number), so the choice changes no bit.
	s := spare.Swap(nil)
	if s == nil {
		s = &[]float64{}
	}
	if swapBT(n, k, m) {
		buf := grow(s, n*k+m*n)
		at, ct := buf[:k*n], buf[k*n:]
		transpose(at, a, n, k)
		split(opMul, product{c: ct, a: b, b: at, swapped: true, out: c, ldc: n, sai: k, sak: 1, ldb: n, n: m, k: k, m: n})
	} else {
		bt := grow(s, k*m)
		transpose(bt, b, m, k)
		split(opMul, product{c: c, a: a, b: bt, ldc: m, sai: k, sak: 1, ldb: m, n: n, k: k, m: m})
	}
	spare.Store(s)
}

// swapBT says whether MulBT computes cᵀ = b·aᵀ (copying aᵀ and cᵀ) rather
// than c = a·bᵀ (copying bᵀ): when that copies fewer numbers, unless a
// test asks for one way (swapBTMode 1: never, 2: always).
func swapBT(n, k, m int) bool {
	switch swapBTMode {
	case 1:
		return false
	case 2:
		return true
	}
	return n*(k+m) < m*k
}

var swapBTMode int // 0: as swapBT decides (tests set 1 or 2)

// grow returns (*s)[:n], making *s larger first if it must be.
func grow(s *[]float64, n int) []float64 {
	if cap(*s) < n {
		*s = make([]float64, n)
	}
	return (*s)[:n]
}

// spare is the buffer MulBT copies bᵀ (or aᵀ and cᵀ) into, kept between
// calls (a call that finds it taken by another goroutine makes its own), so
// that training allocates nothing once it has been made large enough.
var spare atomic.Pointer[[]float64]

// split runs the product p, split into blocks across the cores when it is
// large enough to pay for it. Each output element is computed by exactly one
// goroutine, in the same order whatever the split, so results never depend
// on scheduling or GOMAXPROCS.
func split(op int, p product) {
	n, k, m := p.n, p.k, p.m
	if n == 0 || m == 0 {
		return
	}
	t := part{op: op, p: p, hi: n, jhi: m}
	rowUnit, colUnit := 1, 1
	if op == opMul {
		rowUnit, colUnit = units()
	}
	pr, pc := 1, 1 // blocks along the rows and the columns of C
	if ways := parallelism(); ways > 1 {
		switch work, touched := n*k*m, n*k+k*m+n*m; {
		case work >= splitMinWork && work >= splitMinIntensity*touched:
			if k*m > n*k { // b the larger (x·W, a batch times a wide W): chunks of its columns
				pc = min((m+colUnit-1)/colUnit, chunksPerCore*ways, maxParts)
				break
			}
			if p.swapped { // dxᵀ = W·doutᵀ: chunks of W's rows
				pr = chunks(n, rowUnit)
				break
			}
			// Otherwise (dW = xᵀ·dout) one block of rows per core: each block
			// copies b into panels (gemm512), which more blocks would copy again.
			pr = min((n+rowUnit-1)/rowUnit, ways)
			pc = min((m+colUnit-1)/colUnit, max(ways/pr, 1))
		case work >= splitMinWork, work >= splitMinWorkSmall && p.batch() >= splitMinBatch:
			pr = chunks(n, rowUnit)
		}
	}
	if pr*pc <= 1 {
		t.run()
		return
	}
	var parts [maxParts]part
	q := 0
	for r := range pr {
		for c := range pc {
			parts[q] = t
			parts[q].lo, parts[q].hi = splitRange(n, rowUnit, pr, r)
			parts[q].jlo, parts[q].jhi = splitRange(m, colUnit, pc, c)
			q++
		}
	}
	runAll(parts[:q])
}

// batch is the number of samples a product of training works on: the rows
// of x in x·W and dout·Wᵀ (the columns of dxᵀ = W·doutᵀ), the rows of x and
// dout in dW = xᵀ·dout.
func (f *product) batch() int {
	switch {
	case f.grad:
		return f.k
	case f.swapped:
		return f.m
	}
	return f.n
}

// mulRows is the Go twin of the product kernels: rows lo..hi−1, columns
// jlo..jhi−1 of C = A·B (+ bias). Row i of C is built as the sum over p of
// A(i,p) times row p of B, the i-k-j order of nn.Dot, skipping the terms
// where A(i,p) is 0 (ReLU outputs and image backgrounds are mostly zeros);
// the bias is added after the sum.
func (f *product) mulRows(lo, hi, jlo, jhi int) {
	for i := lo; i < hi; i++ {
		var acc axpyGroup
		acc.start(f.c[i*f.ldc+jlo : i*f.ldc+jhi])
		switch {
		case f.rows != nil && !f.rowsT: // a·b, row i of A is rows[i]
			for p, aip := range f.rows[i][:f.k] {
				if aip != 0 {
					acc.add(aip, f.b[p*f.ldb+jlo:p*f.ldb+jhi])
				}
			}
		case f.rows != nil: // aᵀ·b, row i of A is element i of every rows[p]
			for p, row := range f.rows[:f.k] {
				if aip := row[i]; aip != 0 {
					acc.add(aip, f.b[p*f.ldb+jlo:p*f.ldb+jhi])
				}
			}
		case f.sak == 1: // a·b: row i of A is a slice of a
			for p, aip := range f.a[i*f.sai : i*f.sai+f.k] {
				if aip != 0 {
					acc.add(aip, f.b[p*f.ldb+jlo:p*f.ldb+jhi])
				}
			}
		default: // aᵀ·b: row i of A is column i of a
			for p, q := 0, i*f.sai; p < f.k; p, q = p+1, q+f.sak {
				if aip := f.a[q]; aip != 0 {
					acc.add(aip, f.b[p*f.ldb+jlo:p*f.ldb+jhi])
				}
			}
		}
		acc.flush()
		if f.bias != nil {
			out := f.c[i*f.ldc+jlo : i*f.ldc+jhi]
			for j, v := range f.bias[jlo:jhi] {
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

// axpy sets y += a·x (the name BLAS gives it).
func axpy(y, x []float64, a float64) {
	x = x[:len(y)]
	for j, v := range x {
		y[j] += a * v
	}
}

// mulBTRows is the Go twin for C = A·Bᵀ with B stored m×k (ldb = k): each
// C(i,j) is the dot product of row i of A and row j of B, summed in the
// same order as mulRows sums it; four of them side by side.
func (f *product) mulBTRows(lo, hi, jlo, jhi int) {
	k := f.k
	for i := lo; i < hi; i++ {
		arow, out := f.a[i*k:(i+1)*k], f.c[i*f.ldc:]
		j := jlo
		for ; j+4 <= jhi; j += 4 {
			b0, b1, b2, b3 := f.b[j*k:(j+1)*k], f.b[(j+1)*k:(j+2)*k], f.b[(j+2)*k:(j+3)*k], f.b[(j+3)*k:(j+4)*k]
			var s0, s1, s2, s3 float64
			for p, v := range arow {
				s0 += v * b0[p]
				s1 += v * b1[p]
				s2 += v * b2[p]
				s3 += v * b3[p]
			}
			out[j], out[j+1], out[j+2], out[j+3] = s0, s1, s2, s3
		}
		for ; j < jhi; j++ {
			out[j] = dot(arow, f.b[j*k:(j+1)*k])
		}
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

// transpose writes bᵀ (k×m) into bt, for b m×k: 8×8 blocks at a time in
// vector registers where the CPU can, the edges in Go. A large b is dealt
// out to the cores by rows (columns of bt), in whole blocks of 8: a copy
// moves each number unchanged, so the split cannot change a bit.
func transpose(bt, b []float64, m, k int) {
	ways := 1
	if m*k >= transposeSplitMin {
		ways = min(parallelism(), max(m/8, 1))
	}
	if ways <= 1 {
		transposeRows(bt, b, m, k, 0, m)
		return
	}
	t := part{op: opTranspose, p: product{c: bt, b: b, m: m, k: k}}
	var parts [maxParts]part
	for q := range ways {
		parts[q] = t
		parts[q].lo, parts[q].hi = splitRange(m, 8, ways, q)
	}
	runAll(parts[:ways])
}

// transposeRows writes rows j0..j1−1 of b (m×k) into columns j0..j1−1 of
// bt.
func transposeRows(bt, b []float64, m, k, j0, j1 int) {
	if r := j0 % 8; r != 0 { // the rows up to a multiple of 8, in Go
		head := min(j0+8-r, j1)
		transposeRect(bt, b, m, k, j0, head, 0, k)
		j0 = head
	}
	rows, cols := transposeBlocks(bt, b, m, k, j0, j1)
	transposeRect(bt, b, m, k, j0, rows, cols, k)
	transposeRect(bt, b, m, k, rows, j1, 0, k)
}

// transposeRect writes bt[p·m + j] = b[j·k + p] for rows j0 ≤ j < j1 and
// columns p0 ≤ p < p1 of b. It reads four rows side by side, so that each
// row of bᵀ is written four neighbours at a time rather than one element per
// cache line.
func transposeRect(bt, b []float64, m, k, j0, j1, p0, p1 int) {
	j := j0
	for ; j+4 <= j1; j += 4 {
		r0, r1, r2, r3 := b[j*k:j*k+p1], b[(j+1)*k:(j+1)*k+p1], b[(j+2)*k:(j+2)*k+p1], b[(j+3)*k:(j+3)*k+p1]
		for p := p0; p < p1; p++ {
			o := bt[p*m+j : p*m+j+4 : p*m+j+4]
			o[0], o[1], o[2], o[3] = r0[p], r1[p], r2[p], r3[p]
		}
	}
	for ; j < j1; j++ {
		for p := p0; p < p1; p++ {
			bt[p*m+j] = b[j*k+p]
		}
	}
}
