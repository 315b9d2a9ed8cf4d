// Chapter 5 (ch05_backprop) explains this file: each layer computes its output
// in Forward and, right beside it, turns the gradient of the loss with respect
// to that output (dout) into the gradient with respect to its input (Backward).
// Each layer keeps exactly what its Backward needs from the forward pass.

package nn

import (
	"fmt"
	"math"
)

// Layer is one step of a network's forward pass and its backward pass.
// Backward must follow the Forward whose gradient it computes. The matrices a
// layer returns are its own buffers, valid until its next call.
type Layer interface {
	Forward(x Matrix) Matrix
	Backward(dout Matrix) Matrix
	Params() []*Param
}

// Param is a trainable matrix and the gradient of the loss with respect to it,
// which Backward fills and an optimiser reads.
type Param struct {
	Name  string
	Value Matrix
	Grad  Matrix

	// Decay marks a weight that weight decay shrinks (MLP.WeightDecay,
	// AdamW): a Dense layer's W. Biases and batch normalisation's γ and β
	// are not decayed: they set offsets and scales, not how strongly one
	// unit listens to another.
	Decay bool
}

// ModeSetter is a layer that behaves one way while training and another at
// inference, as BatchNorm and Dropout do: PyTorch's module.train() and
// module.eval(). MLP.SetTraining calls SetTraining on every such layer.
type ModeSetter interface {
	SetTraining(on bool)
}

// Dense is the affine (fully connected) layer, PyTorch's Linear:
//
//	out = x·W + b        x: batch×in, W: in×out, b: 1×out (added to every row)
//
// A Dense layer followed by batch normalisation has no bias (B and DB nil;
// Linear(bias=False)): BatchNorm subtracts each feature's batch mean, which
// would cancel any b, and its β plays b's part.
type Dense struct {
	W, B   Matrix // weights and bias (B nil: no bias)
	DW, DB Matrix // their gradients, set by Backward

	// SkipInputGrad makes Backward skip dx = dout·Wᵀ and return nil. NewMLP
	// sets it on the first layer: its input is the data (the pixels), and no
	// layer below it needs their gradient. For 784 inputs that product is the
	// largest of the backward pass, a third of the layer's work per step.
	SkipInputGrad bool

	in      Matrix // the input of the last Forward, for dW = xᵀ·dout
	out, dx Matrix // buffers reused from batch to batch

	params [2]Param // what Params returns, refreshed from the fields above
	list   [2]*Param
}

// NewDense returns an in→out Dense layer with zero weights and bias.
func NewDense(in, out int) *Dense {
	return &Dense{W: New(in, out), B: New(1, out), DW: New(in, out), DB: New(1, out)}
}

// NewDenseNoBias returns an in→out Dense layer with zero weights and no bias:
// out = x·W.
func NewDenseNoBias(in, out int) *Dense {
	return &Dense{W: New(in, out), DW: New(in, out)}
}

// Forward computes out = x·W + b.
func (d *Dense) Forward(x Matrix) Matrix {
	d.in = x
	d.out = resize(d.out, x.Rows(), d.W.Cols())
	if d.B == nil {
		return d.out.Mul(x, d.W) // out = x·W
	}
	return d.out.MulAddRow(x, d.W, d.B) // out = x·W + b
}

// Backward sets dW = xᵀ·dout and db = Σ_rows dout (the bias was added to
// every row, so its gradient sums over the batch), and returns dx = dout·Wᵀ.
// The gradients are overwritten, not accumulated: each parameter is used once
// per forward pass.
func (d *Dense) Backward(dout Matrix) Matrix {
	d.DW.MulAT(d.in, dout) // dW = xᵀ·dout
	if d.B != nil {
		d.DB.SumRowsOf(dout) // db = Σ_rows dout
	}
	if d.SkipInputGrad {
		return nil // the first layer: nothing needs ∂loss/∂x
	}
	d.dx = resize(d.dx, dout.Rows(), d.W.Rows())
	return d.dx.MulBT(dout, d.W) // dx = dout·Wᵀ
}

// Params returns W and b (if the layer has one) with their gradients; W is
// marked for weight decay. They are read from the fields on every call, so a
// layer whose W was replaced trains the new one; the list is the layer's
// own, so that calling Params allocates nothing.
func (d *Dense) Params() []*Param {
	d.params = [2]Param{{Name: "W", Value: d.W, Grad: d.DW, Decay: true}, {Name: "b", Value: d.B, Grad: d.DB}}
	d.list = [2]*Param{&d.params[0], &d.params[1]}
	if d.B == nil {
		return d.list[:1]
	}
	return d.list[:]
}

// ReLULayer applies ReLU to every element. It keeps its output as the mask
// of its backward pass: ReLU'(z) is 1 exactly where the output is positive.
type ReLULayer struct {
	out, dx Matrix
}

// Forward computes out = max(0, x) element-wise.
func (l *ReLULayer) Forward(x Matrix) Matrix {
	l.out = resize(l.out, x.Rows(), x.Cols())
	return l.out.ReLU(x) // out = max(0, x)
}

// Backward passes dout through where the output was positive and blocks it
// elsewhere: dx = dout ⊙ [out > 0].
func (l *ReLULayer) Backward(dout Matrix) Matrix {
	l.dx = resize(l.dx, dout.Rows(), dout.Cols())
	return l.dx.ReLUMask(dout, l.out) // dx = dout ⊙ [out > 0]
}

// Params returns nil: ReLU has nothing to learn.
func (l *ReLULayer) Params() []*Param { return nil }

// SigmoidLayer applies σ to every element and keeps its output, because
// σ'(z) = σ(z)(1 − σ(z)) needs nothing else.
type SigmoidLayer struct {
	out, dx Matrix
}

// Forward computes σ(x) element-wise.
func (l *SigmoidLayer) Forward(x Matrix) Matrix {
	l.out = resize(l.out, x.Rows(), x.Cols())
	for i, row := range x {
		o := l.out[i]
		for j, v := range row {
			o[j] = Sigmoid(v)
		}
	}
	return l.out
}

// Backward returns dx = dout ⊙ out ⊙ (1 − out).
func (l *SigmoidLayer) Backward(dout Matrix) Matrix {
	l.dx = resize(l.dx, dout.Rows(), dout.Cols())
	for i, row := range dout {
		o, d := l.out[i], l.dx[i]
		for j, v := range row {
			d[j] = v * o[j] * (1 - o[j])
		}
	}
	return l.dx
}

// Params returns nil.
func (l *SigmoidLayer) Params() []*Param { return nil }

// TanhLayer applies tanh to every element and keeps its output:
// tanh'(z) = 1 − tanh²(z).
type TanhLayer struct {
	out, dx Matrix
}

// Forward computes tanh(x) element-wise.
func (l *TanhLayer) Forward(x Matrix) Matrix {
	l.out = resize(l.out, x.Rows(), x.Cols())
	for i, row := range x {
		o := l.out[i]
		for j, v := range row {
			o[j] = math.Tanh(v)
		}
	}
	return l.out
}

// Backward returns dx = dout ⊙ (1 − out²).
func (l *TanhLayer) Backward(dout Matrix) Matrix {
	l.dx = resize(l.dx, dout.Rows(), dout.Cols())
	for i, row := range dout {
		o, d := l.out[i], l.dx[i]
		for j, v := range row {
			d[j] = v * (1 - o[j]*o[j])
		}
	}
	return l.dx
}

// Params returns nil.
func (l *TanhLayer) Params() []*Param { return nil }

// NewActivationLayer returns the layer for "relu", "sigmoid" or "tanh", the
// names in ActivationNames.
func NewActivationLayer(name string) (Layer, error) {
	switch name {
	case "relu":
		return &ReLULayer{}, nil
	case "sigmoid":
		return &SigmoidLayer{}, nil
	case "tanh":
		return &TanhLayer{}, nil
	}
	return nil, fmt.Errorf("unknown activation %q (want relu, sigmoid or tanh)", name)
}

// SoftmaxCrossEntropy is the output layer of a classifier: softmax turns the
// scores (logits) into probabilities p, and the loss is the mean cross-entropy
// against one-hot targets t. Fused, their gradient is simply (p − t)/batch.
type SoftmaxCrossEntropy struct {
	P  Matrix // probabilities from the last Forward
	t  Matrix // its targets
	dx Matrix
}

// Forward returns the mean cross-entropy of softmax(logits) against t and
// keeps the probabilities in P. It works from log-softmax,
// ln p_k = z_k − max(z) − ln Σ_j e^(z_j − max(z)), so a very confident wrong
// answer costs a large finite number rather than +Inf.
func (s *SoftmaxCrossEntropy) Forward(logits, t Matrix) float64 {
	sameShape("SoftmaxCrossEntropy.Forward", logits, t)
	s.t = t
	s.P = resize(s.P, logits.Rows(), logits.Cols())
	loss := 0.0
	for i, z := range logits {
		p := s.P[i]
		m := z[0]
		for _, v := range z {
			m = math.Max(m, v)
		}
		sum := 0.0
		for k, v := range z {
			p[k] = math.Exp(v - m)
			sum += p[k]
		}
		logSum := math.Log(sum)
		for k, v := range z {
			p[k] /= sum
			if tk := t[i][k]; tk != 0 {
				loss -= tk * (v - m - logSum)
			}
		}
	}
	return loss / float64(logits.Rows())
}

// Backward returns ∂loss/∂logits = (p − t)/batch.
func (s *SoftmaxCrossEntropy) Backward() Matrix {
	s.dx = resize(s.dx, s.P.Rows(), s.P.Cols())
	n := float64(s.P.Rows())
	for i, p := range s.P {
		t, d := s.t[i], s.dx[i]
		for k := range p {
			d[k] = (p[k] - t[k]) / n
		}
	}
	return s.dx
}
