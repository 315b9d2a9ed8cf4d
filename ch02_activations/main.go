// Chapter 2: step, sigmoid, tanh, ReLU and softmax.
//
// The activation function decides what a unit passes on, and its derivative
// decides what gradient flows back through it. This chapter tabulates and
// plots the four element-wise activations and their derivatives, measures how
// a gradient fades through a deep stack of sigmoid layers (and does not
// through ReLU), shows a "dead" ReLU unit, and takes apart softmax, including
// why the textbook formula overflows.
//
//	go run ./ch02_activations
//	go run ./ch02_activations -depth 20
//	go run ./ch02_activations -svg docs/img
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

func main() { cli.Main("ch02_activations", run) }

// config holds the command-line flags.
type config struct {
	seed   uint64
	depth  int
	svgDir string
}

// parseFlags reads the flags; help is true after -h, which prints the usage.
func parseFlags(w io.Writer, args []string) (c config, help bool, err error) {
	fs := flag.NewFlagSet("ch02_activations", flag.ContinueOnError)
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the random weights and inputs")
	fs.IntVar(&c.depth, "depth", 10, "hidden layers in the vanishing-gradient experiment (5..50)")
	fs.StringVar(&c.svgDir, "svg", "", "write the chapter's figures (ch02_*.svg) into this existing `directory`")
	if help, err := cli.Parse(fs, w, args); help || err != nil {
		return c, help, err
	}
	if c.depth < 5 || c.depth > 50 {
		return c, false, fmt.Errorf("-depth %d: want a number of hidden layers from 5 to 50", c.depth)
	}
	if err := cli.CheckDir(c.svgDir); err != nil {
		return c, false, err
	}
	return c, false, nil
}

// run prints the chapter's notebook to w.
func run(w io.Writer, args []string) error {
	c, help, err := parseFlags(w, args)
	if help || err != nil {
		return err
	}
	fmt.Fprintln(w, "Chapter 2: step, sigmoid, tanh, ReLU, softmax")
	activations(w)
	grads, err := vanishing(w, c)
	if err != nil {
		return err
	}
	deadReLU(w, c)
	softmax(w)
	if c.svgDir != "" {
		return writeFigures(w, c.svgDir, grads)
	}
	return nil
}

func heading(w io.Writer, s string) { fmt.Fprintf(w, "\n== %s ==\n\n", s) }

// ---------------------------------------------------------------------------
// 1. The four activations

// samplePoints are the x values of the tables.
var samplePoints = []float64{-5, -2, -1, -0.5, 0, 0.5, 1, 2, 5}

func activations(w io.Writer) {
	heading(w, "1. Four activations and their derivatives")
	fmt.Fprintln(w, "A unit computes its weighted sum z = w·x + b and passes on its activation")
	fmt.Fprintln(w, "a = f(z). Learning (chapter 5) sends the gradient back through the unit")
	fmt.Fprintln(w, "multiplied by f'(z), so both columns matter:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  step(z)    = 1 if z > 0, else 0           step'(z)    = 0 (none at z = 0)")
	fmt.Fprintln(w, "  sigmoid(z) = 1 / (1 + e^−z)               sigmoid'(z) = sigmoid(z)·(1 − sigmoid(z))")
	fmt.Fprintln(w, "  tanh(z)    = (e^z − e^−z) / (e^z + e^−z)  tanh'(z)    = 1 − tanh²(z)")
	fmt.Fprintln(w, "  relu(z)    = max(0, z)                    relu'(z)    = 1 if z > 0, else 0")
	fmt.Fprintln(w, "\nValues f(z):")
	activationTable(w, func(a nn.Activation) func(float64) float64 { return a.F })
	fmt.Fprintln(w, "\nDerivatives f'(z):")
	activationTable(w, func(a nn.Activation) func(float64) float64 { return a.Grad })
	fmt.Fprintln(w, "\nAt z = 0, step jumps and ReLU has a corner: neither has a derivative there,")
	fmt.Fprintln(w, "and nn (like most libraries) uses 0. Read the derivative columns: sigmoid'")
	fmt.Fprintln(w, "is never above 0.25, tanh' reaches 1 only at 0, and both fade towards 0 as")
	fmt.Fprintln(w, "|z| grows (the unit saturates). ReLU' is exactly 1 for every z > 0.")
	for _, a := range nn.Activations {
		fmt.Fprintln(w)
		p := functionPlot(a)
		p.ASCII(w, 50, 10)
	}
}

// activationTable prints pick(a)(x) for every activation a at samplePoints.
func activationTable(w io.Writer, pick func(nn.Activation) func(float64) float64) {
	fmt.Fprintf(w, "  %5s |", "z")
	for _, a := range nn.Activations {
		fmt.Fprintf(w, " %9s", a.Name)
	}
	fmt.Fprintf(w, "\n  ------+%s\n", strings.Repeat("-", 10*len(nn.Activations)))
	for _, x := range samplePoints {
		fmt.Fprintf(w, "  %5g |", x)
		for _, a := range nn.Activations {
			fmt.Fprintf(w, " %9.6f", pick(a)(x))
		}
		fmt.Fprintln(w)
	}
}

// ---------------------------------------------------------------------------
// 2. Vanishing gradients

// layerGrads is the mean |∂L/∂W| per Dense layer, for each activation.
type layerGrads struct {
	acts  []string
	means map[string][]float64
}

func vanishing(w io.Writer, c config) (layerGrads, error) {
	heading(w, "2. Vanishing gradients")
	best := 0.0
	for i := -500; i <= 500; i++ {
		best = max(best, nn.SigmoidGrad(float64(i)/100))
	}
	fmt.Fprintln(w, "sigmoid'(z) = sigmoid(z)·(1 − sigmoid(z)) is largest where sigmoid(z) = 0.5,")
	fmt.Fprintf(w, "at z = 0: sigmoid'(0) = %.2f (the largest of 1001 samples in [−5, 5] is %.2f).\n", nn.SigmoidGrad(0), best)
	fmt.Fprintln(w, "The gradient that trains a layer reaches it through every layer above, and")
	fmt.Fprintln(w, "each sigmoid layer on the way multiplies it by one such factor (chapter 5")
	fmt.Fprintln(w, "derives this), so after n layers the derivatives alone have scaled it by at")
	fmt.Fprintln(w, "most 0.25^n:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "   n |     0.25^n")
	fmt.Fprintln(w, "  ---+-----------")
	for n := 1; n <= 10; n++ {
		fmt.Fprintf(w, "  %2d | %.8f\n", n, math.Pow(0.25, float64(n)))
	}
	fmt.Fprintln(w, "\nThrough 5 sigmoid layers the derivatives alone multiply a gradient by at most")
	fmt.Fprintf(w, "0.25^5 = %.8f ≈ %.5f: it shrinks a thousandfold or more.\n", math.Pow(0.25, 5), math.Pow(0.25, 5))
	fmt.Fprintln(w, "Article 002 puts it as: sigmoid networks show vanishing gradients within")
	fmt.Fprintln(w, "about 5 layers.")

	fmt.Fprintln(w, "\nA preview, measured. The numbers below need a loss (chapter 4) and a backward")
	fmt.Fprintln(w, "pass (chapter 5) to compute; take them as given here, chapter 5 shows how.")
	fmt.Fprintf(w, "A stack of %d hidden layers of %d units,\n", c.depth, stackWidth)
	fmt.Fprintf(w, "  %s,\n", nn.SizesString(stackSizes(c.depth)))
	fmt.Fprintf(w, "with softmax + cross-entropy on top, one batch of %d random inputs and labels,\n", stackBatch)
	fmt.Fprintln(w, "the same random draws for every activation (scaled by std √(1/fan_in), LeCun's")
	fmt.Fprintln(w, "initialisation, for sigmoid and tanh; by √(2/fan_in), He's, for ReLU), one")
	fmt.Fprintln(w, "backward pass. Mean |∂L/∂W|, the size of the gradient of each Dense layer's")
	fmt.Fprintln(w, "weights:")
	fmt.Fprintln(w)
	x, t := randomBatch(rand.New(rand.NewPCG(c.seed, 0xBA7C)))
	g := layerGrads{acts: []string{"sigmoid", "tanh", "relu"}, means: map[string][]float64{}}
	for _, act := range g.acts {
		m, err := layerGradients(act, c.depth, c.seed, x, t)
		if err != nil {
			return g, err
		}
		g.means[act] = m
	}
	layers := len(g.means["sigmoid"])
	fmt.Fprintf(w, "  layer %-10s|", "")
	for _, act := range g.acts {
		fmt.Fprintf(w, " %9s", act)
	}
	fmt.Fprintf(w, "\n  ----------------+%s\n", strings.Repeat("-", 10*len(g.acts)))
	for l := 0; l < layers; l++ {
		label := ""
		switch l {
		case 0:
			label = "(input)"
		case layers - 1:
			label = "(output)"
		}
		fmt.Fprintf(w, "  W%-3d %-10s |", l+1, label)
		for _, act := range g.acts {
			fmt.Fprintf(w, " %9.2e", g.means[act][l])
		}
		fmt.Fprintln(w)
	}
	ratio := func(act string, down int) float64 {
		m := g.means[act]
		return m[layers-1-down] / m[layers-1]
	}
	fmt.Fprintln(w, "\nGradient at a layer ÷ gradient at the output layer:")
	fmt.Fprintf(w, "  %-28s|", "")
	for _, act := range g.acts {
		fmt.Fprintf(w, " %9s", act)
	}
	fmt.Fprintln(w)
	for _, down := range []int{5, layers - 1} {
		fmt.Fprintf(w, "  %-28s|", fmt.Sprintf("%d hidden layers down (W%d)", down, layers-down))
		for _, act := range g.acts {
			fmt.Fprintf(w, " %9.2e", ratio(act, down))
		}
		fmt.Fprintln(w)
	}
	perLayer := math.Pow(ratio("sigmoid", layers-1), 1/float64(layers-1))
	fmt.Fprintf(w, "\nThrough the sigmoid layers the gradient fades by ×%.2f per layer on average:\n", perLayer)
	fmt.Fprintln(w, "below 0.00098 five layers down, as the bound says, and the first layers")
	fmt.Fprintln(w, "hardly learn at all. Tanh (derivative up to 1, centred on 0) and ReLU")
	fmt.Fprintln(w, "(derivative exactly 1 wherever the unit is active) keep it at the same")
	fmt.Fprintln(w, "order of magnitude all the way down, given weights scaled for them.")
	return g, nil
}

// deadReLU shows a unit whose input is negative on every sample, and how
// many units die when biases are pushed down or one step is far too large.
func deadReLU(w io.Writer, c config) {
	heading(w, "3. Dead ReLU units")
	fmt.Fprintln(w, "ReLU's gradient is 1 where z > 0 and 0 where z ≤ 0. A unit whose z is ≤ 0 on")
	fmt.Fprintln(w, "every sample passes back nothing, so its weights get a gradient of exactly 0")
	fmt.Fprintln(w, "and never change: the unit is dead. Another preview: the gradients below come")
	fmt.Fprintln(w, "from a backward pass (chapter 5), the steps from gradient descent (chapter 4).")
	rng := rand.New(rand.NewPCG(c.seed, 0xDEAD))
	x, _ := randomBatch(rng)
	const units, victim = 6, 3
	d := nn.NewDense(stackWidth, units)
	std := math.Sqrt(2.0 / stackWidth) // He initialisation
	for _, row := range d.W {
		for j := range row {
			row[j] = std * rng.NormFloat64()
		}
	}
	d.B[0][victim] = -10
	z := d.Forward(x).Clone()
	relu := &nn.ReLULayer{}
	relu.Forward(z)
	// Take L = the mean over the batch of the sum of the outputs, so that
	// ∂L/∂out = 1/batch everywhere, and run the layer backwards.
	dout := nn.New(stackBatch, units)
	for _, row := range dout {
		for j := range row {
			row[j] = 1.0 / stackBatch
		}
	}
	d.Backward(relu.Backward(dout))
	fmt.Fprintf(w, "\nA ReLU layer of %d units on %d random inputs; unit %d has bias −10, the\n", units, stackBatch, victim+1)
	fmt.Fprintln(w, "others 0. With L = mean over the batch of the sum of the outputs:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  unit |  bias | fires on | mean |∂L/∂w| |   ∂L/∂b")
	fmt.Fprintln(w, "  -----+-------+----------+--------------+---------")
	for j := range units {
		col := nn.New(stackWidth, 1)
		for i := range col {
			col[i][0] = d.DW[i][j]
		}
		fmt.Fprintf(w, "  %4d | %5.0f | %7.0f%% | %12s | %7s\n", j+1, d.B[0][j], 100*activeFraction(z, j),
			gradString(meanAbs(col)), gradString(d.DB[0][j]))
	}
	fmt.Fprintln(w, "\nA gradient step changes unit 4's weights by lr × 0 = 0, whatever the learning")
	fmt.Fprintln(w, "rate: as long as its sums stay below zero, it never moves again. (For a live")
	fmt.Fprintln(w, "unit, ∂L/∂b is the fraction of samples it fires on, since each adds 1/64.)")

	fmt.Fprintln(w, "\nHow units die. Set every bias of a 64-unit ReLU layer to the same negative")
	fmt.Fprintln(w, "value (He-initialised weights, the same 64 inputs) and count the units that")
	fmt.Fprintln(w, "fire on no sample at all:")
	fmt.Fprintln(w)
	wide := nn.NewDense(stackWidth, 64)
	std = math.Sqrt(2.0 / stackWidth)
	for _, row := range wide.W {
		for j := range row {
			row[j] = std * rng.NormFloat64()
		}
	}
	fmt.Fprintln(w, "  bias | dead units")
	fmt.Fprintln(w, "  -----+-----------------")
	for _, b := range []float64{0, -1, -2, -3, -4, -5, -6} {
		for j := range wide.B[0] {
			wide.B[0][j] = b
		}
		n := deadUnits(wide.Forward(x))
		fmt.Fprintf(w, "  %4g | %2d of 64 (%3.0f%%)\n", b, n, 100*float64(n)/64)
	}

	fmt.Fprintln(w, "\nThe same happens in training when one step is far too large. A network")
	fmt.Fprintln(w, "32-64-64-10 (ReLU, He init) takes one plain gradient step on the batch with")
	fmt.Fprintln(w, "learning rate lr; then dead units in its second hidden layer are counted:")
	fmt.Fprintln(w)
	_, t := randomBatch(rng)
	fmt.Fprintln(w, "     lr | dead before | dead after one step")
	fmt.Fprintln(w, "  ------+-------------+--------------------")
	var big *nn.MLP
	for _, lr := range []float64{0.1, 1, 3, 10, 30} {
		net, _ := nn.NewMLP([]int{stackWidth, 64, 64, stackClasses}, "relu", rand.New(rand.NewPCG(c.seed, 0x5EED)))
		before := deadInSecondLayer(net, x)
		net.Step(x, t, &nn.SGD{LR: lr})
		fmt.Fprintf(w, "  %5g | %5d of 64 | %9d of 64\n", lr, before, deadInSecondLayer(net, x))
		if lr == 10 {
			big = net
		}
	}
	dead := deadInSecondLayer(big, x)
	const steps = 100
	for range steps {
		big.Step(x, t, &nn.SGD{LR: 0.05})
	}
	fmt.Fprintf(w, "\nAfter the lr 10 step, %d more steps at a sensible lr 0.05: %d dead (was %d).\n",
		steps, deadInSecondLayer(big, x), dead)
	fmt.Fprintln(w, "Dead units stay dead: nothing flows back to revive them. Remedies: smaller")
	fmt.Fprintln(w, "steps, He initialisation, or a leaky ReLU (exercise 1) whose slope for")
	fmt.Fprintln(w, "z < 0 is small but not 0.")
}

// deadInSecondLayer counts the dead units of the second hidden layer of a
// 3-Dense-layer ReLU network on the batch x.
func deadInSecondLayer(net *nn.MLP, x nn.Matrix) int {
	h := net.Layers[1].Forward(net.Layers[0].Forward(x))
	return deadUnits(net.Layers[2].Forward(h))
}

// gradString prints a gradient, or "0" when it is exactly zero.
func gradString(v float64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%.2e", v)
}

// ---------------------------------------------------------------------------
// 4. Softmax

// naiveSoftmax is the textbook formula e^(v_i) / Σ_j e^(v_j), computed as
// written. It overflows for inputs above about 709.
func naiveSoftmax(v []float64) []float64 {
	out := make([]float64, len(v))
	sum := 0.0
	for i, x := range v {
		out[i] = math.Exp(x)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func softmax(w io.Writer) {
	heading(w, "4. Softmax: scores to probabilities")
	fmt.Fprintln(w, "softmax(v)_i = e^(v_i) / Σ_j e^(v_j) turns any scores into positive numbers")
	fmt.Fprintln(w, "that sum to 1. e^x grows with x, so the order of the scores is kept, and the")
	fmt.Fprintln(w, "largest score gets the largest probability.")
	fmt.Fprintln(w)
	for _, v := range [][]float64{{0.3, 2.9, 4.0}, {1, 2, 3, 4}, {-1, 0, 5, 1, -3}} {
		p := nn.Softmax(v)
		sum := 0.0
		for _, x := range p {
			sum += x
		}
		fmt.Fprintf(w, "  softmax(%v)\n    = %.8f\n    sum %.8f; largest score at index %d, largest probability at index %d\n",
			v, p, sum, nn.RowVector(v...).ArgmaxRows()[0], nn.RowVector(p...).ArgmaxRows()[0])
	}
	fmt.Fprintln(w, "\nAdding the same number to every score changes nothing:")
	fmt.Fprintln(w, "e^(v_i − c) / Σ e^(v_j − c) = e^(v_i) / Σ e^(v_j), because e^−c cancels.")
	fmt.Fprintf(w, "  softmax([0.3 2.9 4.0] − 4.0) = softmax(%v) = %.8f\n",
		[]float64{0.3 - 4, 2.9 - 4, 0}, naiveSoftmax([]float64{0.3 - 4, 2.9 - 4, 0}))
	fmt.Fprintln(w, "\nThat matters, because e^x overflows float64 above x ≈ 709.78:")
	fmt.Fprintf(w, "  e^709 = %.4e   e^710 = %v   e^1010 = %v\n", math.Exp(709), math.Exp(710), math.Exp(1010))
	big := []float64{1010, 1000, 990}
	fmt.Fprintf(w, "\nThe formula as written, on %v:\n", big)
	fmt.Fprintf(w, "  e^v = %v, their sum %v, and +Inf/+Inf = NaN:\n", expAll(big), sumAll(expAll(big)))
	fmt.Fprintf(w, "  naive softmax(%v) = %.8f\n", big, naiveSoftmax(big))
	small := []float64{-1010, -1000, -990}
	fmt.Fprintf(w, "  naive softmax(%v) = %.8f   (every e^v underflows to 0, 0/0 = NaN)\n", small, naiveSoftmax(small))
	fmt.Fprintln(w, "\nnn.Softmax subtracts the largest score first, so every exponent is ≤ 0 and")
	fmt.Fprintln(w, "the largest term is exactly e^0 = 1 (the sum is at least 1, never 0 or +Inf):")
	fmt.Fprintf(w, "  nn.Softmax(%v) = %.8f\n", big, nn.Softmax(big))
	fmt.Fprintf(w, "  nn.Softmax(%v) = %.8f\n", small, nn.Softmax(small))
	fmt.Fprintln(w, "\nScores like 1010 are not exotic: a diverging network produces them, and a")
	fmt.Fprintln(w, "single NaN in the loss spreads to every weight at the next update.")
}

func expAll(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = math.Exp(x)
	}
	return out
}

func sumAll(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}
