package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"runtime"
	"testing"

	"nnfromscratch/internal/exercise"
	"nnfromscratch/nn"
)

const exercisesFile = "ch03_forward/exercises.go"

// call runs f and returns the value it panicked with, if it did.
func call(f func()) (panicValue any, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			panicValue, panicked = r, true
		}
	}()
	f()
	return nil, false
}

// shapePanic calls f, which gets matrices of shapes that do not fit, and
// says what is wrong unless f panics with its own message (not a runtime
// error such as an index out of range) that matches named, when named is set.
func shapePanic(what, why string, f func(), named *regexp.Regexp) error {
	r, ok := call(f)
	switch {
	case !ok:
		return fmt.Errorf("%s returned a result, want a panic: %s. Check the shapes before the loops", what, why)
	case isRuntimeError(r):
		return fmt.Errorf("%s panicked with the runtime's %q, not with a message of your own: %s. Check the shapes before the loops and panic with a message that says so", what, fmt.Sprint(r), why)
	case named != nil && !named.MatchString(fmt.Sprint(r)):
		return fmt.Errorf("%s panicked with %q, which does not name both shapes: put a.Shape() and b.Shape() in the message, so whoever meets it knows what to fix", what, fmt.Sprint(r))
	}
	return nil
}

func isRuntimeError(r any) bool {
	_, ok := r.(runtime.Error)
	return ok
}

// randomMatrix returns a rows×cols matrix of values in [-1, 1).
func randomMatrix(rng *rand.Rand, rows, cols int) nn.Matrix {
	m := nn.New(rows, cols)
	for _, row := range m {
		for j := range row {
			row[j] = 2*rng.Float64() - 1
		}
	}
	return m
}

// ---------------------------------------------------------------------------

func checkMatMul(matMul func(a, b nn.Matrix) nn.Matrix) error {
	rng := rand.New(rand.NewPCG(3, 1))
	for trial := range 60 {
		n, k, m := 1+rng.IntN(6), 1+rng.IntN(6), 1+rng.IntN(6)
		if trial == 0 {
			n, k, m = 2, 3, 4 // a non-square case first, for a readable message
		}
		a, b := randomMatrix(rng, n, k), randomMatrix(rng, k, m)
		a0, b0 := a.Clone(), b.Clone()
		var got nn.Matrix
		if r, ok := call(func() { got = matMul(a, b) }); ok {
			return fmt.Errorf("MatMul(%s matrix, %s matrix) panicked: %v", a.Shape(), b.Shape(), r)
		}
		if !nn.Equal(a, a0) || !nn.Equal(b, b0) {
			return fmt.Errorf("MatMul(%s, %s) changed its inputs; build the result in a new matrix", a.Shape(), b.Shape())
		}
		if got.Rows() != n || got.Cols() != m {
			return fmt.Errorf("MatMul(%s, %s) returned a %s matrix, want %d×%d (n×k · k×m = n×m)", a.Shape(), b.Shape(), got.Shape(), n, m)
		}
		want := nn.Dot(a, b)
		for i := range want {
			for j := range want[i] {
				if math.Abs(got[i][j]-want[i][j]) > 1e-12 {
					return fmt.Errorf("MatMul(%s, %s): element [%d][%d] = %.6g, want %.6g (row %d of a times column %d of b)",
						a.Shape(), b.Shape(), i, j, got[i][j], want[i][j], i, j)
				}
			}
		}
	}
	for _, c := range []struct {
		a, b  nn.Matrix
		named string
	}{
		{nn.New(2, 3), nn.New(4, 5), `2\D{1,4}3\D+4\D{1,4}5`}, // a narrower than b is tall: naive loops return a wrong result
		{nn.New(3, 4), nn.New(2, 3), `3\D{1,4}4\D+2\D{1,4}3`}, // a wider than b is tall: naive loops run off the end of b
	} {
		what := fmt.Sprintf("MatMul(%s, %s)", c.a.Shape(), c.b.Shape())
		why := fmt.Sprintf("the inner sizes %d and %d differ", c.a.Cols(), c.b.Rows())
		if err := shapePanic(what, why, func() { matMul(c.a, c.b) }, regexp.MustCompile(c.named)); err != nil {
			return err
		}
	}
	return nil
}

func TestExerciseMatMul(t *testing.T) {
	exercise.Attempted(t, "MatMul", exercisesFile, func() { MatMul(nn.New(1, 1), nn.New(1, 1)) })
	if err := exercise.Safely(func() error { return checkMatMul(MatMul) }); err != nil {
		t.Error(err)
	}
}

func TestCheckMatMulRejectsWrongAnswers(t *testing.T) {
	transposed := func(a, b nn.Matrix) nn.Matrix { // b[j][k] instead of b[k][j]
		out := nn.New(a.Rows(), b.Cols())
		for i := range a {
			for j := range out[i] {
				for k := range a[i] {
					out[i][j] += a[i][k] * b[j][k]
				}
			}
		}
		return out
	}
	if checkMatMul(transposed) == nil {
		t.Error("checkMatMul accepted a product that reads b[j][k]")
	}
	wrongShape := func(a, b nn.Matrix) nn.Matrix { // result shaped like a
		out := nn.New(a.Rows(), a.Cols())
		for i := range out {
			for j := range out[i] {
				for k := range b {
					if j < b.Cols() {
						out[i][j] += a[i][k] * b[k][j]
					}
				}
			}
		}
		return out
	}
	if checkMatMul(wrongShape) == nil {
		t.Error("checkMatMul accepted a result of the wrong shape")
	}
	noShapeCheck := func(a, b nn.Matrix) nn.Matrix { // multiplies whatever fits
		out := nn.New(a.Rows(), b.Cols())
		for i := range a {
			for k := range min(a.Cols(), b.Rows()) {
				for j := range b[k] {
					out[i][j] += a[i][k] * b[k][j]
				}
			}
		}
		return out
	}
	if checkMatMul(noShapeCheck) == nil {
		t.Error("checkMatMul accepted a product that does not reject misaligned shapes")
	}
	naive := func(a, b nn.Matrix) nn.Matrix { // no check: panics or not, depending on the shapes
		out := nn.New(a.Rows(), b.Cols())
		for i := range a {
			for k := range a[i] {
				for j := range b[k] {
					out[i][j] += a[i][k] * b[k][j]
				}
			}
		}
		return out
	}
	if checkMatMul(naive) == nil {
		t.Error("checkMatMul accepted a product without a shape check (its index-out-of-range panic is not a shape check)")
	}
	wrongSizes := func(a, b nn.Matrix) nn.Matrix { // compares the outer sizes
		if a.Rows() != b.Cols() {
			panic(fmt.Sprintf("MatMul: %s · %s", a.Shape(), b.Shape()))
		}
		return naive(a, b)
	}
	if checkMatMul(wrongSizes) == nil {
		t.Error("checkMatMul accepted a check of a.Rows() against b.Cols()")
	}
	silent := func(a, b nn.Matrix) nn.Matrix { // checks, but says nothing useful
		if a.Cols() != b.Rows() {
			panic("bad shapes")
		}
		return naive(a, b)
	}
	if checkMatMul(silent) == nil {
		t.Error("checkMatMul accepted a panic message that names no shape")
	}
	if err := checkMatMul(nn.Dot); err != nil {
		t.Errorf("checkMatMul rejected nn.Dot: %v", err)
	}
}

// ---------------------------------------------------------------------------

func checkAddBias(addBias func(m, bias nn.Matrix) nn.Matrix) error {
	rng := rand.New(rand.NewPCG(3, 2))
	for trial := range 30 {
		rows, cols := 1+rng.IntN(5), 1+rng.IntN(5)
		if trial == 0 {
			rows, cols = 3, 2
		}
		m, bias := randomMatrix(rng, rows, cols), randomMatrix(rng, 1, cols)
		m0, bias0 := m.Clone(), bias.Clone()
		var got nn.Matrix
		if r, ok := call(func() { got = addBias(m, bias) }); ok {
			return fmt.Errorf("AddBias(%s matrix, %s bias) panicked: %v", m.Shape(), bias.Shape(), r)
		}
		if !nn.Equal(m, m0) || !nn.Equal(bias, bias0) {
			return fmt.Errorf("AddBias(%s, %s) changed its inputs; return a new matrix", m.Shape(), bias.Shape())
		}
		want := nn.AddRow(m, bias)
		if got.Rows() != rows || got.Cols() != cols {
			return fmt.Errorf("AddBias(%s, %s) returned a %s matrix, want %s", m.Shape(), bias.Shape(), got.Shape(), want.Shape())
		}
		for i := range want {
			for j := range want[i] {
				if math.Abs(got[i][j]-want[i][j]) > 1e-15 {
					return fmt.Errorf("AddBias(%s, %s): element [%d][%d] = %.6g, want m[%d][%d] + bias[0][%d] = %.6g",
						m.Shape(), bias.Shape(), i, j, got[i][j], i, j, j, want[i][j])
				}
			}
		}
	}
	for _, c := range []struct{ m, bias nn.Matrix }{
		{nn.New(2, 3), nn.New(1, 2)}, // too narrow: naive loops run off the end of the bias
		{nn.New(2, 2), nn.New(1, 3)}, // too wide: naive loops find every number they need
		{nn.New(2, 3), nn.New(2, 3)}, // two rows: naive loops use the first and ignore the second
	} {
		what := fmt.Sprintf("AddBias(%s matrix, %s bias)", c.m.Shape(), c.bias.Shape())
		why := fmt.Sprintf("the bias of a %s matrix must be 1×%d", c.m.Shape(), c.m.Cols())
		if err := shapePanic(what, why, func() { addBias(c.m, c.bias) }, nil); err != nil {
			return err
		}
	}
	return nil
}

func TestExerciseAddBias(t *testing.T) {
	exercise.Attempted(t, "AddBias", exercisesFile, func() { AddBias(nn.New(1, 1), nn.New(1, 1)) })
	if err := exercise.Safely(func() error { return checkAddBias(AddBias) }); err != nil {
		t.Error(err)
	}
}

func TestCheckAddBiasRejectsWrongAnswers(t *testing.T) {
	inPlace := func(m, bias nn.Matrix) nn.Matrix { // changes m
		if bias.Cols() != m.Cols() {
			panic("bad bias")
		}
		for i := range m {
			for j := range m[i] {
				m[i][j] += bias[0][j]
			}
		}
		return m
	}
	if checkAddBias(inPlace) == nil {
		t.Error("checkAddBias accepted a version that changes m")
	}
	firstRowOnly := func(m, bias nn.Matrix) nn.Matrix { // forgot to broadcast
		if bias.Cols() != m.Cols() {
			panic("bad bias")
		}
		out := m.Clone()
		for j := range out[0] {
			out[0][j] += bias[0][j]
		}
		return out
	}
	if checkAddBias(firstRowOnly) == nil {
		t.Error("checkAddBias accepted a version that adds the bias to the first row only")
	}
	naive := func(m, bias nn.Matrix) nn.Matrix { // no check at all
		out := nn.New(m.Rows(), m.Cols())
		for i := range m {
			for j := range m[i] {
				out[i][j] = m[i][j] + bias[0][j]
			}
		}
		return out
	}
	if checkAddBias(naive) == nil {
		t.Error("checkAddBias accepted a version without a shape check")
	}
	tooNarrowOnly := func(m, bias nn.Matrix) nn.Matrix { // catches a narrow bias, not a wide one
		if bias.Cols() < m.Cols() {
			panic(fmt.Sprintf("AddBias: bias %s is narrower than %s", bias.Shape(), m.Shape()))
		}
		return naive(m, bias)
	}
	if checkAddBias(tooNarrowOnly) == nil {
		t.Error("checkAddBias accepted a 1×3 bias on a 2×2 matrix")
	}
	widthOnly := func(m, bias nn.Matrix) nn.Matrix { // forgets that the bias is one row
		if bias.Cols() != m.Cols() {
			panic(fmt.Sprintf("AddBias: bias %s does not fit %s", bias.Shape(), m.Shape()))
		}
		return naive(m, bias)
	}
	if checkAddBias(widthOnly) == nil {
		t.Error("checkAddBias accepted a bias of two rows")
	}
	if err := checkAddBias(nn.AddRow); err != nil {
		t.Errorf("checkAddBias rejected nn.AddRow: %v", err)
	}
}

// ---------------------------------------------------------------------------

func checkParamCount(paramCount func(sizes []int) int) error {
	cases := [][]int{
		{784, 16, 16, 10}, {784, 25, 25, 10}, {784, 64, 64, 64, 10}, {784, 50, 100, 10}, {2, 50, 4},
		{2, 3}, {1, 1}, {3, 1, 3}, {10},
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 20 {
		sizes := make([]int, 2+rng.IntN(4))
		for i := range sizes {
			sizes[i] = 1 + rng.IntN(100)
		}
		cases = append(cases, sizes)
	}
	for _, sizes := range cases {
		if got, want := paramCount(sizes), nn.ParamCount(sizes); got != want {
			w, b := weightsAndBiases(sizes)
			return fmt.Errorf("ParamCount(%v) = %d, want %d (%d weights + %d biases)", sizes, got, want, w, b)
		}
	}
	return nil
}

func TestExerciseParamCount(t *testing.T) {
	exercise.Attempted(t, "ParamCount", exercisesFile, func() { ParamCount([]int{2, 3}) })
	if err := exercise.Safely(func() error { return checkParamCount(ParamCount) }); err != nil {
		t.Error(err)
	}
}

func TestCheckParamCountRejectsWrongAnswer(t *testing.T) {
	weightsOnly := func(sizes []int) int { // article 000's sum: 12960 for 784-16-16-10
		w, _ := weightsAndBiases(sizes)
		return w
	}
	if checkParamCount(weightsOnly) == nil {
		t.Error("checkParamCount accepted a count without the biases")
	}
	inputBiases := func(sizes []int) int { // a bias for every unit, the inputs too
		w, _ := weightsAndBiases(sizes)
		for _, n := range sizes {
			w += n
		}
		return w
	}
	if checkParamCount(inputBiases) == nil {
		t.Error("checkParamCount accepted a count that gives the input layer biases")
	}
	lastLayerMissing := func(sizes []int) int { // the loop stops one layer early
		total := 0
		for i := 0; i+2 < len(sizes); i++ {
			total += sizes[i]*sizes[i+1] + sizes[i+1]
		}
		return total
	}
	if checkParamCount(lastLayerMissing) == nil {
		t.Error("checkParamCount accepted a count that misses the last layer")
	}
	if err := checkParamCount(nn.ParamCount); err != nil {
		t.Errorf("checkParamCount rejected nn.ParamCount: %v", err)
	}
}

// ---------------------------------------------------------------------------

func checkNormalize(normalize func(pixels []byte) []float64) error {
	pixels := make([]byte, 256)
	for i := range pixels {
		pixels[i] = byte(i)
	}
	kept := append([]byte(nil), pixels...)
	got := normalize(pixels)
	if string(kept) != string(pixels) {
		return fmt.Errorf("Normalize changed its input; return a new slice")
	}
	if len(got) != len(pixels) {
		return fmt.Errorf("Normalize of %d pixels returned %d numbers", len(pixels), len(got))
	}
	want := nn.FromPixels(pixels, len(pixels))[0]
	for _, i := range []int{255, 0, 128, 1} { // the telling cases first
		if math.Abs(got[i]-want[i]) > 1e-12 {
			return fmt.Errorf("Normalize: pixel %d became %.8g, want %d/255 = %.8g", i, got[i], i, want[i])
		}
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			return fmt.Errorf("Normalize: pixel %d became %.8g, want %d/255 = %.8g", i, got[i], i, want[i])
		}
	}
	faint := []byte{0, 40, 100, 200, 100, 0} // a faint image: its darkest ink is 200, not 255
	got = normalize(faint)
	if len(got) != len(faint) {
		return fmt.Errorf("Normalize of %d pixels returned %d numbers", len(faint), len(got))
	}
	for i, p := range faint {
		if want := float64(p) / 255; math.Abs(got[i]-want) > 1e-12 {
			return fmt.Errorf("Normalize(%v): pixel %d (%d) became %.8g, want %d/255 = %.8g: always divide by 255, whatever the image's own range",
				faint, i, p, got[i], p, want)
		}
	}
	return nil
}

func TestExerciseNormalize(t *testing.T) {
	exercise.Attempted(t, "Normalize", exercisesFile, func() { Normalize([]byte{0}) })
	if err := exercise.Safely(func() error { return checkNormalize(Normalize) }); err != nil {
		t.Error(err)
	}
}

func TestCheckNormalizeRejectsWrongAnswers(t *testing.T) {
	by256 := func(pixels []byte) []float64 {
		out := make([]float64, len(pixels))
		for i, p := range pixels {
			out[i] = float64(p) / 256
		}
		return out
	}
	if checkNormalize(by256) == nil {
		t.Error("checkNormalize accepted division by 256")
	}
	integerDivision := func(pixels []byte) []float64 { // p/255 on bytes is 0 or 1
		out := make([]float64, len(pixels))
		for i, p := range pixels {
			out[i] = float64(p / 255)
		}
		return out
	}
	if checkNormalize(integerDivision) == nil {
		t.Error("checkNormalize accepted integer division")
	}
	byMax := func(pixels []byte) []float64 { // scales by the brightest pixel, not by 255
		top := 1.0
		for _, p := range pixels {
			top = max(top, float64(p))
		}
		out := make([]float64, len(pixels))
		for i, p := range pixels {
			out[i] = float64(p) / top
		}
		return out
	}
	if checkNormalize(byMax) == nil {
		t.Error("checkNormalize accepted division by the image's largest pixel")
	}
}
