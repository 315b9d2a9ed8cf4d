// Chapter 4: measuring wrongness, numerical gradients.
//
// A loss turns "how wrong is this prediction" into one number: the
// mean-squared error and the cross-entropy, on the classic ten-class example.
// Then the derivative of a loss found without calculus, by nudging each input
// (the central difference), gradient descent walking downhill on
// f(x0, x1) = x0² + x1² with a good, a far too large and a far too small
// learning rate, and finally article 003's quadrant task: a 2-50-4 network
// whose loss falls using nothing but numerical gradients.
//
//	go run ./ch04_loss
//	go run ./ch04_loss -steps 200 -lr 0.5
//	go run ./ch04_loss -svg docs/img
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

func main() { cli.Main("ch04_loss", run) }

// config holds the command-line flags.
type config struct {
	seed   uint64
	steps  int
	lr     float64
	svgDir string
}

// maxSteps bounds -steps: each step of numerical descent on the quadrant
// network costs 708 forward passes.
const maxSteps = 5000

// parseFlags reads the flags; help is true after -h, which prints the usage.
func parseFlags(w io.Writer, args []string) (c config, help bool, err error) {
	fs := flag.NewFlagSet("ch04_loss", flag.ContinueOnError)
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the quadrant network's random starting weights")
	fs.IntVar(&c.steps, "steps", 40, fmt.Sprintf("gradient descent steps on the quadrant network (1..%d)", maxSteps))
	fs.Float64Var(&c.lr, "lr", 0.1, "learning rate of the quadrant network's descent (> 0)")
	fs.StringVar(&c.svgDir, "svg", "", "write the chapter's figure (ch04_descent.svg) into this existing `directory`")
	if help, err := cli.Parse(fs, w, args); help || err != nil {
		return c, help, err
	}
	if c.steps < 1 || c.steps > maxSteps {
		return c, false, fmt.Errorf("-steps %d: want a number from 1 to %d", c.steps, maxSteps)
	}
	if !(c.lr > 0) || math.IsInf(c.lr, 0) {
		return c, false, fmt.Errorf("-lr %g: want a positive number such as 0.1", c.lr)
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
	fmt.Fprintln(w, "Chapter 4: measuring wrongness, numerical gradients")
	twoLosses(w)
	naturalLog(w)
	batchLoss(w)
	whyCrossEntropy(w)
	numericalDerivatives(w)
	runs, err := descent(w)
	if err != nil {
		return err
	}
	if err := quadrants(w, c); err != nil {
		return err
	}
	if c.svgDir == "" {
		return nil
	}
	fmt.Fprintln(w)
	return cli.WriteFigures(w, c.svgDir, cli.Figure{Name: descentFigure, SVG: descentPlot(runs[0], runs[1], false).SVG})
}

func heading(w io.Writer, s string) { fmt.Fprintf(w, "\n== %s ==\n\n", s) }

// num formats a number with up to 8 significant digits and no trailing zeros.
func num(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

// vec formats a slice as "[0.1, 0.05, 0.6]".
func vec(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = num(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// vecf formats a slice with a fixed format for every element.
func vecf(format string, v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf(format, x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// oneHot returns a vector of n zeros with a 1 at index k.
func oneHot(k, n int) []float64 {
	t := make([]float64, n)
	t[k] = 1
	return t
}

// ---------------------------------------------------------------------------
// 1. MSE and cross-entropy

// The classic example: ten probabilities (a softmax output) for the digits
// 0..9; the right answer is 2.
var (
	yRight = []float64{0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0}
	yWrong = []float64{0.1, 0.05, 0.1, 0, 0.05, 0.1, 0, 0.6, 0, 0}
	tTwo   = oneHot(2, 10)
)

func twoLosses(w io.Writer) {
	heading(w, "1. Two ways to measure wrongness")
	fmt.Fprintln(w, "A network for digits ends in ten probabilities y; the label becomes a one-hot")
	fmt.Fprintln(w, "target t with a 1 at the right digit. A loss compares the two:")
	fmt.Fprintln(w, "  mean-squared error  MSE = ½ Σ_k (y_k − t_k)²")
	fmt.Fprintln(w, "  cross-entropy       CE  = −Σ_k t_k ln y_k  = −ln(y of the right digit)")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "t = %s   (the digit is 2)\n", vec(tTwo))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  prediction y\tbest guess\tMSE\tCE")
	for _, y := range [][]float64{yRight, yWrong} {
		fmt.Fprintf(tw, "  %s\t%d\t%.4f\t%.4f\n", vec(y), nn.Argmax(y), nn.MSE(y, tTwo), nn.CrossEntropy(y, tTwo))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The first prediction gives the right digit 0.6 and both losses are small. The")
	fmt.Fprintln(w, "second moves that 0.6 to the digit 7: the right digit keeps only 0.1, and")
	fmt.Fprintln(w, "both losses grow. MSE looks at all ten numbers; CE only at the one the label")
	fmt.Fprintln(w, "points to, −ln 0.6 = 0.5108 against −ln 0.1 = 2.3026. The ½ in MSE is there")
	fmt.Fprintln(w, "so that its derivative is simply y − t.")
}

// ---------------------------------------------------------------------------
// 2. ln, not log10

func naturalLog(w io.Writer) {
	heading(w, "2. The logarithm is the natural one")
	fmt.Fprintln(w, "Cross-entropy uses ln, the logarithm to base e. A right-class probability of")
	fmt.Fprintln(w, "0.9 costs −ln 0.9; base 10 gives a number 2.3 times smaller:")
	fmt.Fprintf(w, "  −ln 0.9    = %.4f   (cross-entropy)\n", -math.Log(0.9))
	fmt.Fprintf(w, "  −log10 0.9 = %.4f   (article 003's 0.046)\n", -math.Log10(0.9))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The loss of the right class's probability p, and what happens at p = 0:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  p\t−ln p\tnn.CrossEntropy")
	for _, p := range []float64{1, 0.9, 0.6, 0.1, 0.01, 1e-6, 0} {
		y := []float64{p, 1 - p}
		fmt.Fprintf(tw, "  %s\t%s\t%.4f\n", num(p), fixed(-math.Log(p), 4), nn.CrossEntropy(y, []float64{1, 0}))
	}
	tw.Flush()
	fmt.Fprintln(w, "At p = 0, −ln p is +Inf, and one +Inf (or the NaN of 0·ln 0) spoils a whole")
	fmt.Fprintln(w, "batch's mean. nn.CrossEntropy skips the classes whose target is 0 and clamps")
	fmt.Fprintln(w, "p at 1e-15, so the worst possible loss is −ln 1e-15 = 34.5388: large, finite.")
}

// ---------------------------------------------------------------------------
// 3. One-hot labels, mean loss over a batch

func batchLoss(w io.Writer) {
	heading(w, "3. One-hot labels and the mean over a batch")
	labels := []int{2, 2, 7}
	t := nn.OneHot(labels, 10)
	y := nn.FromRows([][]float64{yRight, yWrong, yWrong})
	fmt.Fprintf(w, "nn.OneHot(%v, 10) turns a batch of labels into a %s target matrix:\n", labels, t.Shape())
	for _, row := range t {
		fmt.Fprintf(w, "  %s\n", vec(row))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "With the predictions of section 1 (the third sample really is a 7, so the")
	fmt.Fprintln(w, "second prediction is right for it):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  sample\tlabel\ty of the label\tMSE\tCE")
	for i := range y {
		fmt.Fprintf(tw, "  %d\t%d\t%s\t%.4f\t%.4f\n", i, labels[i], num(y[i][labels[i]]), nn.MSE(y[i], t[i]), nn.CrossEntropy(y[i], t[i]))
	}
	fmt.Fprintf(tw, "  mean\t\t\t%.4f\t%.4f\n", nn.MeanMSE(y, t), nn.MeanCrossEntropy(y, t))
	tw.Flush()
	fmt.Fprintln(w, "nn.MeanMSE and nn.MeanCrossEntropy average over the rows: a batch of any size")
	fmt.Fprintln(w, "gives a loss on the same scale, and so do learning rates tuned on it.")
}

// ---------------------------------------------------------------------------
// 4. Why cross-entropy goes with softmax

func whyCrossEntropy(w io.Writer) {
	heading(w, "4. Why cross-entropy goes with softmax: the gradient p − t")
	fmt.Fprintln(w, "A classifier outputs scores z (logits) and p = softmax(z). How hard does each")
	fmt.Fprintln(w, "loss push on the score of the right class? Four classes, the right one is 0;")
	fmt.Fprintln(w, "the slopes ∂loss/∂z are found numerically (nn.NumericalGradient):")
	fmt.Fprintln(w)
	t := oneHot(0, 4)
	ce := func(z []float64) float64 { return nn.CrossEntropy(nn.Softmax(z), t) }
	mse := func(z []float64) float64 { return nn.MSE(nn.Softmax(z), t) }
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  prediction\tlogits z\tp of class 0\tCE\t∂CE/∂z0\tp0 − t0\tMSE\t∂MSE/∂z0")
	var wrongZ []float64
	for _, c := range []struct {
		name string
		z    []float64
	}{
		{"confidently wrong", []float64{-4, 0, 4, 0}},
		{"unsure", []float64{0, 0, 0, 0}},
		{"leaning right", []float64{2, 0, 0, 0}},
		{"confidently right", []float64{6, 0, 0, 0}},
	} {
		if wrongZ == nil {
			wrongZ = c.z
		}
		p := nn.Softmax(c.z)
		gCE, gMSE := nn.NumericalGradient(ce, c.z), nn.NumericalGradient(mse, c.z)
		fmt.Fprintf(tw, "  %s\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n",
			c.name, vec(c.z), p[0], ce(c.z), gCE[0], p[0]-t[0], mse(c.z), gMSE[0])
	}
	tw.Flush()
	fmt.Fprintln(w)
	p := nn.Softmax(wrongZ)
	fmt.Fprintf(w, "The confidently wrong case in full, z = %s:\n", vec(wrongZ))
	fmt.Fprintf(w, "  p              = %s\n", vecf("%.6f", p))
	fmt.Fprintf(w, "  p − t          = %s\n", vecf("%.6f", sub(p, t)))
	fmt.Fprintf(w, "  ∂CE/∂z  (num.) = %s\n", vecf("%.6f", nn.NumericalGradient(ce, wrongZ)))
	fmt.Fprintf(w, "  ∂MSE/∂z (num.) = %s\n", vecf("%.6f", nn.NumericalGradient(mse, wrongZ)))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "With cross-entropy the slope is exactly p − t: the more wrong, the harder the")
	fmt.Fprintln(w, "push (almost −1 on the right class here). MSE reaches the scores through")
	fmt.Fprintln(w, "softmax's own slope p(1 − p), which is near 0 whenever p is near 0 or 1: the")
	fmt.Fprintln(w, "confidently wrong network gets almost no signal to change its mind, less")
	fmt.Fprintln(w, "than the unsure one. Chapter 5 derives p − t by the chain rule.")
}

func sub(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}
