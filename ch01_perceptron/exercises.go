//go:build !solutions

package main

import "nnfromscratch/internal/exercise"

// NANDWeights returns weights and a bias that make the perceptron
// step(w1·x1 + w2·x2 + b) a NAND gate: 1 for (0,0), (1,0) and (0,1), 0 for
// (1,1). Pick them by hand: where must the line w1·x1 + w2·x2 + b = 0 run?
//
// Check: go test ./ch01_perceptron -run Exercise -v
func NANDWeights() (w1, w2, b float64) {
	panic(exercise.TODO)
}

// TrainStep applies the perceptron learning rule once, to the sample x with
// target t (0 or 1), and returns the new weights and bias:
//
//	y = step(w·x + b)
//	w ← w + lr·(t − y)·x
//	b ← b + lr·(t − y)
//
// Return a new slice; leave w itself unchanged. x may have any length equal
// to len(w).
func TrainStep(w []float64, b float64, x []float64, t, lr float64) (newW []float64, newB float64) {
	panic(exercise.TODO)
}

// XOR returns x1 XOR x2 (inputs 0 or 1) computed by a network of perceptron
// gates, two layers deep, built from step(w·x + b) units whose weights you
// choose: no if x1 != x2.
func XOR(x1, x2 float64) float64 {
	panic(exercise.TODO)
}
