package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// ---------------------------------------------------------------------------
// 7. Initial weights

// The random-input experiment: probeRows inputs of probeWidth numbers, each
// from N(0, 1), through probeLayers layers of probeWidth units.
const (
	probeRows   = 1000
	probeWidth  = 100
	probeLayers = 5
	probeBins   = 15
)

// activationRange is where the histograms of each activation's outputs put
// their bars: sigmoid's and tanh's whole range; for ReLU, 0 to 3, with
// everything larger in the last bar.
var activationRange = map[string][2]float64{"sigmoid": {0, 1}, "tanh": {-1, 1}, "relu": {0, 3}}

// probeInputs draws the random inputs, the same for every network.
func probeInputs(seed uint64) nn.Matrix {
	rng := rand.New(rand.NewPCG(seed, part2MiscStream))
	x := nn.New(probeRows, probeWidth)
	for i := range x {
		for j := range x[i] {
			x[i][j] = rng.NormFloat64()
		}
	}
	return x
}

// activations runs x through the network a describes (five hidden layers of
// probeWidth units, then a small output layer that is not looked at) and
// returns the histogram of each hidden layer's outputs, after its
// activation. It walks the layers one by one, as MLP.Logits does, to see
// what each one hands to the next.
func activations(seed uint64, a nn.Architecture, x nn.Matrix) ([]*histogram, error) {
	a.Sizes = []int{probeWidth}
	for range probeLayers {
		a.Sizes = append(a.Sizes, probeWidth)
	}
	a.Sizes = append(a.Sizes, 10)
	net, err := buildNet(seed, a)
	if err != nil {
		return nil, err
	}
	rng := activationRange[a.Activation]
	var hs []*histogram
	h := x
	for _, l := range net.Layers {
		h = l.Forward(h)
		switch l.(type) {
		case *nn.SigmoidLayer, *nn.TanhLayer, *nn.ReLULayer:
			hist := newHistogram(rng[0], rng[1], probeBins, a.Activation == "relu")
			hist.add(h)
			hs = append(hs, hist)
		}
		if len(hs) == probeLayers {
			break
		}
	}
	return hs, nil
}

// printSparks prints one line per row of hs: its name, then each layer's
// histogram as a line of blocks.
func printSparks(w io.Writer, header string, names []string, hs [][]*histogram) {
	width := len([]rune(header))
	for _, name := range names {
		width = max(width, len([]rune(name)))
	}
	top := fmt.Sprintf("  %-*s", width, header)
	for l := range probeLayers {
		top += fmt.Sprintf("  %-*s", probeBins, fmt.Sprintf("layer %d", l+1))
	}
	row(w, "%s", top)
	for i, name := range names {
		line := fmt.Sprintf("  %-*s", width, name)
		for _, h := range hs[i] {
			line += "  " + h.spark()
		}
		row(w, "%s", line)
	}
}

// stdCell formats a standard deviation with three significant digits.
func stdCell(v float64) string { return fmt.Sprintf("%.3g", v) }

// initSchemes are the schemes of section 7, with how each sets the standard
// deviation of a layer's weights.
var initSchemes = []struct{ name, formula, source string }{
	{"std1", "1", ""},
	{"std0.01", "0.01", ""},
	{"lecun", "√(1/n_in)", "LeCun et al. 1998"},
	{"glorot", "√(2/(n_in + n_out))", "Glorot & Bengio 2010, \"Xavier\""},
	{"he", "√(2/n_in)", "He et al. 2015"},
}

// initLR is the learning rate of SGD in sections 7, 8 and 12, and
// initEpochs how long each of those runs trains.
const (
	initLR     = 0.1
	initEpochs = 3
)

func initSection(w io.Writer, c config, d *part2Digits, shared *sharedRuns) ([]cli.Figure, error) {
	fmt.Fprintln(w, "== 7. Initial weights (nn/init.go) ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Every weight starts as a draw from a normal distribution with mean 0; the schemes")
	fmt.Fprintln(w, "differ only in its standard deviation s, set from the layer's inputs n_in and outputs")
	fmt.Fprintln(w, "n_out (nn.InitStd). Biases start at 0.")
	in, width := deepSizes[0], deepSizes[1]
	fmt.Fprintf(w, "The last two columns are s for the first two layers of the digit network of 7b:\n")
	row(w, "  %-8s %-22s %-34s %-8s %s", "scheme", "s", "", fmt.Sprintf("%d→%d", in, width), fmt.Sprintf("%d→%d", width, width))
	for _, s := range initSchemes {
		first, _ := nn.InitStd(s.name, in, width)
		hidden, _ := nn.InitStd(s.name, width, width)
		row(w, "  %-8s %-22s %-34s %-8.4f %.4f", s.name, s.formula, s.source, first, hidden)
	}
	fmt.Fprintln(w)

	// 7a. Random inputs through five layers.
	x := probeInputs(c.seed)
	fmt.Fprintf(w, "7a. %s random inputs of %d numbers, each from N(0, 1), through %d layers of %d units.\n",
		nn.Thousands(probeRows), probeWidth, probeLayers, probeWidth)
	fmt.Fprintf(w, "Each cell is the histogram of one layer's %s outputs (after the activation):\n", nn.Thousands(probeRows*probeWidth))
	fmt.Fprintf(w, "%d bars, from blank (none) through ▁ to █ (the cell's tallest bar).\n", probeBins)
	fmt.Fprintln(w, "Here n_in = n_out = 100 in every layer, so LeCun and Glorot give the same s (0.1).")
	names := make([]string, len(initSchemes))
	for i, s := range initSchemes {
		names[i] = s.name
	}
	grids := map[string][][]*histogram{}
	for _, act := range []string{"sigmoid", "tanh", "relu"} {
		var rows [][]*histogram
		for _, s := range initSchemes {
			hs, err := activations(c.seed, nn.Architecture{Activation: act, Init: s.name}, x)
			if err != nil {
				return nil, err
			}
			rows = append(rows, hs)
		}
		grids[act] = rows
		fmt.Fprintln(w)
		r := activationRange[act]
		switch act {
		case "relu":
			fmt.Fprintln(w, "ReLU, bars from 0 to 3 (larger values in the last bar; the zeros, about half of")
			fmt.Fprintln(w, "every layer, left out):")
		default:
			fmt.Fprintf(w, "%s, bars from %g to %g:\n", act, r[0], r[1])
		}
		printSparks(w, "", names, rows)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The standard deviation of each layer's outputs (zeros included):")
	row(w, "  %-10s %-8s %-9s %-9s %-9s %-9s %s", "activation", "init", "layer 1", "layer 2", "layer 3", "layer 4", "layer 5")
	for _, act := range []string{"sigmoid", "tanh", "relu"} {
		for i, s := range initSchemes {
			line := fmt.Sprintf("  %-10s %-8s", act, s.name)
			for _, h := range grids[act][i] {
				line += fmt.Sprintf(" %-9s", stdCell(h.std()))
			}
			row(w, "%s", line)
		}
	}
	fmt.Fprintln(w, "Sigmoid with s = 1 piles its outputs at 0 and 1, where its slope, and so every")
	fmt.Fprintln(w, "gradient through it, is almost 0; with s = 0.01 they pile at 0.5: every unit says")
	fmt.Fprintln(w, "nearly the same thing. ReLU with s = 0.01 shrinks the signal about 14-fold per layer,")
	fmt.Fprintln(w, "with LeCun and Glorot by about √2 per layer; with s = 1 it grows about 7-fold; He's")
	fmt.Fprintln(w, "s keeps it nearly steady from layer to layer.")
	fmt.Fprintln(w)

	// 7b. The digit network trained from each start.
	fmt.Fprintf(w, "7b. The digit network %s relu trained from each start: SGD lr %g, %d epochs\n",
		nn.SizesString(deepSizes), initLR, initEpochs)
	fmt.Fprintf(w, "on the %s training digits, the same batches every time. The loss at the start is\n", nn.Thousands(d.train.len()))
	fmt.Fprintln(w, "that of the untrained network on the training digits; a network that knows nothing")
	fmt.Fprintf(w, "and favours no digit scores p = 1/10 for each, a loss of ln 10 = %.4f.\n", math.Log(10))
	runHeader(w, fmt.Sprintf("  %-8s %-9s", "init", "at start"), fmt.Sprintf("  %-8s %-9s", "", "loss"), initEpochs)
	shared.byInit = map[string]*fitted{}
	plot := &nn.Plot{Title: fmt.Sprintf("Training loss from each start, %s relu", nn.SizesString(deepSizes)),
		XLabel: "epoch", YLabel: "mean cross-entropy of recent batches",
		XMin: 0, XMax: initEpochs, YMin: 0, YMax: 2.6}
	for _, s := range initSchemes {
		r, err := initRun(c.seed, d, nn.Architecture{Sizes: deepSizes, Activation: "relu", Init: s.name})
		if err != nil {
			return nil, err
		}
		shared.byInit[s.name] = r
		row(w, "  %-8s %-9s%s", s.name, lossCell(r.start), runCells(r, initEpochs))
		series := lossSeries(s.name, r)
		series.Dashed = s.name == "std0.01" // it lies on std1's curve once that one has died
		plot.Series = append(plot.Series, series)
	}
	fmt.Fprintln(w, "(loss: the mean loss of the epoch's batches; val acc: on the 1,000 validation digits)")
	fmt.Fprintln(w, "A start far above ln 10 means the initial scores are far too large: the network is")
	fmt.Fprintln(w, "confidently wrong before it has seen a digit, and its first gradients are huge.")
	fmt.Fprintln(w)
	figs := []cli.Figure{{Name: initLossFile, SVG: plot.SVG}}
	for _, act := range []string{"sigmoid", "tanh", "relu"} {
		r := activationRange[act]
		g := &histogramGrid{
			title:    fmt.Sprintf("%s: each layer's outputs for 1,000 random inputs, by initial weights", act),
			rowNames: names,
			colNames: []string{"layer 1", "layer 2", "layer 3", "layer 4", "layer 5"},
			cells:    grids[act],
			axis:     [3]string{fmt.Sprint(r[0]), fmt.Sprint((r[0] + r[1]) / 2), fmt.Sprint(r[1])},
			note:     "each cell scaled to its tallest bar",
		}
		if act == "relu" {
			g.note = "each cell scaled to its tallest bar; zeros left out, values above 3 in the last bar"
		}
		figs = append(figs, cli.Figure{Name: fmt.Sprintf(initHistFile, act), SVG: g.SVG})
	}
	return figs, nil
}

// initRun trains the digit network a describes with SGD at initLR for
// initEpochs epochs, evaluating on the validation digits after every epoch.
func initRun(seed uint64, d *part2Digits, a nn.Architecture) (*fitted, error) {
	net, err := buildNet(seed, a)
	if err != nil {
		return nil, err
	}
	return fit(seed, net, &nn.SGD{LR: initLR}, d.train, d.val, fitting{epochs: initEpochs, evalEvery: 1})
}

// runHeader prints the two header lines of a table of runCells.
func runHeader(w io.Writer, first, blank string, epochs int) {
	top, sub := first, blank
	for e := 1; e <= epochs; e++ {
		top += fmt.Sprintf("   %-17s", fmt.Sprintf("epoch %d", e))
		sub += fmt.Sprintf("   %-9s %-7s", "loss", "val acc")
	}
	row(w, "%s", top)
	row(w, "%s", sub)
}

// runCells formats a run's per-epoch mean batch loss and validation accuracy,
// or where it diverged.
func runCells(r *fitted, epochs int) string {
	s := ""
	for e := range epochs {
		switch {
		case e < len(r.evals):
			s += fmt.Sprintf("   %-9s %-7s", lossCell(r.epochLoss[e]), percent(r.evals[e].valAcc))
		case e == len(r.evals) && r.diverged != nil:
			var div *nn.DivergedError
			if errors.As(r.diverged, &div) {
				return s + fmt.Sprintf("   diverged: the loss became %v at step %d", div.Loss, div.Step)
			}
			return s + "   diverged"
		}
	}
	return s
}

// lossSeries is a run's loss curve for a figure, starting from its loss
// before training at epoch 0. Losses above lossCeiling are drawn at it, far
// above the top of every figure: a loss of 1e72 would otherwise print a
// pixel coordinate with all its digits, and their last ones depend on the
// CPU.
func lossSeries(name string, r *fitted) nn.Series {
	s := nn.Series{Name: name, X: append([]float64{0}, r.curveX...)}
	for _, y := range append([]float64{r.start}, r.curveY...) {
		s.Y = append(s.Y, math.Min(y, lossCeiling))
	}
	return s
}

// lossCeiling is the largest loss a figure draws as it is.
const lossCeiling = 100
