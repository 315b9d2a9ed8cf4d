//go:build !solutions

package main

import (
	"nnfromscratch/internal/exercise"
	"nnfromscratch/nn"
)

// MatMul returns the matrix product a·b, written with your own loops: for an
// n×k matrix a and a k×m matrix b, the result is n×m and its element (i, j)
// is Σ_k a[i][k]·b[k][j]. Make the result with nn.New(n, m) and leave a and b
// unchanged. When the inner sizes differ (a.Cols() != b.Rows()), panic with a
// message that names both shapes, e.g. using a.Shape() and b.Shape().
//
// Try the i-k-j loop order of nn.Dot (nn/matrix.go) once you have it working.
//
// Check: go test ./ch03_forward -run Exercise -v
func MatMul(a, b nn.Matrix) nn.Matrix {
	panic(exercise.TODO)
}

// AddBias returns a new matrix: m with the 1×cols row bias added to every row
// (the broadcast of x·W + b). Leave m and bias unchanged. Panic if bias is not
// a single row as wide as m.
func AddBias(m, bias nn.Matrix) nn.Matrix {
	panic(exercise.TODO)
}

// ParamCount returns how many numbers an MLP with these layer widths learns,
// input first: for 784-16-16-10, sizes is []int{784, 16, 16, 10}. Each layer
// from n to m units has an n×m weight matrix and m biases.
func ParamCount(sizes []int) int {
	panic(exercise.TODO)
}

// Normalize turns grey pixels (0..255) into the numbers a network reads:
// each byte divided by 255, so 0 → 0 and 255 → 1. Return a new slice of the
// same length.
func Normalize(pixels []byte) []float64 {
	panic(exercise.TODO)
}
