//go:build !solutions

package main

import (
	"fmt"

	"nnfromscratch/nn"
)

// Exercises for chapter 3. Replace each panic("exercise: not written yet")
// with your code, then check:
//
//	go test ./ch03_forward -run Exercise -v
//	go run ./internal/exercise/progress        (every chapter at a glance)

// Your answers may call fmt (fmt.Sprintf, for a panic message) and nn. This
// line keeps the fmt import in use while the functions are still stubs;
// leave it.
var _ = fmt.Sprintf

// MatMul returns the matrix product a·b, written with your own loops: for an
// n×k matrix a and a k×m matrix b, the result is n×m and its element (i, j)
// is Σ_k a[i][k]·b[k][j]. Make the result with nn.New(n, m) and leave a and b
// unchanged.
//
// Check the shapes before you multiply: when the inner sizes differ
// (a.Cols() != b.Rows()), panic with a message that names both shapes, such
// as fmt.Sprintf("MatMul: %s · %s", a.Shape(), b.Shape()). An index out of
// range is not enough: it names no shape, and when a is narrower than b is
// tall the loops run without one and return a wrong answer.
func MatMul(a, b nn.Matrix) nn.Matrix {
	panic("exercise: not written yet")
}

// AddBias returns a new matrix: m with the 1×cols row bias added to every row
// (the broadcast of z = x·W + b). Leave m and bias unchanged. Check the shape
// first: panic with a message saying what is wrong unless bias is a single
// row exactly as wide as m (a 1×3 bias on a 2×2 matrix is an error too, even
// though the loops would find every number they need).
func AddBias(m, bias nn.Matrix) nn.Matrix {
	panic("exercise: not written yet")
}

// ParamCount returns how many numbers an MLP with these layer widths learns,
// input first: for 784-16-16-10, sizes is []int{784, 16, 16, 10}. Each layer
// from n to m units has an n×m weight matrix and m biases.
func ParamCount(sizes []int) int {
	panic("exercise: not written yet")
}

// Normalize turns grey pixels (0..255) into the numbers a network reads:
// each byte divided by 255, so 0 → 0 and 255 → 1. Return a new slice of the
// same length.
func Normalize(pixels []byte) []float64 {
	panic("exercise: not written yet")
}
