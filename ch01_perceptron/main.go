// Chapter 1: from logic gates to layers.
//
// A perceptron computes y = step(w·x + b). With hand-picked weights it is an
// AND, NAND or OR gate; the perceptron learning rule finds such weights from
// examples. No weights make it an XOR gate, because XOR's 1s and 0s cannot be
// split by one straight line, but a hidden layer of step units (a layer, and
// a nonlinearity) computes XOR easily.
// Finally: why the step function gives gradient descent nothing to work with.
//
//	go run ./ch01_perceptron
//	go run ./ch01_perceptron -seed 7 -epochs 50
//	go run ./ch01_perceptron -svg docs/img
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

func main() { cli.Main("ch01_perceptron", run) }

// config holds the command-line flags.
type config struct {
	seed   uint64
	epochs int
	eta    float64
	svgDir string
}

// parseFlags reads the flags; help is true after -h, which prints the usage.
func parseFlags(w io.Writer, args []string) (c config, help bool, err error) {
	fs := flag.NewFlagSet("ch01_perceptron", flag.ContinueOnError)
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the random starting weights")
	fs.IntVar(&c.epochs, "epochs", 100, "most passes over the four samples the learning rule may take (1..100000)")
	fs.Float64Var(&c.eta, "lr", 0.1, "learning rate η of the perceptron rule (> 0)")
	fs.StringVar(&c.svgDir, "svg", "", "write the chapter's figures (ch01_*.svg) into this existing `directory`")
	if help, err := cli.Parse(fs, w, args); help || err != nil {
		return c, help, err
	}
	if c.epochs < 1 || c.epochs > 100000 {
		return c, false, fmt.Errorf("-epochs %d: want a number from 1 to 100000", c.epochs)
	}
	if !(c.eta > 0) || math.IsInf(c.eta, 0) {
		return c, false, fmt.Errorf("-lr %g: want a positive number such as 0.1", c.eta)
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
	gates(w)
	runs := learning(w, c)
	twoLayers(w)
	stepBlocksGradients(w)
	if c.svgDir != "" {
		return writeFigures(w, c.svgDir, runs)
	}
	return nil
}

func heading(w io.Writer, s string) { fmt.Fprintf(w, "\n== %s ==\n\n", s) }

// ---------------------------------------------------------------------------
// 1. Perceptrons as logic gates

func gates(w io.Writer) {
	fmt.Fprintln(w, "Chapter 1: from logic gates to layers")
	heading(w, "1. A perceptron: y = step(w·x + b)")
	fmt.Fprintln(w, "A perceptron multiplies each input by a weight, adds a bias, and fires")
	fmt.Fprintln(w, "(y = 1) when the sum is above 0. Only the weights tell one gate from another:")
	wrong := 0
	for _, g := range []struct {
		name string
		p    Perceptron
		tk   task
	}{{"AND", andGate, andTask}, {"NAND", nandGate, task{"NAND", []float64{1, 1, 1, 0}}}, {"OR", orGate, orTask}} {
		fmt.Fprintf(w, "\n%s   w = (%.1f, %.1f)   b = %.1f\n", g.name, g.p.W[0], g.p.W[1], g.p.B)
		wrong += truthTable(w, g.p, g.tk)
	}
	fmt.Fprintf(w, "\nRows that disagree with the gates' truth tables: %d of 12.\n", wrong)
}

// truthTable prints x1 x2 | w·x+b | y for the four inputs and returns how
// many outputs differ from the task's targets (marked with "✗").
func truthTable(w io.Writer, p Perceptron, tk task) (wrong int) {
	fmt.Fprintln(w, "  x1 x2 | w·x+b |  y")
	fmt.Fprintln(w, "  ------+-------+---")
	for i, x := range inputs {
		y := p.Output(x)
		mark := ""
		if y != tk.targets[i] {
			mark = "   ✗ want " + fmt.Sprint(tk.targets[i])
			wrong++
		}
		fmt.Fprintf(w, "  %2.0f %2.0f | %5.2f | %2.0f%s\n", x[0], x[1], p.Sum(x), y, mark)
	}
	return wrong
}

// ---------------------------------------------------------------------------
// 2. The perceptron learning rule

func learning(w io.Writer, c config) map[string]trainResult {
	heading(w, "2. Learning the weights: the perceptron rule")
	rng := rand.New(rand.NewPCG(c.seed, 0xC01))
	start := randomPerceptron(rng, 2)
	fmt.Fprintln(w, "Instead of choosing weights, start from random ones and show the perceptron")
	fmt.Fprintln(w, "the four samples in order. After each mistake, move the weights towards the")
	fmt.Fprintf(w, "right answer (η = %g; t is the target, y the output):\n\n", c.eta)
	fmt.Fprintln(w, "    w ← w + η(t − y)x        b ← b + η(t − y)")
	fmt.Fprintln(w, "\nA right answer has t − y = 0 and changes nothing. One epoch is one pass over")
	fmt.Fprintln(w, "the four samples; training stops after an epoch without a mistake.")
	fmt.Fprintf(w, "\nStarting weights (seed %d): w = (%.4f, %.4f), b = %.4f\n", c.seed, start.W[0], start.W[1], start.B)

	runs := map[string]trainResult{}
	for _, tk := range []task{andTask, orTask} {
		r := train(start, tk, c.eta, c.epochs)
		runs[tk.name] = r
		fmt.Fprintf(w, "\n%s\n", tk.name)
		epochTable(w, r.errors)
		if r.converged {
			fmt.Fprintf(w, "converged after %d epochs: w = (%.4f, %.4f), b = %.4f\n",
				len(r.errors), r.final.W[0], r.final.W[1], r.final.B)
		} else {
			fmt.Fprintf(w, "not converged within %d epochs (try a larger -epochs)\n", c.epochs)
		}
		truthTable(w, r.final, tk)
	}

	r := train(start, xorTask, c.eta, c.epochs)
	runs["XOR"] = r
	fmt.Fprintf(w, "\nXOR\n")
	epochTable(w, r.errors)
	if r.converged {
		// Cannot happen: no line separates XOR. Say so if it ever did.
		fmt.Fprintf(w, "converged after %d epochs?! (this would contradict the proof below)\n", len(r.errors))
	} else {
		fewest := r.errors[0]
		for _, e := range r.errors {
			fewest = min(fewest, e)
		}
		fmt.Fprintf(w, "no epoch without mistakes in %d epochs; the fewest mistakes in an epoch: %d\n", c.epochs, fewest)
		fmt.Fprintf(w, "final weights: w = (%.4f, %.4f), b = %.4f, which get %d of 4 right:\n",
			r.final.W[0], r.final.W[1], r.final.B, 4-countWrong(r.final, xorTask))
		truthTable(w, r.final, xorTask)
	}
	whyNotXOR(w)
	return runs
}

func countWrong(p Perceptron, tk task) int {
	n := 0
	for i, x := range inputs {
		if p.Output(x) != tk.targets[i] {
			n++
		}
	}
	return n
}

// epochTable prints the mistakes per epoch as two aligned rows. A long run
// shows its first 12 and last 5 epochs.
func epochTable(w io.Writer, errs []int) {
	const head, tail = 12, 5
	var idx []int
	for i := range errs {
		if len(errs) <= head+tail+1 || i < head || i >= len(errs)-tail {
			idx = append(idx, i)
		}
	}
	var top, bottom strings.Builder
	top.WriteString("  epoch  |")
	bottom.WriteString("  errors |")
	for k, i := range idx {
		if k > 0 && idx[k-1] != i-1 {
			top.WriteString("  …")
			bottom.WriteString("   ")
		}
		width := len(fmt.Sprint(i + 1))
		fmt.Fprintf(&top, " %*d", width, i+1)
		fmt.Fprintf(&bottom, " %*d", width, errs[i])
	}
	fmt.Fprintln(w, top.String())
	fmt.Fprintln(w, bottom.String())
}

// whyNotXOR shows the four XOR points, proves that no line separates them,
// and backs the proof with a search over many lines.
func whyNotXOR(w io.Writer) {
	fmt.Fprintln(w, "\nWhy XOR never converges. A perceptron fires on one side of the straight line")
	fmt.Fprintln(w, "w1·x1 + w2·x2 + b = 0. XOR wants the 1s (●) on one side and the 0s (○) on")
	fmt.Fprintln(w, "the other, but they sit on opposite corners of the square:")
	fmt.Fprintln(w, `
     x2
      1 |  ●(0,1)=1      ○(1,1)=0
        |
        |
      0 |  ○(0,0)=0      ●(1,0)=1
        +------------------------- x1
           0             1`)
	fmt.Fprintln(w, "\nAny line that fired on exactly the XOR 1s would need")
	fmt.Fprintln(w, "    (0,0) → 0:  b ≤ 0             (1,0) → 1:  w1 + b > 0")
	fmt.Fprintln(w, "    (0,1) → 1:  w2 + b > 0        (1,1) → 0:  w1 + w2 + b ≤ 0")
	fmt.Fprintln(w, "Adding the two middle ones: w1 + w2 + 2b > 0, so w1 + w2 + b > −b ≥ 0,")
	fmt.Fprintln(w, "which breaks the last one. No such line exists.")
	fmt.Fprintln(w, "\nTrying every line with w1, w2, b in {−2.0, −1.9, …, 2.0}:")
	fmt.Fprintln(w, "  task | lines tried | lines with 4 of 4 right | most right")
	fmt.Fprintln(w, "  -----+-------------+-------------------------+-----------")
	for _, tk := range []task{andTask, orTask, xorTask} {
		lines, perfect, best := separatingLines(tk)
		fmt.Fprintf(w, "  %-4s | %11s | %23s | %d of 4\n", tk.name, nn.Thousands(lines), nn.Thousands(perfect), best)
	}
	fmt.Fprintln(w, "\nOn XOR the rule keeps fixing one corner by breaking another, forever.")
}

// ---------------------------------------------------------------------------
// 3. Two layers compute XOR

func twoLayers(w io.Writer) {
	heading(w, "3. Two layers: XOR = AND(NAND(x), OR(x))")
	fmt.Fprintln(w, "One line cannot do it, but two can: NAND is 0 only at (1,1), OR is 0 only")
	fmt.Fprintln(w, "at (0,0). A hidden layer of these two perceptrons maps the four corners to")
	fmt.Fprintln(w, "new points (s1, s2), and there XOR's 1s are exactly where both are 1, which")
	fmt.Fprintln(w, "an AND perceptron can pick out:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  x1 x2 | s1 = NAND  s2 = OR | y = AND(s1, s2) | XOR")
	fmt.Fprintln(w, "  ------+--------------------+-----------------+----")
	wrong := 0
	for i, x := range inputs {
		s1, s2, y := twoLayerXOR(x)
		if y != xorTask.targets[i] {
			wrong++
		}
		fmt.Fprintf(w, "  %2.0f %2.0f | %6.0f %9.0f    | %9.0f       | %2.0f\n", x[0], x[1], s1, s2, y, xorTask.targets[i])
	}
	fmt.Fprintf(w, "\nWrong rows: %d of 4. The hidden layer adds what one perceptron lacks, and so\n", wrong)
	fmt.Fprintln(w, "does its step: with no activation, two layers collapse into one linear function")
	fmt.Fprintln(w, "(chapter 2 shows why), which draws one line again. Both are needed. Here the")
	fmt.Fprintln(w, "weights were chosen by hand; the next chapters learn them.")
}

// ---------------------------------------------------------------------------
// 4. The bridge to chapter 2

func stepBlocksGradients(w io.Writer) {
	heading(w, "4. Why the step function blocks gradient descent")
	fmt.Fprintln(w, "Gradient descent, the way every later chapter learns, nudges each weight a")
	fmt.Fprintln(w, "little and follows how the output (and so the loss) changes. Nudge w1 of the")
	fmt.Fprintln(w, "AND perceptron, input (1, 1), where w·x + b = 0.3:")
	fmt.Fprintln(w)
	x := []float64{1, 1}
	fmt.Fprintln(w, "  nudge h | w·x+b  | y | change in y")
	fmt.Fprintln(w, "  --------+--------+---+------------")
	y0 := andGate.Output(x)
	for _, h := range []float64{0, 0.1, 0.01, 0.0001, -0.0001, -0.01, -0.1} {
		p := Perceptron{W: []float64{andGate.W[0] + h, andGate.W[1]}, B: andGate.B}
		fmt.Fprintf(w, "  %7g | %6.4f | %.0f | %g\n", h, p.Sum(x), p.Output(x), p.Output(x)-y0)
	}
	fmt.Fprintln(w, "\nThe change is exactly 0: step is flat on both sides, its derivative is 0")
	fmt.Fprintln(w, "everywhere except at 0, where it jumps. The numerical gradient of y with")
	fmt.Fprintln(w, "respect to (w1, w2, b), central difference with h = 1e-4 (nn.NumericalGradient):")
	for _, in := range inputs {
		grad := nn.NumericalGradient(func(p []float64) float64 {
			return nn.Step(p[0]*in[0] + p[1]*in[1] + p[2])
		}, []float64{andGate.W[0], andGate.W[1], andGate.B})
		fmt.Fprintf(w, "  x = (%.0f, %.0f):  %v\n", in[0], in[1], grad)
	}
	fmt.Fprintln(w, "\nAnd right at the jump (w·x + b = 0) the difference quotient has no limit:")
	for _, h := range []float64{0.1, 0.01, 0.0001} {
		fmt.Fprintf(w, "  h = %-6g  (step(h) − step(−h)) / 2h = %g\n", h, (nn.Step(h)-nn.Step(-h))/(2*h))
	}
	fmt.Fprintln(w, "\nSo the loss as a function of a weight is a staircase. Here is the loss")
	fmt.Fprintln(w, "½Σ(t − y)² of the AND task as w1 moves (w2 = 0.5 and b = −0.7 held), with the")
	fmt.Fprintln(w, "step output, and with a smooth sigmoid σ(z) = 1/(1 + e^−z) in its place:")
	fmt.Fprintln(w)
	p := lossPlot()
	p.ASCII(w, 50, 10)
	fmt.Fprintln(w, "\nThe staircase is flat almost everywhere: its slope says nothing about which")
	fmt.Fprintln(w, "way to go. The sigmoid curve slopes towards lower loss everywhere. With σ in")
	fmt.Fprintln(w, "place of step, the same numerical gradient on input (1, 1) is")
	grad := nn.NumericalGradient(func(p []float64) float64 {
		return nn.Sigmoid(p[0] + p[1] + p[2])
	}, []float64{andGate.W[0], andGate.W[1], andGate.B})
	fmt.Fprintf(w, "  (%.6f, %.6f, %.6f) = σ'(0.3)·(x1, x2, 1), σ'(0.3) = %.6f\n", grad[0], grad[1], grad[2], nn.SigmoidGrad(0.3))
	fmt.Fprintln(w, "a small but honest signal. Chapter 2 compares step, sigmoid, tanh and ReLU.")
}

// andLoss is ½Σ(t − f(w1·x1 + 0.5·x2 − 0.7))² over the AND samples.
func andLoss(w1 float64, f func(float64) float64) float64 {
	loss := 0.0
	for i, x := range inputs {
		d := andTask.targets[i] - f(w1*x[0]+andGate.W[1]*x[1]+andGate.B)
		loss += d * d / 2
	}
	return loss
}

// lossPlot draws the AND loss against w1 for step and sigmoid outputs.
func lossPlot() nn.Plot {
	var xs, step, sig []float64
	for i := 0; i <= 200; i++ {
		w1 := -2 + 4*float64(i)/200
		xs = append(xs, w1)
		step = append(step, andLoss(w1, nn.Step))
		sig = append(sig, andLoss(w1, nn.Sigmoid))
	}
	return nn.Plot{
		Title:  "AND loss as w1 varies (w2 = 0.5, b = -0.7)",
		XLabel: "w1", YLabel: "loss ½Σ(t − y)²",
		Series: []nn.Series{
			{Name: "with step", X: xs, Y: step},
			{Name: "with sigmoid", X: xs, Y: sig},
		},
		XMin: -2, XMax: 2, YMin: 0, YMax: 0.6,
	}
}
