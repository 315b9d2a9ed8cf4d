// Chapters 3 and 5 explain this file: a multilayer perceptron is a stack of
// Dense layers with an activation between them and softmax + cross-entropy
// on top. Forward runs the stack up, Backward runs it down. Chapter 6 adds
// what trains it well: batch normalisation and dropout layers (Architecture,
// Build), training and inference modes, and weight decay; chapter 7 keeps the
// best weights of a run (Clone, CopyFrom).

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"nnfromscratch/internal/format"
)

// MLP is a multilayer perceptron for classification.
type MLP struct {
	Sizes      []int  // layer widths, input first: 784, 64, 64, 64, 10
	Activation string // between Dense layers: "relu", "sigmoid" or "tanh"

	// The extra layers, as Build made them (see Architecture): read them,
	// do not change them.
	BatchNorm    bool    // a BatchNorm after every hidden Dense layer
	Dropout      float64 // drop rate of the Dropout after every hidden activation (0: none)
	InputDropout float64 // drop rate of the Dropout on the input (0: none)

	Layers []Layer
	Head   SoftmaxCrossEntropy

	// WeightDecay is λ of L2 weight decay: Loss adds ½λ‖W‖² over every
	// weight (each Param marked Decay: the W of every Dense layer, not the
	// biases, γ or β), and Backward adds its gradient λ·W to every dW. The
	// optimiser then sees g + λw in place of g, whatever its rule (see
	// the doc of each in optimizer.go). 0: none.
	WeightDecay float64

	// Input is how pixels become this network's input: ÷255 (the zero
	// value) or standardised with the training set's mean and standard
	// deviation. Save records it, Load restores it; Input.FromPixels is
	// the one conversion for training, evaluation and prediction.
	Input Standardization

	inference    bool // SetTraining(false) was called (the zero value trains)
	forwardInfer bool // the last forward pass (Logits) ran in inference mode

	params []*Param // what Params returns, refreshed from the layers
}

// MaxWidth bounds every layer width and MaxParams the whole network, so that a
// typo in a size list (or a corrupt model file) cannot ask for terabytes.
const (
	MaxWidth  = 1 << 16
	MaxParams = 1 << 26 // 67 million parameters, 512 MiB of float64
)

// Architecture describes an MLP for Build: its widths and activation, how
// its weights start, and the extra layers of chapter 6. Each hidden layer is
//
//	Dense → BatchNorm (if BatchNorm) → activation → Dropout (if Dropout > 0)
//
// the output layer is a Dense alone (softmax and cross-entropy are the
// Head), and a Dropout on the input comes first if InputDropout > 0.
type Architecture struct {
	Sizes      []int  // layer widths, input first: 784, 100, 100, 10
	Activation string // "relu", "sigmoid" or "tanh" (ActivationNames)

	// Init names the scheme the weights are drawn from (InitNames); ""
	// is DefaultInit (He for ReLU, LeCun for sigmoid and tanh), unless
	// InitStd is set: then every weight is drawn with that standard
	// deviation. Give one or the other, not both.
	Init    string
	InitStd float64

	BatchNorm    bool    // batch normalisation between each hidden Dense and its activation
	Dropout      float64 // drop rate after each hidden activation, in [0, 1); 0: no dropout
	InputDropout float64 // drop rate on the input, in [0, 1); 0: none
}

// Check returns an error for anything in a that Build cannot build, in words
// a user who mistyped a flag can act on. It allocates nothing large, so a
// corrupt model file is refused before any matrix is made.
func (a Architecture) Check() error {
	sizes := a.Sizes
	if len(sizes) < 2 {
		return fmt.Errorf("a network needs at least an input and an output size, got %v", sizes)
	}
	for _, s := range sizes {
		if s < 1 || s > MaxWidth {
			return fmt.Errorf("layer size %d outside 1..%d in %s", s, MaxWidth, SizesString(sizes))
		}
	}
	if p := a.paramCount(); p > MaxParams {
		return fmt.Errorf("network %s would have %s parameters, more than the %s this program allows",
			SizesString(sizes), Thousands(p), Thousands(MaxParams))
	}
	if _, err := NewActivationLayer(a.Activation); err != nil {
		return err
	}
	if a.Init != "" && a.InitStd != 0 {
		return fmt.Errorf("initial weights: give a scheme (%q) or a standard deviation (%g), not both", a.Init, a.InitStd)
	}
	if a.Init != "" {
		if _, err := InitStd(a.Init, 1, 1); err != nil {
			return err
		}
	} else if a.InitStd != 0 && !(a.InitStd > 0 && a.InitStd < math.Inf(1)) {
		return fmt.Errorf("initial weights: a standard deviation of %g; want a positive number", a.InitStd)
	}
	for _, r := range []struct {
		what string
		rate float64
	}{{"dropout", a.Dropout}, {"input dropout", a.InputDropout}} {
		if !(r.rate >= 0 && r.rate < 1) {
			return fmt.Errorf("%s rate %g outside [0, 1): it is the fraction of units zeroed", r.what, r.rate)
		}
	}
	return nil
}

// paramCount is the parameter count of the network a describes, for sizes
// already checked to be in 1..MaxWidth: ParamCount(a.Sizes), plus, with
// batch normalisation, γ and β in place of every hidden bias.
func (a Architecture) paramCount() int {
	p := ParamCount(a.Sizes)
	if a.BatchNorm {
		for _, s := range a.Sizes[1 : len(a.Sizes)-1] {
			p += s // γ and β, less the bias b
		}
	}
	return p
}

// NewMLP builds the network sizes[0] → sizes[1] → … → sizes[len-1] with the
// given activation after every Dense layer but the last, and initialises the
// weights from rng (see Init). It returns an error for a size list or
// activation a user could have mistyped. It is Build with only Sizes and
// Activation set.
func NewMLP(sizes []int, activation string, rng *rand.Rand) (*MLP, error) {
	return Build(Architecture{Sizes: sizes, Activation: activation}, rng)
}

// Build makes the network a describes, in training mode, and draws its
// initial weights from rng (none if rng is nil: all zero, as Load wants
// them). The dropout layers draw their masks from a source of their own,
// seeded from rng after the weights (a fixed seed if rng is nil), so that
// dropping changes no other use of rng. It returns an error for anything in
// a a user could have mistyped.
func Build(a Architecture, rng *rand.Rand) (*MLP, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	sizes := a.Sizes
	n := &MLP{Sizes: append([]int(nil), sizes...), Activation: a.Activation,
		BatchNorm: a.BatchNorm, Dropout: a.Dropout, InputDropout: a.InputDropout}
	var drops []*Dropout
	if a.InputDropout > 0 {
		d := NewDropout(a.InputDropout, nil)
		drops = append(drops, d)
		n.Layers = append(n.Layers, d)
	}
	for i := 0; i+1 < len(sizes); i++ {
		hidden := i+2 < len(sizes)
		var d *Dense
		if hidden && a.BatchNorm {
			d = NewDenseNoBias(sizes[i], sizes[i+1]) // β of the BatchNorm is the bias
		} else {
			d = NewDense(sizes[i], sizes[i+1])
		}
		d.SkipInputGrad = i == 0 // nothing needs the gradient of the pixels
		n.Layers = append(n.Layers, d)
		if !hidden {
			break
		}
		if a.BatchNorm {
			n.Layers = append(n.Layers, NewBatchNorm(sizes[i+1]))
		}
		act, _ := NewActivationLayer(a.Activation)
		n.Layers = append(n.Layers, act)
		if a.Dropout > 0 {
			d := NewDropout(a.Dropout, nil)
			drops = append(drops, d)
			n.Layers = append(n.Layers, d)
		}
	}
	if rng != nil {
		scheme := a.Init
		if scheme == "" && a.InitStd == 0 {
			scheme = DefaultInit(a.Activation)
		}
		if err := n.InitWith(scheme, a.InitStd, rng); err != nil {
			return nil, err
		}
	}
	if len(drops) > 0 {
		masks := rand.New(rand.NewPCG(0x0d70, 0x9a5c)) // the fixed seed of a network built without rng
		if rng != nil {
			masks = rand.New(rand.NewPCG(rng.Uint64(), rng.Uint64()))
		}
		for _, d := range drops {
			d.Rand = masks
		}
	}
	return n, nil
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
// Params, numbered by the Dense layer they belong to or follow (a BatchNorm
// after Dense 1 gives gamma1 and beta1). They are read from the layers on
// every call, so a layer whose W was replaced trains the new one; the list
// is made once, so that calling Params allocates nothing.
func (n *MLP) Params() []*Param {
	k, layer := 0, 0
	for _, l := range n.Layers {
		if _, ok := l.(*Dense); ok {
			layer++
		}
		for _, p := range l.Params() {
			if k == len(n.params) {
				n.params = append(n.params, &Param{Name: fmt.Sprintf("%s%d", p.Name, layer)})
			}
			n.params[k].Value, n.params[k].Grad, n.params[k].Decay = p.Value, p.Grad, p.Decay
			k++
		}
	}
	return n.params[:k]
}

// ParamCount is the number of numbers training moves: for an MLP of Dense
// layers alone, the weights and biases, Σ (sizes[i]·sizes[i+1] + sizes[i+1]);
// with batch normalisation, γ and β in place of the hidden biases. It reads
// only the description of the network, so it is safe beside a training step.
func (n *MLP) ParamCount() int {
	return Architecture{Sizes: n.Sizes, BatchNorm: n.BatchNorm}.paramCount()
}

// ParamCount computes the parameter count of an MLP of Dense layers with
// these sizes.
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

// String describes the network, e.g. "784-64-64-64-10 relu (59,210
// parameters)", or with the extra layers "784-100-10 relu, batch norm,
// dropout 0.5 (79,810 parameters)".
func (n *MLP) String() string {
	var extra strings.Builder
	if n.BatchNorm {
		extra.WriteString(", batch norm")
	}
	if n.Dropout > 0 {
		fmt.Fprintf(&extra, ", dropout %g", n.Dropout)
	}
	if n.InputDropout > 0 {
		fmt.Fprintf(&extra, ", input dropout %g", n.InputDropout)
	}
	return fmt.Sprintf("%s %s%s (%s parameters)", SizesString(n.Sizes), n.Activation, extra.String(), Thousands(n.ParamCount()))
}

// Architecture returns the description Build would make this network from
// (without its initialisation, which is history once it has trained).
func (n *MLP) Architecture() Architecture {
	return Architecture{Sizes: append([]int(nil), n.Sizes...), Activation: n.Activation,
		BatchNorm: n.BatchNorm, Dropout: n.Dropout, InputDropout: n.InputDropout}
}

// SetTraining puts the network in training mode (true: batch normalisation
// uses each batch's statistics, dropout drops) or inference mode (false:
// running statistics, no dropping), as PyTorch's model.train() and
// model.eval() do, and returns the mode it was in, so that
//
//	defer net.SetTraining(net.SetTraining(false))
//
// evaluates and then puts the mode back. A network starts in training mode.
// Predict, Evaluate, Classify and Accuracy always run in inference mode and
// leave the mode as they found it; Logits and Loss run in the current mode;
// Backward panics unless the forward pass before it ran in training mode.
func (n *MLP) SetTraining(on bool) (was bool) {
	was = !n.inference
	n.inference = !on
	for _, l := range n.Layers {
		if m, ok := l.(ModeSetter); ok {
			m.SetTraining(on)
		}
	}
	return was
}

// Training reports whether the network is in training mode.
func (n *MLP) Training() bool { return !n.inference }

// Logits runs the forward pass in the current mode (see SetTraining) and
// returns the last layer's scores, one row per sample. The result is a buffer
// of the network, valid until its next use.
func (n *MLP) Logits(x Matrix) Matrix {
	if x.Cols() != n.Sizes[0] {
		panic(fmt.Sprintf("nn.MLP: input %s, but the network takes %d values per sample", x.Shape(), n.Sizes[0]))
	}
	n.forwardInfer = n.inference
	for _, l := range n.Layers {
		x = l.Forward(x)
	}
	return x
}

// Predict returns the class probabilities (softmax of the logits), one row
// per sample, in a new matrix. It runs in inference mode.
func (n *MLP) Predict(x Matrix) Matrix {
	defer n.SetTraining(n.SetTraining(false))
	return softmaxRows(n.Logits(x))
}

// Loss runs the forward pass on the batch x with one-hot targets t, in the
// current mode, and returns what training minimises: the mean cross-entropy,
// plus ½λ‖W‖² summed over every weight when WeightDecay λ is set. Backward
// may follow (in training mode).
func (n *MLP) Loss(x, t Matrix) float64 {
	loss := n.Head.Forward(n.Logits(x), t)
	if n.WeightDecay != 0 {
		loss += n.Penalty()
	}
	return loss
}

// Penalty is weight decay's term of the loss, ½λ Σ ‖W‖² over every weight
// (the Params marked Decay), with λ = WeightDecay.
func (n *MLP) Penalty() float64 {
	sum := 0.0
	for _, p := range n.Params() {
		if p.Decay {
			sum += p.Value.SumSquares() // ‖W‖²
		}
	}
	return 0.5 * n.WeightDecay * sum // ½λ Σ ‖W‖²
}

// Backward runs the backward pass of the last Loss, filling every Param's
// Grad: first (p − t)/batch from the head, then each layer from the top down,
// and last weight decay's λ·W added to every dW. It panics if that forward
// pass ran in inference mode (SetTraining(false), or an evaluation such as
// Accuracy since the Loss): its layers kept nothing a gradient could be made
// from.
func (n *MLP) Backward() {
	if n.forwardInfer {
		panic("nn.MLP.Backward: the last forward pass ran in inference mode (SetTraining(false), or Predict, " +
			"Evaluate, Classify or Accuracy since the Loss); call Loss in training mode right before Backward")
	}
	dout := n.Head.Backward()
	for i := len(n.Layers) - 1; i >= 0 && dout != nil; i-- {
		dout = n.Layers[i].Backward(dout)
	}
	if n.WeightDecay != 0 {
		for _, p := range n.Params() {
			if p.Decay {
				p.Grad.AddScaled(n.WeightDecay, p.Value) // dW ← dW + λ·W
			}
		}
	}
}

// SetWeightDecay puts weight decay λ where it belongs for opt: AdamW's own
// decoupled decay when opt is an *AdamW (and none in the loss), otherwise
// the network's L2 term (WeightDecay), which every other rule sees through
// the gradient.
func (n *MLP) SetWeightDecay(lambda float64, opt Optimizer) {
	if w, ok := opt.(*AdamW); ok {
		w.WeightDecay, n.WeightDecay = lambda, 0
		return
	}
	n.WeightDecay = lambda
}

// Clone returns a copy of the network with its own storage: the same
// architecture, parameters, batch-normalisation statistics, mode, weight
// decay and input standardisation. Its dropout layers draw from the same
// source as n's.
func (n *MLP) Clone() *MLP {
	c, err := Build(n.Architecture(), nil)
	if err != nil {
		panic(fmt.Sprintf("nn.MLP.Clone: %v", err)) // n was built from the same description
	}
	c.CopyFrom(n)
	c.WeightDecay = n.WeightDecay
	for i, l := range n.Layers {
		if d, ok := l.(*Dropout); ok {
			c.Layers[i].(*Dropout).Rand = d.Rand
		}
	}
	c.SetTraining(n.Training())
	return c
}

// CopyFrom copies src's parameters, batch-normalisation running statistics
// and input standardisation into n, which must have the same architecture;
// it allocates nothing. With a Clone made once, it keeps the best weights
// seen so far cheaply (early stopping): best.CopyFrom(net) when validation
// improves, net.CopyFrom(best) at the end.
func (n *MLP) CopyFrom(src *MLP) {
	if !sameArchitecture(n, src) {
		panic(fmt.Sprintf("nn.MLP.CopyFrom: %s into %s: the architectures differ", src, n))
	}
	dst, from := n.Params(), src.Params()
	for i, p := range dst {
		copyValues(p.Value, from[i].Value)
	}
	for i, l := range n.Layers {
		if bn, ok := l.(*BatchNorm); ok {
			sbn := src.Layers[i].(*BatchNorm)
			copyValues(bn.RunningMean, sbn.RunningMean)
			copyValues(bn.RunningVar, sbn.RunningVar)
		}
	}
	n.Input = src.Input
}

// sameArchitecture reports whether a and b have the same layers of the same
// shapes.
func sameArchitecture(a, b *MLP) bool {
	if !slices.Equal(a.Sizes, b.Sizes) || a.Activation != b.Activation || a.BatchNorm != b.BatchNorm ||
		a.Dropout != b.Dropout || a.InputDropout != b.InputDropout || len(a.Layers) != len(b.Layers) {
		return false
	}
	pa, pb := a.Params(), b.Params()
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if pa[i].Value.Rows() != pb[i].Value.Rows() || pa[i].Value.Cols() != pb[i].Value.Cols() {
			return false
		}
	}
	return true
}

// copyValues copies src into dst, of the same shape, row by row.
func copyValues(dst, src Matrix) {
	for i := range dst {
		copy(dst[i], src[i])
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
