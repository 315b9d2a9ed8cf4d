package main

import (
	"fmt"
	"io"
	"math"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// ---------------------------------------------------------------------------
// 8. Batch normalisation

// bnScales are the starts section 8 trains from, with and without batch
// normalisation: every weight drawn with standard deviation std, or from
// the scheme init; reuse names the run of section 7 that is the same start
// without batch norm.
var bnScales = []struct {
	name, init, reuse string
	std               float64
}{
	{"1", "", "std1", 1},
	{"0.1", "", "", 0.1},
	{"0.01", "", "std0.01", 0.01},
	{"0.001", "", "", 0.001},
	{"he", "he", "he", 0},
}

func batchNormSection(w io.Writer, c config, d *part2Digits, shared *sharedRuns) ([]cli.Figure, error) {
	fmt.Fprintln(w, "== 8. Batch normalisation (nn/batchnorm.go) ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Between each hidden Dense layer and its activation, nn.BatchNorm rescales every")
	fmt.Fprintln(w, "feature (column) over the batch, then lets the network pick the scale and shift:")
	fmt.Fprintln(w, "  μ_B = (1/n) Σ x_i    σ²_B = (1/n) Σ (x_i − μ_B)²    x̂_i = (x_i − μ_B) / √(σ²_B + ε)")
	fmt.Fprintln(w, "  y_i = γ·x̂_i + β      (γ and β learned, starting at 1 and 0; ε = 1e-5)")
	fmt.Fprintln(w, "At inference it uses running averages of μ_B and σ²_B kept while training.")
	fmt.Fprintln(w)

	// 8a. What it does to the activations of 7a.
	x := probeInputs(c.seed)
	fmt.Fprintln(w, "8a. The random inputs of 7a through the same five layers, with and without batch norm:")
	var names []string
	var rows [][]*histogram
	layer5 := map[bool][]float64{} // relu's layer-5 std for every scheme, by batch norm
	for _, s := range initSchemes {
		for _, bn := range []bool{false, true} {
			hs, err := activations(c.seed, nn.Architecture{Activation: "relu", Init: s.name, BatchNorm: bn}, x)
			if err != nil {
				return nil, err
			}
			layer5[bn] = append(layer5[bn], hs[probeLayers-1].std())
			if s.name == "std0.01" || s.name == "std1" {
				name := "relu, " + s.name
				if bn {
					name += " + BN"
				}
				names = append(names, name)
				rows = append(rows, hs)
			}
		}
	}
	for _, bn := range []bool{false, true} {
		hs, err := activations(c.seed, nn.Architecture{Activation: "sigmoid", Init: "std1", BatchNorm: bn}, x)
		if err != nil {
			return nil, err
		}
		name := "sigmoid, std1"
		if bn {
			name += " + BN"
		}
		names = append(names, name)
		rows = append(rows, hs)
	}
	fmt.Fprintln(w, "(ReLU: bars from 0 to 3, zeros left out; sigmoid: 0 to 1)")
	printSparks(w, "", names, rows)
	lo, hi := minMax(layer5[true])
	fmt.Fprintf(w, "With batch norm, the std of ReLU's layer 5 is %s to %s for all five schemes (without:\n", stdCell(lo), stdCell(hi))
	lo, hi = minMax(layer5[false])
	fmt.Fprintf(w, "%s to %s). Scaling a layer's weights by c scales its z by c, and x̂ undoes it exactly,\n", stdCell(lo), stdCell(hi))
	fmt.Fprintln(w, "but for ε: whatever the start, every layer hands on outputs of the same spread.")
	fmt.Fprintln(w)

	// 8b. Training from several scales.
	fmt.Fprintf(w, "8b. The digit network trained from several scales of initial weights, without and with\n")
	fmt.Fprintf(w, "batch norm (SGD lr %g, %d epochs, as in 7b; the rows without it at 1, 0.01 and he are 7b's\n", initLR, initEpochs)
	fmt.Fprintln(w, "std1, std0.01 and he runs). Loss and validation accuracy after the last epoch:")
	row(w, "  %-9s %-29s %s", "weights", "without batch norm", "with batch norm")
	row(w, "  %-9s %-9s %-8s %-11s %-9s %-8s", "std", "loss", "val acc", "", "loss", "val acc")
	plot := &nn.Plot{Title: "Training loss without (dashed) and with batch norm (solid)",
		XLabel: "epoch", YLabel: "mean cross-entropy of recent batches",
		XMin: 0, XMax: initEpochs, YMin: 0, YMax: 2.6}
	for i, scale := range bnScales {
		line := fmt.Sprintf("  %-9s", scale.name)
		for _, bn := range []bool{false, true} {
			r := shared.byInit[scale.reuse]
			if bn || r == nil {
				a := nn.Architecture{Sizes: deepSizes, Activation: "relu", Init: scale.init, InitStd: scale.std, BatchNorm: bn}
				var err error
				if r, err = initRun(c.seed, d, a); err != nil {
					return nil, err
				}
			}
			line += " " + finalCells(r)
			s := lossSeries(scale.name, r)
			s.Color, s.Dashed = nn.Palette[i], !bn
			if bn {
				s.Name += " + BN"
			}
			plot.Series = append(plot.Series, s)
		}
		row(w, "%s", line)
	}
	fmt.Fprintln(w, "Batch norm trains from every one of these starts; without it only a start near the")
	fmt.Fprintln(w, "right scale learns at all. The forward pass no longer sees the scale, but the")
	fmt.Fprintln(w, "backward pass does: weights c times larger get gradients c times smaller, so a")
	fmt.Fprintln(w, "start far too large learns slowly even with batch norm.")
	fmt.Fprintln(w)
	bnHist := &histogramGrid{
		title:    "Each layer's outputs for 1,000 random inputs, without and with batch norm",
		rowNames: names,
		colNames: []string{"layer 1", "layer 2", "layer 3", "layer 4", "layer 5"},
		cells:    rows,
		axis:     [3]string{"0", "0.5", "1"},
		note:     "sigmoid rows: bars from 0 to 1; ReLU rows: 0 to 3, zeros left out, values above 3 in the last bar",
	}
	return []cli.Figure{{Name: bnLossFile, SVG: plot.SVG}, {Name: bnHistFile, SVG: bnHist.SVG}}, nil
}

// finalCells formats a run's last mean batch loss and validation accuracy,
// or the step at which it diverged.
func finalCells(r *fitted) string {
	if r.diverged != nil || len(r.evals) == 0 {
		return fmt.Sprintf("%-29s", "diverged")
	}
	return fmt.Sprintf("%-9s %-8s %-11s", lossCell(r.epochLoss[len(r.epochLoss)-1]), percent(r.last().valAcc), "")
}

// minMax returns the smallest and largest of vs.
func minMax(vs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}
