// Chapters 3 and 5 explain this file: a multilayer perceptron is a stack of
// Dense layers with an activation between them and softmax + cross-entropy
// on top. Forward runs the stack up, Backward runs it down.

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"nnfromscratch/internal/format"
)

// MLP is a multilayer perceptron for classification.
type MLP struct {
	Sizes      []int  // layer widths, input first: 784, 64, 64, 64, 10
	Activation string // between Dense layers: "relu", "sigmoid" or "tanh"
	Layers     []Layer
	Head       SoftmaxCrossEntropy

	params []*Param // what Params returns, refreshed from the layers
}

// MaxWidth bounds every layer width and MaxParams the whole network, so that a
// typo in a size list (or a corrupt model file) cannot ask for terabytes.
const (
	MaxWidth  = 1 << 16
	MaxParams = 1 << 26 // 67 million parameters, 512 MiB of float64
)

// NewMLP builds the network sizes[0] → sizes[1] → … → sizes[len-1] with the
// given activation after every Dense layer but the last, and initialises the
// weights from rng (see Init). It returns an error for a size list or
// activation a user could have mistyped.
func NewMLP(sizes []int, activation string, rng *rand.Rand) (*MLP, error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("a network needs at least an input and an output size, got %v", sizes)
	}
	for _, s := range sizes {
		if s < 1 || s > MaxWidth {
			return nil, fmt.Errorf("layer size %d outside 1..%d in %s", s, MaxWidth, SizesString(sizes))
		}
	}
	if p := ParamCount(sizes); p > MaxParams {
		return nil, fmt.Errorf("network %s would have %s parameters, more than the %s this program allows",
			SizesString(sizes), Thousands(p), Thousands(MaxParams))
	}
	if _, err := NewActivationLayer(activation); err != nil {
		return nil, err
	}
	n := &MLP{Sizes: append([]int(nil), sizes...), Activation: activation}
	for i := 0; i+1 < len(sizes); i++ {
		d := NewDense(sizes[i], sizes[i+1])
		d.SkipInputGrad = i == 0 // nothing needs the gradient of the pixels
		n.Layers = append(n.Layers, d)
		if i+2 < len(sizes) {
			act, _ := NewActivationLayer(activation)
			n.Layers = append(n.Layers, act)
		}
	}
	if rng != nil {
		n.Init(rng)
	}
	return n, nil
}

// Init draws every weight from a normal distribution scaled for the
// activation, and sets biases to 0:
//   - ReLU: He initialisation, std √(2/fan_in), because ReLU zeroes half its inputs;
//   - sigmoid and tanh: LeCun initialisation, std √(1/fan_in).
//
// Both keep the size of the signal roughly the same from layer to layer.
// (Glorot's, often called Xavier's, is std √(2/(fan_in + fan_out)).)
func (n *MLP) Init(rng *rand.Rand) {
	gain := 1.0
	if n.Activation == "relu" {
		gain = 2
	}
	for _, d := range n.Dense() {
		std := math.Sqrt(gain / float64(d.W.Rows()))
		for _, row := range d.W {
			for j := range row {
				row[j] = std * rng.NormFloat64()
			}
		}
		clear(d.B[0])
	}
}

// Dense returns the network's Dense layers, input side first.
func (n *MLP) Dense() []*Dense {
	var ds []*Dense
	for _, l := range n.Layers {
		if d, ok := l.(*Dense); ok {
			ds = append(ds, d)
		}
	}
	return ds
}

// Params returns W1, b1, W2, b2, … with their gradients: every layer's
// Params, numbered from the input side. They are read from the layers on
// every call, so a layer whose W was replaced trains the new one; the list
// is made once, so that calling Params allocates nothing.
func (n *MLP) Params() []*Param {
	k, layer := 0, 0
	for _, l := range n.Layers {
		ps := l.Params()
		if len(ps) > 0 {
			layer++
		}
		for _, p := range ps {
			if k == len(n.params) {
				n.params = append(n.params, &Param{Name: fmt.Sprintf("%s%d", p.Name, layer)})
			}
			n.params[k].Value, n.params[k].Grad = p.Value, p.Grad
			k++
		}
	}
	return n.params[:k]
}

// ParamCount is the number of weights and biases:
// Σ (sizes[i]·sizes[i+1] + sizes[i+1]).
func (n *MLP) ParamCount() int { return ParamCount(n.Sizes) }

// ParamCount computes the parameter count of an MLP with these sizes.
func ParamCount(sizes []int) int {
	total := 0
	for i := 0; i+1 < len(sizes); i++ {
		total += sizes[i]*sizes[i+1] + sizes[i+1]
	}
	return total
}

// SizesString formats sizes as "784-64-64-64-10".
func SizesString(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, s := range sizes {
		parts[i] = fmt.Sprint(s)
	}
	return strings.Join(parts, "-")
}

// String describes the network, e.g. "784-64-64-64-10 relu (59,210 parameters)".
func (n *MLP) String() string {
	return fmt.Sprintf("%s %s (%s parameters)", SizesString(n.Sizes), n.Activation, Thousands(n.ParamCount()))
}

// Logits runs the forward pass and returns the last layer's scores, one row
// per sample. The result is a buffer of the network, valid until its next use.
func (n *MLP) Logits(x Matrix) Matrix {
	if x.Cols() != n.Sizes[0] {
		panic(fmt.Sprintf("nn.MLP: input %s, but the network takes %d values per sample", x.Shape(), n.Sizes[0]))
	}
	for _, l := range n.Layers {
		x = l.Forward(x)
	}
	return x
}

// Predict returns the class probabilities (softmax of the logits), one row
// per sample, in a new matrix.
func (n *MLP) Predict(x Matrix) Matrix { return softmaxRows(n.Logits(x)) }

// Loss runs the forward pass on the batch x with one-hot targets t and
// returns the mean cross-entropy. Backward may follow.
func (n *MLP) Loss(x, t Matrix) float64 {
	return n.Head.Forward(n.Logits(x), t)
}

// Backward runs the backward pass of the last Loss, filling every Param's
// Grad: first (p − t)/batch from the head, then each layer from the top down.
func (n *MLP) Backward() {
	dout := n.Head.Backward()
	for i := len(n.Layers) - 1; i >= 0; i-- {
		dout = n.Layers[i].Backward(dout)
	}
}

// Classify returns the predicted class (the largest logit) of every row of x.
func (n *MLP) Classify(x Matrix) []int {
	classes, _, _ := n.Evaluate(x)
	return classes
}

// Accuracy is the fraction of rows of x whose predicted class equals labels[i].
func (n *MLP) Accuracy(x Matrix, labels []int) float64 {
	if x.Rows() != len(labels) {
		panic(fmt.Sprintf("nn.MLP.Accuracy: %d samples, %d labels", x.Rows(), len(labels)))
	}
	if len(labels) == 0 {
		return 0
	}
	right := 0
	for i, c := range n.Classify(x) {
		if c == labels[i] {
			right++
		}
	}
	return float64(right) / float64(len(labels))
}

// Thousands formats n with comma separators: 59210 → "59,210".
func Thousands(n int) string { return format.Thousands(n) }
