// Package nn is the small neural-network library every chapter builds on,
// written to be read: a hand-rolled matrix, activations, losses, layers with
// their forward and backward passes, a multilayer perceptron, optimisers,
// what makes training go well, and saving a trained network. Each file holds
// one idea, and one chapter teaches it:
//
//	file            what it holds                                              chapter
//	matrix.go       Matrix ([][]float64) and its operations: Dot, T, AddRow,   ch03
//	                SumRows, Apply, ArgmaxRows; FromPixels, OneHot
//	activation.go   Step, Sigmoid, Tanh, ReLU, Softmax and their derivatives   ch02
//	loss.go         MSE and CrossEntropy                                       ch04
//	gradient.go     numerical gradients and the gradient check                 ch04, ch05
//	layer.go        Dense, ReLU, sigmoid and tanh layers, SoftmaxCrossEntropy: ch05
//	                Forward and, right beside it, Backward
//	product.go      the same Matrix operations into a destination, as a        ch05
//	                training step runs them (dst.Mul(a, b) is Dot(a, b))
//	network.go      MLP: NewMLP, Logits, Loss, Backward, Accuracy;             ch03, ch05
//	                Architecture and Build, training and inference modes       ch06
//	                (SetTraining), weight decay (WeightDecay, Penalty);
//	                Clone and CopyFrom, to keep the best weights               ch06, ch07
//	optimizer.go    SGD, Momentum, AdaGrad, RMSProp, Adam; AdamW; where        ch06
//	                weight decay enters each rule
//	init.go         initial weights: std 1, std 0.01, LeCun, Glorot, He        ch06
//	batchnorm.go    BatchNorm: batch statistics, running ones, backward        ch06
//	dropout.go      Dropout: inverted dropout, its mask                        ch06
//	elementwise.go  HadamardOf, AddScaled, SumSquares, for dropout and decay   ch06
//	schedule.go     learning-rate schedules: StepDecay, Cosine                 ch06
//	standardize.go  input standardisation: PixelStats, Standardization         ch06
//	train.go        mini-batches, one step of learning, divergence checks      ch06, ch07
//	evaluate.go     Evaluate and EvalLoss, in inference mode, a chunk at a     ch07
//	                time
//	model.go        Save and Load (model format 2; format 1 still loads)      ch07
//	plot.go         the figures: SVG and terminal line plots                   all
//
// The layers, network, optimisers and training step are the reference: each
// line is a term of the formula the chapter shows, in nn's own Matrix
// operations. Speed lives behind one seam, the internal package nn/internal/fast
// (assembly for amd64, with a pure-Go twin of every routine, tested equal bit
// for bit), which only product.go calls; docs/performance.md explains it.
// Results are the same whatever the number of cores.
package nn
