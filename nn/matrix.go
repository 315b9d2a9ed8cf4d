// Chapter 3 (ch03_forward) explains this file: the matrix every layer is
// built on, the shape rule of a product, and broadcasting a bias row.

package nn

import (
	"fmt"
	"math"
	"strings"
)

// Matrix is a dense rows×cols matrix of float64, stored the way a learner
// would write it by hand: a slice of rows, m[i][j] is row i, column j.
//
// Matrices made by this package keep all their rows in one contiguous
// backing array (row i is data[i*cols:(i+1)*cols]), which makes them fast to
// walk and cheap to allocate. Do not append to a row: the next row lives
// right after it.
type Matrix [][]float64

// New returns a rows×cols matrix of zeros.
func New(rows, cols int) Matrix {
	if rows < 0 || cols < 0 {
		panic(fmt.Sprintf("nn.New: negative shape %d×%d", rows, cols))
	}
	return wrap(make([]float64, rows*cols), rows, cols)
}

// wrap slices data (len rows*cols) into a Matrix without copying.
func wrap(data []float64, rows, cols int) Matrix {
	m := make(Matrix, rows)
	for i := range m {
		m[i] = data[i*cols : (i+1)*cols]
	}
	return m
}

// FromRows copies rows into a new contiguous Matrix. Every row must have the
// same length.
func FromRows(rows [][]float64) Matrix {
	if len(rows) == 0 {
		return Matrix{}
	}
	cols := len(rows[0])
	m := New(len(rows), cols)
	for i, r := range rows {
		if len(r) != cols {
			panic(fmt.Sprintf("nn.FromRows: row %d has %d values, row 0 has %d", i, len(r), cols))
		}
		copy(m[i], r)
	}
	return m
}

// RowVector returns a 1×len(v) matrix holding a copy of v.
func RowVector(v ...float64) Matrix {
	return FromRows([][]float64{v})
}

// Rows is the number of rows.
func (m Matrix) Rows() int { return len(m) }

// Cols is the number of columns (0 for a matrix with no rows).
func (m Matrix) Cols() int {
	if len(m) == 0 {
		return 0
	}
	return len(m[0])
}

// Shape returns "rows×cols", the way errors and the chapters print shapes.
func (m Matrix) Shape() string { return fmt.Sprintf("%d×%d", m.Rows(), m.Cols()) }

// Clone returns a deep copy in fresh contiguous storage.
func (m Matrix) Clone() Matrix { return FromRows(m) }

// flat returns the contiguous backing array of m, or nil when m's rows are
// not laid out one after another in a single array.
func (m Matrix) flat() []float64 {
	r, c := m.Rows(), m.Cols()
	if r == 0 || c == 0 {
		return []float64{}
	}
	if cap(m[0]) < r*c {
		return nil
	}
	all := m[0][:r*c]
	if &all[(r-1)*c] != &m[r-1][0] {
		return nil
	}
	// The first and last rows line up; check the middle ones too.
	for i := 1; i < r-1; i++ {
		if &all[i*c] != &m[i][0] {
			return nil
		}
	}
	return all
}

// values returns the storage of a parameter's value and gradient, for the
// optimisers, which update every element the same way whatever its row.
func values(p *Param) (w, g []float64) {
	w, g = p.Value.flat(), p.Grad.flat()
	if w == nil || g == nil {
		panic(fmt.Sprintf("nn: parameter %s is not contiguous; make it with nn.New or nn.FromRows", p.Name))
	}
	if len(g) != len(w) {
		panic(fmt.Sprintf("nn: parameter %s has %d values but %d gradients", p.Name, len(w), len(g)))
	}
	return w, g
}

// sameShape panics with both shapes when a and b differ.
func sameShape(op string, a, b Matrix) {
	if a.Rows() != b.Rows() || a.Cols() != b.Cols() {
		panic(fmt.Sprintf("nn.%s: shapes %s and %s differ", op, a.Shape(), b.Shape()))
	}
}

// Dot returns the matrix product a·b. The shape rule: an n×k matrix times a
// k×m matrix is n×m; the inner sizes must agree.
//
// Three loops in i-k-j order, so the innermost loop walks a row of b and a
// row of the result side by side (memory order). The layers use dst.Mul and
// its siblings (product.go), which compute the same sums, bit for bit, into a
// matrix they keep.
func Dot(a, b Matrix) Matrix {
	if a.Cols() != b.Rows() {
		panic(fmt.Sprintf("nn.Dot: shapes not aligned: %s · %s (inner sizes %d ≠ %d)",
			a.Shape(), b.Shape(), a.Cols(), b.Rows()))
	}
	out := New(a.Rows(), b.Cols())
	for i := range a {
		row := out[i] // out[i][j] accumulates a[i][k]·b[k][j] over k
		for k, aik := range a[i] {
			for j, bkj := range b[k] {
				row[j] += aik * bkj
			}
		}
	}
	return out
}

// T returns the transpose of m: T(m)[j][i] = m[i][j].
func (m Matrix) T() Matrix {
	out := New(m.Cols(), m.Rows())
	for i, row := range m {
		for j, v := range row {
			out[j][i] = v
		}
	}
	return out
}

// Sub returns a − b, element by element.
func Sub(a, b Matrix) Matrix {
	sameShape("Sub", a, b)
	out := New(a.Rows(), a.Cols())
	for i := range a {
		for j := range a[i] {
			out[i][j] = a[i][j] - b[i][j]
		}
	}
	return out
}

// Hadamard returns the element-wise product a ⊙ b.
func Hadamard(a, b Matrix) Matrix {
	sameShape("Hadamard", a, b)
	out := New(a.Rows(), a.Cols())
	for i := range a {
		for j := range a[i] {
			out[i][j] = a[i][j] * b[i][j]
		}
	}
	return out
}

// Scale returns s·m.
func Scale(s float64, m Matrix) Matrix {
	return m.Apply(func(v float64) float64 { return s * v })
}

// AddRow returns m with the 1×cols row vector b added to every row: the
// "broadcast" of a bias, as NumPy does for x @ W + b.
func AddRow(m, b Matrix) Matrix {
	if b.Rows() != 1 || b.Cols() != m.Cols() {
		panic(fmt.Sprintf("nn.AddRow: bias %s cannot broadcast over %s (want 1×%d)", b.Shape(), m.Shape(), m.Cols()))
	}
	out := New(m.Rows(), m.Cols())
	for i := range m {
		for j := range m[i] {
			out[i][j] = m[i][j] + b[0][j]
		}
	}
	return out
}

// Apply returns f applied to every element of m.
func (m Matrix) Apply(f func(float64) float64) Matrix {
	out := New(m.Rows(), m.Cols())
	for i := range m {
		for j, v := range m[i] {
			out[i][j] = f(v)
		}
	}
	return out
}

// Sum returns the sum of all elements.
func (m Matrix) Sum() float64 {
	s := 0.0
	for _, row := range m {
		for _, v := range row {
			s += v
		}
	}
	return s
}

// SumRows returns the 1×cols column sums (summing over the batch), the
// gradient of a broadcast bias.
func (m Matrix) SumRows() Matrix { return New(1, m.Cols()).SumRowsOf(m) }

// ArgmaxRows returns, for each row, the index of its largest element (the
// first one on a tie): the predicted class of each sample.
func (m Matrix) ArgmaxRows() []int {
	out := make([]int, m.Rows())
	for i, row := range m {
		out[i] = Argmax(row)
	}
	return out
}

// Argmax returns the index of the largest element of v, the first one on a
// tie (0 for an empty v): the predicted class of one sample.
func Argmax(v []float64) int {
	best := 0
	for j := range v {
		if v[j] > v[best] {
			best = j
		}
	}
	return best
}

// MaxAbs returns the largest |m[i][j]|.
func (m Matrix) MaxAbs() float64 {
	best := 0.0
	for _, row := range m {
		for _, v := range row {
			best = math.Max(best, math.Abs(v))
		}
	}
	return best
}

// Equal reports whether a and b have the same shape and identical elements.
func Equal(a, b Matrix) bool {
	if a.Rows() != b.Rows() || a.Cols() != b.Cols() {
		return false
	}
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// String formats m one row per line with 4 decimals, for printing small
// matrices in the chapters.
func (m Matrix) String() string {
	var sb strings.Builder
	for i, row := range m {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteByte('[')
		for j, v := range row {
			if j > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%.4f", v)
		}
		sb.WriteByte(']')
	}
	return sb.String()
}

// OneHot returns a len(labels)×classes matrix with a 1 in column labels[i]
// of row i and 0 elsewhere.
func OneHot(labels []int, classes int) Matrix {
	m := New(len(labels), classes)
	for i, l := range labels {
		if l < 0 || l >= classes {
			panic(fmt.Sprintf("nn.OneHot: label %d outside 0..%d", l, classes-1))
		}
		m[i][l] = 1
	}
	return m
}

// resize returns buf reshaped to rows×cols, reusing its storage when it was
// made with at least that many rows of that width; the contents are not
// cleared. The layers keep their outputs in such buffers so that a training
// step allocates nothing.
func resize(buf Matrix, rows, cols int) Matrix {
	if full := buf[:cap(buf)]; len(full) >= rows && len(full) > 0 && len(full[0]) == cols {
		return full[:rows]
	}
	return New(rows, cols)
}

// FromPixels turns images stored as bytes (0..255, cols bytes per image, one
// after another) into a matrix with one image per row, scaled to 0..1 by
// dividing by 255: the input a network expects.
func FromPixels(pixels []byte, cols int) Matrix {
	if cols <= 0 || len(pixels)%cols != 0 {
		panic(fmt.Sprintf("nn.FromPixels: %d bytes do not split into rows of %d", len(pixels), cols))
	}
	m := New(len(pixels)/cols, cols)
	flat := m.flat()
	for i, p := range pixels {
		flat[i] = float64(p) / 255
	}
	return m
}

// Labels converts byte labels (as datasets store them) to ints.
func Labels(b []byte) []int {
	out := make([]int, len(b))
	for i, v := range b {
		out[i] = int(v)
	}
	return out
}
