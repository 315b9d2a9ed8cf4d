// Package nn is the small neural-network library every chapter builds on,
// written to be read: a hand-rolled matrix, activations, losses, layers with
// their forward and backward passes, a multilayer perceptron, five
// optimisers, and saving a trained network. Each file holds one idea, and one
// chapter teaches it:
//
//	file           what it holds                                              chapter
//	matrix.go      Matrix ([][]float64) and its operations: Dot, T, AddRow,   ch03
//	               SumRows, Apply, ArgmaxRows; FromPixels, OneHot
//	activation.go  Step, Sigmoid, Tanh, ReLU, Softmax and their derivatives   ch02
//	loss.go        MSE and CrossEntropy                                       ch04
//	gradient.go    numerical gradients and the gradient check                 ch04, ch05
//	layer.go       Dense, ReLU, sigmoid and tanh layers, SoftmaxCrossEntropy: ch05
//	               Forward and, right beside it, Backward
//	product.go     the same Matrix operations into a destination, as a        ch05
//	               training step runs them (dst.Mul(a, b) is Dot(a, b))
//	network.go     MLP: NewMLP, Init, Logits, Loss, Backward, Accuracy        ch03, ch05
//	optimizer.go   SGD, Momentum, AdaGrad, RMSProp, Adam                      ch06
//	train.go       mini-batches, one step of learning, divergence checks      ch06, ch07
//	model.go       Save and Load                                              ch07
//	plot.go        the figures: SVG and terminal line plots                   all
//
// The layers, network, optimisers and training step are the reference: each
// line is a term of the formula the chapter shows, in nn's own Matrix
// operations. Speed lives behind one seam, the internal package nn/internal/fast
// (assembly for amd64, with a pure-Go twin of every routine, tested equal bit
// for bit), which only product.go calls; docs/performance.md explains it.
// Results are the same whatever the number of cores.
package nn
