//go:build solutions

package main

import (
	"fmt"

	"nnfromscratch/nn"
)

// MatMul returns the matrix product a·b (reference answer).
func MatMul(a, b nn.Matrix) nn.Matrix {
	if a.Cols() != b.Rows() {
		panic(fmt.Sprintf("MatMul: shapes not aligned: %s · %s", a.Shape(), b.Shape()))
	}
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

// AddBias returns m with bias added to every row (reference answer).
func AddBias(m, bias nn.Matrix) nn.Matrix {
	if bias.Rows() != 1 || bias.Cols() != m.Cols() {
		panic(fmt.Sprintf("AddBias: bias %s does not fit %s", bias.Shape(), m.Shape()))
	}
	out := nn.New(m.Rows(), m.Cols())
	for i := range m {
		for j := range m[i] {
			out[i][j] = m[i][j] + bias[0][j]
		}
	}
	return out
}

// ParamCount returns the number of weights and biases (reference answer).
func ParamCount(sizes []int) int {
	total := 0
	for i := 0; i+1 < len(sizes); i++ {
		total += sizes[i]*sizes[i+1] + sizes[i+1]
	}
	return total
}

// Normalize divides every pixel by 255 (reference answer).
func Normalize(pixels []byte) []float64 {
	out := make([]float64, len(pixels))
	for i, p := range pixels {
		out[i] = float64(p) / 255
	}
	return out
}
