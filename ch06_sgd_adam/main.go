// Chapter 6: optimisers, and training well. Backprop (chapter 5) gives the
// gradient; an optimiser decides how far to step along it. Part 1: five
// rules, one race on a stretched bowl, the same digit classifier trained
// with each, and the ways training goes wrong: too large a step, too small a
// step, and the silent failure that stays at chance. Part 2: where the
// weights start, batch normalisation, overfitting and its cures, choosing
// settings on validation digits and testing once, learning-rate schedules
// and standardised inputs.
//
//	go run ./ch06_sgd_adam                # the chapter (a few seconds)
//	go run ./ch06_sgd_adam -part 2        # only part 2
//	go run ./ch06_sgd_adam -full          # more digits, longer searches
//	go run ./ch06_sgd_adam -svg docs/img  # also draw the figures
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strings"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// The figures -svg writes.
const (
	raceFile        = "ch06_race.svg"
	lossFile        = "ch06_mnist_loss.svg"
	initHistFile    = "ch06_init_%s.svg" // one per activation: sigmoid, tanh, relu
	initLossFile    = "ch06_init_loss.svg"
	bnHistFile      = "ch06_batchnorm_hist.svg"
	bnLossFile      = "ch06_batchnorm_loss.svg"
	overfitFile     = "ch06_overfit.svg"
	overfitLossFile = "ch06_overfit_loss.svg"
	scheduleFile    = "ch06_schedules.svg"
)

func main() { cli.Main("ch06_sgd_adam", run) }

// config holds the chapter's flags.
type config struct {
	seed   uint64
	svgDir string
	full   bool
	epochs int
	batch  int
	steps  int // steps of the race
	part   int // 1 or 2; 0: both
}

// parseFlags reads the flags; help is true after -h, which prints the usage.
func parseFlags(w io.Writer, args []string) (c config, help bool, err error) {
	fs := flag.NewFlagSet("ch06_sgd_adam", flag.ContinueOnError)
	fs.Uint64Var(&c.seed, "seed", 1, "seed of every random choice (same seed, same output)")
	fs.StringVar(&c.svgDir, "svg", "", "write the chapter's figures (ch06_*.svg) into this folder (e.g. docs/img)")
	fs.BoolVar(&c.full, "full", false, "part 1 on all 8,000 sample digits, tested on 2,000 (default: 2,000 and 500);\npart 2 on 7,000 training digits, with a longer search")
	fs.IntVar(&c.part, "part", 0, "run only part 1 (sections 1–6, optimisers) or part 2 (7–12, training well); 0: both")
	fs.IntVar(&c.epochs, "epochs", 3, "epochs of every digit training run of part 1")
	fs.IntVar(&c.batch, "batch", 32, "mini-batch size of the digit training runs of part 1")
	fs.IntVar(&c.steps, "steps", 30, "steps of each optimiser in the race")
	if help, err := cli.Parse(fs, w, args); help || err != nil {
		return c, help, err
	}
	switch {
	case c.epochs < 1 || c.epochs > 100:
		return c, false, fmt.Errorf("-epochs %d: want 1 to 100", c.epochs)
	case c.batch < 1 || c.batch > 8000:
		return c, false, fmt.Errorf("-batch %d: want a mini-batch size from 1 to 8000", c.batch)
	case c.steps < 1 || c.steps > 10000:
		return c, false, fmt.Errorf("-steps %d: want 1 to 10000 race steps", c.steps)
	case c.part < 0 || c.part > 2:
		return c, false, fmt.Errorf("-part %d: want 1 (optimisers), 2 (training well) or 0 (both)", c.part)
	}
	return c, false, nil
}

func run(w io.Writer, args []string) error {
	c, help, err := parseFlags(w, args)
	if help || err != nil {
		return err
	}
	// Find out now, not after the training, that the figures cannot be written.
	if err := cli.CheckDir(c.svgDir); err != nil {
		return err
	}
	fmt.Fprintln(w, "Chapter 6: optimisers — SGD, Momentum, AdaGrad, RMSProp, Adam — and training well")
	fmt.Fprintln(w)
	var figs []cli.Figure
	if c.part != 2 {
		f, err := part1(w, c)
		if err != nil {
			return err
		}
		figs = append(figs, f...)
	}
	if c.part != 1 {
		f, err := part2(w, c)
		if err != nil {
			return err
		}
		figs = append(figs, f...)
	}
	if c.svgDir == "" {
		return nil
	}
	return cli.WriteFigures(w, c.svgDir, figs...)
}

// part1 runs sections 1 to 6 and returns their figures.
func part1(w io.Writer, c config) ([]cli.Figure, error) {
	fmt.Fprintln(w, "Part 1: optimisers")
	fmt.Fprintln(w)
	rules(w)
	racePlot, err := race(w, c)
	if err != nil {
		return nil, err
	}
	d, err := loadDigits(c.full)
	if err != nil {
		return nil, err
	}
	results, lossPlot, err := compare(w, c, d)
	if err != nil {
		return nil, err
	}
	if err := miniVsFull(w, c, d, results["SGD"]); err != nil {
		return nil, err
	}
	if err := badRates(w, c, d); err != nil {
		return nil, err
	}
	if err := silentFailure(w, c, d); err != nil {
		return nil, err
	}
	fmt.Fprintln(w)
	return []cli.Figure{{Name: raceFile, SVG: racePlot.SVG}, {Name: lossFile, SVG: lossPlot.SVG}}, nil
}

// row prints one line of a table without the trailing blanks that
// left-aligned columns leave behind.
func row(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf(format, args...), " "))
}

// ---------------------------------------------------------------------------
// 1. The update rules

func rules(w io.Writer) {
	fmt.Fprintln(w, "== 1. Five update rules (nn/optimizer.go) ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "g is the gradient of the loss with respect to a weight w; every rule but SGD keeps")
	fmt.Fprintln(w, "some state per weight, starting at 0.")
	for _, r := range [][2]string{
		{"SGD", "w ← w − lr·g"},
		{"Momentum", "v ← μ·v − lr·g;  w ← w + v                        (μ = 0.9)"},
		{"AdaGrad", "h ← h + g²;  w ← w − lr·g / (√h + ε)"},
		{"RMSProp", "h ← ρ·h + (1 − ρ)·g²;  w ← w − lr·g / (√h + ε)      (ρ = 0.99)"},
		{"Adam", "m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²"},
		{"", "m̂ = m / (1 − β1ᵗ);  v̂ = v / (1 − β2ᵗ);  w ← w − lr·m̂ / (√v̂ + ε)"},
	} {
		row(w, "  %-9s %s", r[0], r[1])
	}
	adam := nn.NewAdam(0.001)
	fmt.Fprintf(w, "Article 001's Adam settings, nn.NewAdam(%g): β1 %g, β2 %g, ε %s, lr %g, with bias correction.\n",
		adam.LR, adam.Beta1, adam.Beta2, strings.Replace(fmt.Sprint(adam.Eps), "e-0", "e-", 1), adam.LR)
	fmt.Fprintln(w)

	// One step of Adam and of SGD on three weights whose gradients differ
	// by a factor of a million.
	grads := []float64{0.001, 1, 1000}
	moved := func(opt nn.Optimizer) []float64 {
		p := &nn.Param{Name: "w", Value: nn.New(1, len(grads)), Grad: nn.RowVector(grads...)}
		opt.Step([]*nn.Param{p})
		return p.Value[0]
	}
	sgd := moved(&nn.SGD{LR: 0.001})
	first := moved(nn.NewAdam(0.001))
	fmt.Fprintln(w, "One first step from w = 0, lr 0.001, for three weights with very different gradients:")
	row(w, "  %-28s %-12s %-12s %s", "gradient g", "0.001", "1", "1000")
	row(w, "  %-28s %-12.6f %-12.6f %.6f", "SGD moves w by", sgd[0], sgd[1], sgd[2])
	row(w, "  %-28s %-12.6f %-12.6f %.6f", "Adam moves w by", first[0], first[1], first[2])
	var raw [3]float64
	for i, g := range grads {
		raw[i] = uncorrectedFirstStep(g, adam)
	}
	row(w, "  %-28s %-12.6f %-12.6f %.6f", "Adam without bias correction", raw[0], raw[1], raw[2])
	fmt.Fprintln(w, "Adam's first step is lr for every weight, whatever the size of its gradient. The bias")
	fmt.Fprintln(w, "correction matters: m and v start at 0, so without dividing by 1 − β1ᵗ and 1 − β2ᵗ")
	fmt.Fprintln(w, "the first steps would be √1000/10 ≈ 3.16 times too large.")
	fmt.Fprintln(w)
}

// uncorrectedFirstStep is how far Adam's first step would move a weight with
// gradient g if m and v were used without the bias correction: m = (1 − β1)·g
// and v = (1 − β2)·g², so the step is about lr·0.1/√0.001 ≈ 3.16·lr.
func uncorrectedFirstStep(g float64, a *nn.Adam) float64 {
	m := (1 - a.Beta1) * g
	v := (1 - a.Beta2) * g * g
	return -a.LR * m / (math.Sqrt(v) + a.Eps)
}
