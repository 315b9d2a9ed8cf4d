// Chapter 6 (ch06_sgd_adam) explains this file: where training starts. Every
// weight is drawn from a normal distribution with mean 0; the schemes differ
// only in its standard deviation, and a good one keeps the size of the
// signal about the same from layer to layer.

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// InitNames lists the initialisation schemes by name, as ActivationNames
// lists activations: the standard deviation of every weight of a layer with
// fan_in inputs and fan_out outputs is
//
//	std1     1                          (far too large: units saturate or explode)
//	std0.01  0.01                       (far too small: the signal dies out)
//	lecun    √(1/fan_in)                LeCun et al. 1998; the default for sigmoid and tanh
//	glorot   √(2/(fan_in + fan_out))    Glorot & Bengio 2010, often called Xavier
//	he       √(2/fan_in)                He et al. 2015; the default for ReLU
var InitNames = []string{"std1", "std0.01", "lecun", "glorot", "he"}

// InitStd returns the standard deviation the scheme called name gives the
// weights of a layer with fanIn inputs and fanOut outputs.
func InitStd(name string, fanIn, fanOut int) (float64, error) {
	switch name {
	case "std1":
		return 1, nil
	case "std0.01":
		return 0.01, nil
	case "lecun":
		return math.Sqrt(1 / float64(fanIn)), nil
	case "glorot":
		return math.Sqrt(2 / float64(fanIn+fanOut)), nil
	case "he":
		return math.Sqrt(2 / float64(fanIn)), nil
	}
	hint := ""
	if strings.EqualFold(name, "xavier") {
		hint = "; Xavier's initialisation is called glorot here, after its author Xavier Glorot"
	}
	return 0, fmt.Errorf("unknown initialisation %q (want %s)%s", name, orList(InitNames), hint)
}

// DefaultInit is the scheme a network with this activation starts from when
// none is asked for: He for ReLU, which zeroes half its inputs and so needs
// twice the variance; LeCun for sigmoid and tanh.
func DefaultInit(activation string) string {
	if activation == "relu" {
		return "he"
	}
	return "lecun"
}

// Init draws every weight from the network's default scheme (DefaultInit:
// He for ReLU, LeCun for sigmoid and tanh) and resets everything else a
// network learns: biases 0, batch normalisation's γ 1 and β 0 and its
// running statistics. Both schemes keep the size of the signal roughly the
// same from layer to layer.
func (n *MLP) Init(rng *rand.Rand) {
	if err := n.InitWith(DefaultInit(n.Activation), 0, rng); err != nil {
		panic(err) // DefaultInit names a scheme InitStd knows
	}
}

// InitWith is Init with the scheme called name (one of InitNames), or, when
// name is "", with every weight's standard deviation std. The weights are
// drawn layer by layer from the input side, row by row, one rng.NormFloat64
// each.
func (n *MLP) InitWith(name string, std float64, rng *rand.Rand) error {
	if name == "" && !(std > 0 && std < math.Inf(1)) {
		return fmt.Errorf("initial weights: a standard deviation of %g; want a positive number", std)
	}
	if name != "" {
		if _, err := InitStd(name, 1, 1); err != nil {
			return err
		}
	}
	for _, d := range n.Dense() {
		s := std
		if name != "" {
			s, _ = InitStd(name, d.W.Rows(), d.W.Cols())
		}
		for _, row := range d.W {
			for j := range row {
				row[j] = s * rng.NormFloat64() // w ~ N(0, s²)
			}
		}
		if d.B != nil {
			clear(d.B[0])
		}
	}
	for _, l := range n.Layers {
		if bn, ok := l.(*BatchNorm); ok {
			bn.Reset()
		}
	}
	return nil
}

// orList formats names as "a, b or c", the way error messages list choices.
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
