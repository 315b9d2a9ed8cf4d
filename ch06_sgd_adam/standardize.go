package main

import (
	"fmt"
	"io"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// ---------------------------------------------------------------------------
// 12. Input standardisation

func standardizeSection(w io.Writer, c config, d *part2Digits, shared *sharedRuns) ([]cli.Figure, error) {
	fmt.Fprintln(w, "== 12. Input standardisation (nn/standardize.go) ==")
	fmt.Fprintln(w)
	stats := nn.PixelStats(d.sets["train"].Images)
	fmt.Fprintf(w, "Pixels ÷ 255 lie in 0..1, and most are 0. nn.PixelStats over the %s training digits:\n", nn.Thousands(d.train.len()))
	all := nn.PixelStats(d.sets["all"].Images)
	fmt.Fprintf(w, "  mean %.4f, standard deviation %.4f\n", stats.Mean, stats.Std)
	fmt.Fprintf(w, "(all %s training digits of the sample: %.4f and %.4f; the 60,000 of the full MNIST:\n",
		nn.Thousands(d.sets["all"].Len()), all.Mean, all.Std)
	fmt.Fprintln(w, "0.1307 and 0.3081, the numbers PyTorch's MNIST examples normalise with.)")
	zero, ink := stats.FromPixels([]byte{0, 255}, 2)[0][0], stats.FromPixels([]byte{0, 255}, 2)[0][1]
	fmt.Fprintf(w, "Standardised, x = %v: the background becomes %.4f and full ink %.4f.\n", stats, zero, ink)
	fmt.Fprintln(w, "The mean and std come from the training digits alone; validation and test digits, and")
	fmt.Fprintln(w, "a user's own drawing, are converted with the same two numbers (a network keeps them in")
	fmt.Fprintln(w, "MLP.Input, and its model file records them).")
	train := digitsFrom(d.sets["train"], stats)
	val := digitsFrom(d.sets["val"], stats)
	fmt.Fprintf(w, "Mean of x² over the training digits: ÷255 %.3f, standardised %.3f. He's start assumes\n",
		meanSquare(d.train.x), meanSquare(train.x))
	fmt.Fprintln(w, "inputs of mean square 1; with ÷255 the first layer's signals start √0.11 ≈ 1/3 as large.")
	fmt.Fprintln(w)
	net, err := buildNet(c.seed, nn.Architecture{Sizes: deepSizes, Activation: "relu", Init: "he"})
	if err != nil {
		return nil, err
	}
	net.Input = stats
	std, err := fit(c.seed, net, &nn.SGD{LR: initLR}, train, val, fitting{epochs: initEpochs, evalEvery: 1})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "The network of 7b from He's start, SGD lr %g, the same batches (the ÷255 row is 7b's):\n", initLR)
	runHeader(w, fmt.Sprintf("  %-13s %-9s", "input", "at start"), fmt.Sprintf("  %-13s %-9s", "", "loss"), initEpochs)
	for _, r := range []struct {
		name string
		run  *fitted
	}{{"÷255", shared.byInit["he"]}, {"standardised", std}} {
		row(w, "  %-13s %-9s%s", r.name, lossCell(r.run.start), runCells(r.run, initEpochs))
	}
	fmt.Fprintln(w)
	return nil, nil
}

// meanSquare is the mean of x² over every value of m.
func meanSquare(m nn.Matrix) float64 {
	sum, n := 0.0, 0
	for _, row := range m {
		for _, v := range row {
			sum += v * v
			n++
		}
	}
	return sum / float64(n)
}
