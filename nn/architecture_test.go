package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// fullArch is a small network with every extra layer.
var fullArch = Architecture{Sizes: []int{6, 5, 4, 3}, Activation: "tanh", BatchNorm: true, Dropout: 0.3, InputDropout: 0.2}

func layerKinds(n *MLP) string {
	var kinds []string
	for _, l := range n.Layers {
		kinds = append(kinds, strings.TrimPrefix(fmt.Sprintf("%T", l), "*nn."))
	}
	return strings.Join(kinds, " ")
}

func TestBuildLayers(t *testing.T) {
	n, err := Build(Architecture{Sizes: []int{784, 100, 50, 10}, Activation: "relu", BatchNorm: true, Dropout: 0.5, InputDropout: 0.2},
		rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := layerKinds(n), "Dropout Dense BatchNorm ReLULayer Dropout Dense BatchNorm ReLULayer Dropout Dense"; got != want {
		t.Errorf("layers %s\nwant   %s", got, want)
	}
	var names []string
	for _, p := range n.Params() {
		names = append(names, p.Name)
		if p.Decay != strings.HasPrefix(p.Name, "W") {
			t.Errorf("%s: Decay %v", p.Name, p.Decay)
		}
	}
	if got, want := strings.Join(names, " "), "W1 gamma1 beta1 W2 gamma2 beta2 W3 b3"; got != want {
		t.Errorf("params %s, want %s", got, want)
	}
	want := 784*100 + 2*100 + 100*50 + 2*50 + 50*10 + 10
	if n.ParamCount() != want {
		t.Errorf("ParamCount %d, want %d", n.ParamCount(), want)
	}
	if got := n.String(); got != fmt.Sprintf("784-100-50-10 relu, batch norm, dropout 0.5, input dropout 0.2 (%s parameters)", Thousands(want)) {
		t.Errorf("String %q", got)
	}
	plain, _ := NewMLP([]int{784, 64, 64, 64, 10}, "relu", nil)
	if got := layerKinds(plain); got != "Dense ReLULayer Dense ReLULayer Dense ReLULayer Dense" {
		t.Errorf("NewMLP layers %s", got)
	}
	if got := plain.String(); got != "784-64-64-64-10 relu (59,210 parameters)" {
		t.Errorf("NewMLP String %q", got)
	}
}

func TestBuildRejects(t *testing.T) {
	base := Architecture{Sizes: []int{4, 3, 2}, Activation: "relu"}
	for _, c := range []struct {
		change func(a *Architecture)
		want   string
	}{
		{func(a *Architecture) { a.Dropout = 1 }, "dropout rate 1 outside [0, 1)"},
		{func(a *Architecture) { a.InputDropout = -0.5 }, "input dropout rate -0.5"},
		{func(a *Architecture) { a.Dropout = math.NaN() }, "dropout rate NaN"},
		{func(a *Architecture) { a.Init = "xavier" }, "Xavier's initialisation is called glorot"},
		{func(a *Architecture) { a.Init = "uniform" }, "want std1, std0.01, lecun, glorot or he"},
		{func(a *Architecture) { a.Init, a.InitStd = "he", 0.1 }, "not both"},
		{func(a *Architecture) { a.InitStd = -1 }, "standard deviation of -1"},
		{func(a *Architecture) { a.Activation = "swish" }, "unknown activation"},
		{func(a *Architecture) { a.Sizes = []int{784, 65536, 65536, 10}; a.BatchNorm = true }, "parameters, more than"},
	} {
		a := base
		c.change(&a)
		if _, err := Build(a, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err %v, want one containing %q", a, err, c.want)
		}
	}
}

// The initial weights of NewMLP are those it always drew: std √(2/fan_in)
// for ReLU, √(1/fan_in) for tanh, one NormFloat64 per weight in layer,
// row, column order; Build with the default's name draws the same.
func TestInitDefaultIsUnchanged(t *testing.T) {
	for _, act := range []string{"relu", "tanh", "sigmoid"} {
		sizes := []int{7, 5, 3}
		n, _ := NewMLP(sizes, act, rand.New(rand.NewPCG(3, 4)))
		rng := rand.New(rand.NewPCG(3, 4))
		gain := map[string]float64{"relu": 2, "tanh": 1, "sigmoid": 1}[act]
		for k, d := range n.Dense() {
			std := math.Sqrt(gain / float64(sizes[k]))
			for _, row := range d.W {
				for _, w := range row {
					if want := std * rng.NormFloat64(); w != want {
						t.Fatalf("%s: W%d has %v, want %v", act, k+1, w, want)
					}
				}
			}
		}
		named, _ := Build(Architecture{Sizes: sizes, Activation: act, Init: DefaultInit(act)}, rand.New(rand.NewPCG(3, 4)))
		for i, p := range n.Params() {
			if !Equal(p.Value, named.Params()[i].Value) {
				t.Errorf("%s: Init %q draws other weights than the default", act, DefaultInit(act))
			}
		}
	}
}

// Each scheme gives its formula's standard deviation, and weights drawn
// with it have about that spread.
func TestInitSchemes(t *testing.T) {
	want := map[string]float64{"std1": 1, "std0.01": 0.01, "lecun": math.Sqrt(1.0 / 784), "glorot": math.Sqrt(2.0 / 884), "he": math.Sqrt(2.0 / 784)}
	for _, name := range InitNames {
		std, err := InitStd(name, 784, 100)
		if err != nil || std != want[name] {
			t.Errorf("InitStd(%s, 784, 100) = %v, %v; want %v", name, std, err, want[name])
		}
		n, err := Build(Architecture{Sizes: []int{784, 100}, Activation: "relu", Init: name}, rand.New(rand.NewPCG(5, 6)))
		if err != nil {
			t.Fatal(err)
		}
		_, sd := columnStats(FromRows([][]float64{elements(n.Dense()[0].W)}).T())
		if math.Abs(sd[0]/std-1) > 0.01 {
			t.Errorf("%s: weights drawn with spread %.5f, want %.5f", name, sd[0], std)
		}
	}
	n, _ := Build(Architecture{Sizes: []int{784, 100}, Activation: "relu", InitStd: 0.05}, rand.New(rand.NewPCG(5, 6)))
	if _, sd := columnStats(FromRows([][]float64{elements(n.Dense()[0].W)}).T()); math.Abs(sd[0]/0.05-1) > 0.01 {
		t.Errorf("InitStd 0.05: spread %.5f", sd[0])
	}
}

// fixMasks gives every Dropout layer of n a fixed random keep pattern for
// batches of rows samples.
func fixMasks(n *MLP, rows int, rng *rand.Rand) {
	// The width a Dropout sees is that of the layer before it: run one
	// forward pass and read the shapes of the masks it drew.
	n.Loss(New(rows, n.Sizes[0]), New(rows, n.Sizes[len(n.Sizes)-1]))
	for _, l := range n.Layers {
		if d, ok := l.(*Dropout); ok {
			d.Keep = keepPattern(rng, d.Mask().Rows(), d.Mask().Cols(), 1-d.Rate)
		}
	}
}

// The whole network with batch normalisation, dropout (masks fixed) and
// weight decay passes the gradient check in training mode.
func TestMLPGradientCheckWithEveryLayer(t *testing.T) {
	for _, act := range ActivationNames {
		for _, decay := range []float64{0, 0.1} {
			rng := rand.New(rand.NewPCG(71, 72))
			a := fullArch
			a.Activation = act
			n, err := Build(a, rng)
			if err != nil {
				t.Fatal(err)
			}
			n.WeightDecay = decay
			for _, d := range n.Dense() { // non-zero biases exercise db too
				if d.B != nil {
					for j := range d.B[0] {
						d.B[0][j] = 0.1 * rng.NormFloat64()
					}
				}
			}
			for _, l := range n.Layers {
				if bn, ok := l.(*BatchNorm); ok {
					bn.Gamma, bn.Beta = randomMatrix(rng, 1, bn.Gamma.Cols()), randomMatrix(rng, 1, bn.Beta.Cols())
				}
			}
			x := randomMatrix(rng, 8, 6)
			tt := OneHot([]int{0, 1, 2, 0, 1, 2, 2, 1}, 3)
			fixMasks(n, 8, rng)
			n.Loss(x, tt)
			n.Backward()
			for _, p := range n.Params() {
				g := p.Grad.Clone()
				num := NumericalGradientMatrix(func() float64 { return n.Loss(x, tt) }, p.Value)
				if e := RelError(g, num); e > 1e-6 {
					t.Errorf("%s, decay %g: %s relative error %.2g", act, decay, p.Name, e)
				}
			}
		}
	}
}

// Loss adds ½λ‖W‖² over the weights only, and Backward adds λW to dW only.
func TestWeightDecay(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	n, _ := Build(Architecture{Sizes: []int{5, 4, 3}, Activation: "relu"}, rng)
	x, tt := randomMatrix(rng, 6, 5), OneHot([]int{0, 1, 2, 0, 1, 2}, 3)
	plain := n.Loss(x, tt)
	n.Backward()
	var before []Matrix
	for _, p := range n.Params() {
		before = append(before, p.Grad.Clone())
	}
	n.WeightDecay = 0.3
	w1, w2 := n.Dense()[0].W, n.Dense()[1].W
	want := plain + 0.5*0.3*(w1.SumSquares()+w2.SumSquares())
	if got := n.Loss(x, tt); !near(got, want, 1e-15) || n.Penalty() != 0.5*0.3*(w1.SumSquares()+w2.SumSquares()) {
		t.Errorf("loss with λ 0.3: %v, want %v", got, want)
	}
	n.Backward()
	for i, p := range n.Params() {
		wantGrad := before[i]
		if p.Decay {
			wantGrad = Scale(1, before[i]).AddScaled(0.3, p.Value)
		}
		if !Equal(p.Grad, wantGrad) {
			t.Errorf("%s: gradient with decay is not the one without plus λ·%s (Decay %v)", p.Name, p.Name, p.Decay)
		}
	}
}

// Predict, Evaluate, Classify, Accuracy and EvalLoss run in inference mode
// and leave the mode as it was; Backward after one of them panics.
func TestEvaluationRunsInInferenceMode(t *testing.T) {
	rng := rand.New(rand.NewPCG(75, 76))
	n, _ := Build(fullArch, rng)
	x := randomMatrix(rng, 40, 6)
	labels := make([]int, 40)
	tt := OneHot(labels, 3)
	for range 5 { // running statistics away from 0 and 1
		n.Loss(x, tt)
	}
	// The reference: the layers by hand, in inference mode.
	infer := func() Matrix {
		n.SetTraining(false)
		defer n.SetTraining(true)
		return softmaxRows(n.Logits(x))
	}
	want := infer().Clone()
	running := n.Layers[2].(*BatchNorm).RunningMean.Clone()
	for _, training := range []bool{true, false} {
		n.SetTraining(training)
		checks := map[string]func() bool{
			"Predict": func() bool { return Equal(n.Predict(x), want) },
			"Evaluate": func() bool {
				c, p, err := n.Evaluate(x)
				return err == nil && slices.Equal(c, want.ArgmaxRows()) && p[0] == want[0][c[0]]
			},
			"Classify": func() bool { return slices.Equal(n.Classify(x), want.ArgmaxRows()) },
			"Accuracy": func() bool { return n.Accuracy(x, want.ArgmaxRows()) == 1 },
			"EvalLoss": func() bool {
				l, err := n.EvalLoss(x, labels)
				return err == nil && near(l, MeanCrossEntropy(want, tt), 1e-12)
			},
		}
		for name, check := range checks {
			if !check() {
				t.Errorf("%s (from training mode %v) differs from the inference-mode forward pass", name, training)
			}
			if n.Training() != training {
				t.Errorf("%s changed the mode from %v", name, training)
			}
		}
	}
	if !Equal(running, n.Layers[2].(*BatchNorm).RunningMean) {
		t.Error("evaluating changed the running statistics")
	}
	n.SetTraining(true)
	n.Loss(x, tt)
	n.Accuracy(x, labels)
	defer func() {
		if msg := recoverString(recover()); !strings.Contains(msg, "inference mode") {
			t.Errorf("Backward after Accuracy: panic %q, want one about inference mode", msg)
		}
	}()
	n.Backward()
}

// SetTraining returns the mode it replaces.
func TestSetTrainingReturnsTheOldMode(t *testing.T) {
	n, _ := Build(fullArch, rand.New(rand.NewPCG(1, 1)))
	if !n.Training() || !n.SetTraining(false) || n.Training() || n.SetTraining(true) || !n.Training() {
		t.Error("SetTraining: want true, then false returned by the switches")
	}
}

// Clone copies everything; CopyFrom copies the learned state back without
// allocating; the copies do not share storage.
func TestCloneAndCopyFrom(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 78))
	n, _ := Build(fullArch, rng)
	n.Input = Standardization{Mean: 0.1, Std: 0.3}
	n.WeightDecay = 0.01
	x, tt := randomMatrix(rng, 10, 6), OneHot([]int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, 3)
	opt := NewAdam(0.01)
	for range 3 {
		n.Step(x, tt, opt)
	}
	best := n.Clone()
	if !Equal(best.Predict(x), n.Predict(x)) || best.Input != n.Input || best.WeightDecay != n.WeightDecay || best.String() != n.String() {
		t.Fatal("the clone differs")
	}
	want := n.Predict(x)
	for range 3 {
		n.Step(x, tt, opt)
	}
	if Equal(n.Predict(x), want) || !Equal(best.Predict(x), want) {
		t.Fatal("training the network changed its clone, or nothing")
	}
	if a := testing.AllocsPerRun(5, func() { n.CopyFrom(best) }); a > 0 {
		t.Errorf("CopyFrom allocates %v times", a)
	}
	if !Equal(n.Predict(x), want) {
		t.Error("after CopyFrom the network predicts differently from the copy")
	}
	other, _ := NewMLP([]int{6, 5, 4, 3}, "tanh", nil)
	defer func() {
		if msg := recoverString(recover()); !strings.Contains(msg, "architectures differ") {
			t.Errorf("CopyFrom across architectures: panic %q", msg)
		}
	}()
	other.CopyFrom(n)
}

// SetWeightDecay puts λ into AdamW, or else into the network.
func TestSetWeightDecay(t *testing.T) {
	n, _ := NewMLP([]int{3, 2}, "relu", nil)
	w := NewAdamW(0.001, 0.01)
	n.WeightDecay = 5
	n.SetWeightDecay(0.1, w)
	if w.WeightDecay != 0.1 || n.WeightDecay != 0 {
		t.Errorf("AdamW: optimiser λ %v, network λ %v; want 0.1 and 0", w.WeightDecay, n.WeightDecay)
	}
	n.SetWeightDecay(0.2, NewAdam(0.001))
	if n.WeightDecay != 0.2 {
		t.Errorf("Adam: network λ %v, want 0.2", n.WeightDecay)
	}
}
