//go:build !solutions

package main

import "nnfromscratch/nn"

// Exercises for chapter 5. Replace each panic("exercise: not written yet")
// with your code, then check:
//
//	go test ./ch05_backprop -run Exercise -v
//	go run ./internal/exercise/progress        (every chapter at a glance)

// DenseBackward is the backward pass of a Dense layer out = x·W + b, written
// by you. Given the layer's input x (batch×in), its weights w (in×out) and the
// gradient dout of the loss with respect to its output (batch×out), return
//
//	dx = dout·Wᵀ          (batch×in,  the same shape as x)
//	dw = xᵀ·dout          (in×out,    the same shape as W)
//	db = Σ rows of dout   (1×out,     the bias was added to every row)
//
// nn.Dot and m.T() are all you need.
func DenseBackward(x, w, dout nn.Matrix) (dx, dw, db nn.Matrix) {
	panic("exercise: not written yet")
}

// SigmoidBackward is the backward pass of a sigmoid layer. It gets the
// layer's OUTPUT out = σ(x), not its input, and dout; it returns
// dx = dout ⊙ out ⊙ (1 − out), because σ'(x) = σ(x)(1 − σ(x)).
func SigmoidBackward(out, dout nn.Matrix) nn.Matrix {
	panic("exercise: not written yet")
}

// SoftmaxCEBackward is the gradient of the mean cross-entropy of
// softmax(logits) with respect to the logits, given the probabilities
// p = softmax(logits) and the one-hot targets t (both batch×classes):
// (p − t) / batch. The loss is a mean over the batch, so every row's
// gradient is divided by the number of rows.
func SoftmaxCEBackward(p, t nn.Matrix) nn.Matrix {
	panic("exercise: not written yet")
}
