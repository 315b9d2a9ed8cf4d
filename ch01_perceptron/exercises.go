//go:build !solutions

package main

import "nnfromscratch/nn"

// Exercises for chapter 1. Replace each panic("exercise: not written yet")
// with your code, then check:
//
//	go test ./ch01_perceptron -run Exercise -v
//	go run ./internal/exercise/progress        (every chapter at a glance)

// Your answers may call nn (nn.Step, for example). This line keeps the
// import in use while the functions are still stubs; leave it.
var _ = nn.Step

// NANDWeights returns weights and a bias that make the perceptron
// step(w1·x1 + w2·x2 + b) a NAND gate: 1 for (0,0), (1,0) and (0,1), 0 for
// (1,1). Pick them by hand: where must the line w1·x1 + w2·x2 + b = 0 run?
func NANDWeights() (w1, w2, b float64) {
	panic("exercise: not written yet")
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
	panic("exercise: not written yet")
}

// XORNet returns the weights of a two-layer network of perceptrons that
// computes XOR: a hidden layer of perceptrons (two are enough) that each
// read (x1, x2), and one output perceptron that reads the hidden layer's
// outputs (one weight per hidden unit). The check builds the network from
// your weights and runs it on the four inputs; section 3 shows one way,
// XOR = AND(NAND(x), OR(x)), but any weights that work are right.
func XORNet() (hidden []Perceptron, output Perceptron) {
	panic("exercise: not written yet")
}
