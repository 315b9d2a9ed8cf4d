// Chapter 5: backpropagation. Every node of a network knows one local rule:
// given the gradient of the loss with respect to its output, it hands back
// the gradient with respect to its inputs. Chained from the loss down to the
// first layer, these rules give every gradient for about the cost of two
// forward passes (a Dense layer's backward pass does two products, its forward
// pass one), where chapter 4's numerical gradient needed two forward passes
// per parameter.
//
//	go run ./ch05_backprop               # the whole chapter
//	go run ./ch05_backprop -svg docs/img # also draw the decision regions
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"nnfromscratch/data"
	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// The second word of each PCG seed of this chapter: one stream per
// experiment, so that changing one experiment leaves the others' numbers alone.
const (
	articleStream  = 5  // the 784-25-25-10 network of section 2
	checkStream    = 12 // the small networks of the gradient check
	quadrantStream = 7  // the 2-50-4 quadrant classifier
)

// regionsFile is the figure -svg writes.
const regionsFile = "ch05_regions.svg"

func main() { cli.Main("ch05_backprop", run) }

// config holds the chapter's flags.
type config struct {
	seed   uint64
	svgDir string
	lr     float64 // learning rate of the quadrant classifier
	steps  int     // its training steps
}

// parseFlags reads the flags; help is true after -h, which prints the usage.
func parseFlags(w io.Writer, args []string) (c config, help bool, err error) {
	fs := flag.NewFlagSet("ch05_backprop", flag.ContinueOnError)
	fs.Uint64Var(&c.seed, "seed", 1, "seed of every random choice (same seed, same output)")
	fs.StringVar(&c.svgDir, "svg", "", "write the figure "+regionsFile+" into this folder (e.g. docs/img)")
	fs.Float64Var(&c.lr, "lr", 0.1, "learning rate of the quadrant classifier (section 5)")
	fs.IntVar(&c.steps, "steps", 1000, "training steps of the quadrant classifier (section 5)")
	if help, err := cli.Parse(fs, w, args); help || err != nil {
		return c, help, err
	}
	if !(c.lr > 0) || math.IsInf(c.lr, 0) {
		return c, false, fmt.Errorf("-lr %g: the learning rate must be a positive number, e.g. -lr 0.1", c.lr)
	}
	if c.steps < 1 || c.steps > 1_000_000 {
		return c, false, fmt.Errorf("-steps %d: want 1 to 1000000 training steps", c.steps)
	}
	return c, false, nil
}

func run(w io.Writer, args []string) error {
	c, help, err := parseFlags(w, args)
	if help || err != nil {
		return err
	}
	// Find out now, not after the work, that the figure cannot be written.
	if err := cli.CheckDir(c.svgDir); err != nil {
		return err
	}
	fmt.Fprintln(w, "Chapter 5: backpropagation, the chain rule one layer at a time")
	fmt.Fprintln(w)

	localRules(w)
	if err := article001(w, c.seed); err != nil {
		return err
	}
	fanOut(w)
	gradientCheck(w, c.seed)
	regions, err := quadrants(w, c)
	if err != nil || c.svgDir == "" {
		return err
	}
	fmt.Fprintln(w)
	return cli.WriteFigures(w, c.svgDir, cli.Figure{Name: regionsFile, SVG: regions.SVG})
}

// agreement prints a relative error between two gradients as the decade it
// falls in ("< 1e-8"), down to "< 1e-9" for anything smaller. The last digits
// of such tiny numbers depend on how the CPU rounds (arm64 fuses multiply
// and add, amd64 does not); the decade does not. From 1e-3 up, the gradients
// disagree: a bug.
func agreement(e float64) string {
	switch {
	case e >= 1e-3:
		return fmt.Sprintf("%.2f  WRONG", e)
	case e < 1e-9:
		return "< 1e-9"
	}
	return fmt.Sprintf("< 1e-%d", int(math.Floor(-math.Log10(e))))
}

// row prints one line of a table without the trailing blanks that
// left-aligned columns leave behind.
func row(w io.Writer, format string, args ...any) {
	fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf(format, args...), " "))
}

// indent prints a matrix (4 decimals, one row per line) under a label.
func indent(w io.Writer, label string, m nn.Matrix) {
	rows := []byte(m.String())
	fmt.Fprintf(w, "  %-22s ", label)
	for _, b := range rows {
		w.Write([]byte{b})
		if b == '\n' {
			fmt.Fprintf(w, "  %-22s ", "")
		}
	}
	fmt.Fprintln(w)
}

// ---------------------------------------------------------------------------
// 1. Local rules

func localRules(w io.Writer) {
	fmt.Fprintln(w, "== 1. Backward passes as local rules ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "A tiny graph: q = x·y, then f = q + c, with x = 2, y = -3, c = 4.")
	x, y, c := 2.0, -3.0, 4.0
	q := x * y
	f := q + c
	fmt.Fprintf(w, "  forward:  q = x·y = %g    f = q + c = %g\n", q, f)
	// Backward, from df/df = 1 down. Each node only needs its own inputs.
	df := 1.0
	dq, dc := df, df     // add: passes the gradient through to both inputs
	dx, dy := y*dq, x*dq // multiply: each input gets the OTHER input times dout
	fmt.Fprintf(w, "  backward: df/df = %g\n", df)
	fmt.Fprintf(w, "            add node      passes it through:   df/dq = %g, df/dc = %g\n", dq, dc)
	fmt.Fprintf(w, "            multiply node swaps its inputs:    df/dx = y·df/dq = %g, df/dy = x·df/dq = %g\n", dx, dy)
	num := nn.NumericalGradient(func(v []float64) float64 { return v[0]*v[1] + v[2] }, []float64{x, y, c})
	fmt.Fprintf(w, "  numerical (central difference): df/dx = %.4f, df/dy = %.4f, df/dc = %.4f\n", num[0], num[1], num[2])
	fmt.Fprintln(w)

	fmt.Fprintln(w, "The same rules, on matrices, are the layers of nn/layer.go. Each is checked")
	fmt.Fprintln(w, "against nn.NumericalGradientMatrix on the scalar L = Σ out ⊙ dout, whose")
	fmt.Fprintln(w, "gradient with respect to the layer's output is exactly dout.")
	fmt.Fprintln(w)
	denseRule(w)
	activationRule(w, "ReLU: dx = dout ⊙ [out > 0]", &nn.ReLULayer{})
	activationRule(w, "Sigmoid: dx = dout ⊙ out ⊙ (1 − out)", &nn.SigmoidLayer{})
	softmaxRule(w)
}

// probe is the scalar L = Σ out ⊙ dout: its gradient with respect to out is
// dout, so backprop and the numerical gradient of L must agree on every input.
func probe(out, dout nn.Matrix) float64 {
	return nn.Hadamard(out, dout).Sum()
}

func denseRule(w io.Writer) {
	fmt.Fprintln(w, "Dense (affine) layer, out = x·W + b (the z of a layer), batch of 2, 3 inputs,")
	fmt.Fprintln(w, "2 outputs:")
	d := nn.NewDense(3, 2)
	d.W = nn.FromRows([][]float64{{0.1, -0.2}, {0.4, 0.3}, {-0.5, 0.2}})
	d.B = nn.RowVector(0.1, -0.1)
	x := nn.FromRows([][]float64{{1, 2, -1}, {0.5, -1, 3}})
	dout := nn.FromRows([][]float64{{1, -2}, {0.5, 0.25}})
	out := d.Forward(x).Clone()
	dx := d.Backward(dout).Clone()
	dW, db := d.DW.Clone(), d.DB.Clone()
	indent(w, "W", d.W)
	indent(w, "b", d.B)
	indent(w, "x", x)
	indent(w, "out = x·W + b", out)
	indent(w, "dout (given)", dout)
	indent(w, "dW = xᵀ·dout", dW)
	indent(w, "db = Σ rows of dout", db)
	indent(w, "dx = dout·Wᵀ", dx)
	loss := func() float64 { return probe(d.Forward(x), dout) }
	fmt.Fprintf(w, "  rel error vs numerical:  dW %s   db %s   dx %s\n",
		agreement(nn.RelError(dW, nn.NumericalGradientMatrix(loss, d.W))),
		agreement(nn.RelError(db, nn.NumericalGradientMatrix(loss, d.B))),
		agreement(nn.RelError(dx, nn.NumericalGradientMatrix(loss, x))))
	fmt.Fprintln(w)
}

func activationRule(w io.Writer, title string, l nn.Layer) {
	fmt.Fprintln(w, title)
	x := nn.FromRows([][]float64{{1.5, -0.5, 0.2}, {-2, 3, -0.1}})
	dout := nn.FromRows([][]float64{{0.3, -1, 2}, {1, -0.5, 0.7}})
	out := l.Forward(x).Clone()
	dx := l.Backward(dout).Clone()
	indent(w, "x", x)
	indent(w, "out", out)
	indent(w, "dout (given)", dout)
	indent(w, "dx", dx)
	num := nn.NumericalGradientMatrix(func() float64 { return probe(l.Forward(x), dout) }, x)
	fmt.Fprintf(w, "  rel error vs numerical:  dx %s\n", agreement(nn.RelError(dx, num)))
	fmt.Fprintln(w)
}

func softmaxRule(w io.Writer) {
	fmt.Fprintln(w, "Softmax + cross-entropy, fused: dlogits = (p − t) / batch")
	logits := nn.FromRows([][]float64{{2, 1, 0.1}, {0.5, 2.5, -1}})
	t := nn.OneHot([]int{0, 2}, 3)
	var head nn.SoftmaxCrossEntropy
	loss := head.Forward(logits, t)
	p := head.P.Clone()
	dx := head.Backward().Clone()
	indent(w, "logits", logits)
	indent(w, "t (one-hot)", t)
	indent(w, "p = softmax(logits)", p)
	fmt.Fprintf(w, "  %-22s %.4f\n", "loss (mean CE)", loss)
	indent(w, "(p − t) / 2", dx)
	num := nn.NumericalGradientMatrix(func() float64 { return head.Forward(logits, t) }, logits)
	fmt.Fprintf(w, "  rel error vs numerical:  dlogits %s\n", agreement(nn.RelError(dx, num)))
	fmt.Fprintln(w, "  The softmax and the log of the loss cancel: no exponentials in the backward pass.")
	fmt.Fprintln(w)
}

// ---------------------------------------------------------------------------
// 2. Article 001's equations

// step is one line of the backward pass of the 784-25-25-10 network.
type step struct {
	name     string    // our name for the quantity
	article  string    // article 001's formula (column vectors)
	ours     string    // the same in row-vector form, as the code computes it
	artShape string    // its shape in the article's convention
	m        nn.Matrix // the quantity itself
}

func article001(w io.Writer, seed uint64) error {
	fmt.Fprintln(w, "== 2. Article 001's backward pass, line by line ==")
	fmt.Fprintln(w)
	train, _, err := data.SampleSplit()
	if err != nil {
		return err
	}
	x := nn.FromPixels(train.Image(0), train.Rows*train.Cols)
	label := int(train.Labels[0])
	t := nn.OneHot([]int{label}, 10)
	net, err := nn.NewMLP([]int{784, 25, 25, 10}, "relu", rand.New(rand.NewPCG(seed, articleStream)))
	if err != nil {
		return err
	}
	loss := net.Loss(x, t)
	fmt.Fprintf(w, "Network %s, untrained; one training digit, a %d.\n", net, label)
	fmt.Fprintf(w, "Forward: x 1×784 → z1 1×25 → a1 1×25 → z2 1×25 → a2 1×25 → z3 1×10 → p 1×10\n")
	fmt.Fprintln(w, "(z: a layer's weighted sum, a = ReLU(z) its activation; article 001 writes h for a.)")
	fmt.Fprintf(w, "p(%d) = %.4f, loss = -ln p(%d) = %.4f\n", label, net.Head.P[0][label], label, loss)
	fmt.Fprintln(w)

	// The backward pass of net.Backward, unrolled so we can look at every
	// quantity: Layers are Dense1, ReLU1, Dense2, ReLU2, Dense3.
	d1, d2, d3 := net.Dense()[0], net.Dense()[1], net.Dense()[2]
	dz3 := net.Head.Backward().Clone()
	da2 := d3.Backward(dz3).Clone()
	dW3, db3 := d3.DW.Clone(), d3.DB.Clone()
	dz2 := net.Layers[3].Backward(da2).Clone()
	da1 := d2.Backward(dz2).Clone()
	dW2, db2 := d2.DW.Clone(), d2.DB.Clone()
	dz1 := net.Layers[1].Backward(da1).Clone()
	d1.Backward(dz1) // the first layer skips dx: nothing needs dL/dpixels
	dW1, db1 := d1.DW.Clone(), d1.DB.Clone()

	steps := []step{
		{"dz3", "softmax(z3) − y", "p − t  (÷ batch)", "10×1", dz3},
		{"dW3", "dz3 · h2ᵀ", "a2ᵀ · dz3", "10×25", dW3},
		{"db3", "dz3", "Σ rows of dz3", "10×1", db3},
		{"da2", "W3ᵀ · dz3", "dz3 · W3ᵀ", "25×1", da2},
		{"dz2", "dh2 ⊙ ReLU'(z2)", "da2 ⊙ [a2 > 0]", "25×1", dz2},
		{"dW2", "dz2 · h1ᵀ", "a1ᵀ · dz2", "25×25", dW2},
		{"db2", "dz2", "Σ rows of dz2", "25×1", db2},
		{"da1", "W2ᵀ · dz2", "dz2 · W2ᵀ", "25×1", da1},
		{"dz1", "dh1 ⊙ ReLU'(z1)", "da1 ⊙ [a1 > 0]", "25×1", dz1},
		{"dW1", "dz1 · xᵀ", "xᵀ · dz1", "25×784", dW1},
		{"db1", "dz1", "Σ rows of dz1", "25×1", db1},
	}
	fmt.Fprintln(w, "The backward pass, in the order it runs (d means dL/d):")
	fmt.Fprintf(w, "  %-5s %-7s  %-18s %-18s %s\n", "", "shape", "here (rows)", "article 001", "article's shape")
	for _, s := range steps {
		fmt.Fprintf(w, "  %-5s %-7s  %-18s %-18s %s\n", s.name, s.m.Shape(), s.ours, s.article, s.artShape)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The article stores a sample as a column (x is 784×1, W1 is 25×784, z = W·x + b);")
	fmt.Fprintln(w, "we store it as a row (x is 1×784, W1 is 784×25, z = x·W + b), so that a batch is")
	fmt.Fprintln(w, "a stack of rows. Every matrix and every formula is the transpose of the article's:")
	fmt.Fprintln(w, "(dz3 · h2ᵀ)ᵀ = h2 · dz3ᵀ, which in row form is a2ᵀ · dz3. Same numbers, other layout.")
	fmt.Fprintln(w, "The article's h1, h2 are our a1, a2, and its label y is our target t.")

	// The unrolled pass must give exactly what net.Backward gives.
	net.Loss(x, t)
	net.Backward()
	same := nn.Equal(dW1, d1.DW) && nn.Equal(db1, d1.DB) && nn.Equal(dW2, d2.DW) &&
		nn.Equal(db2, d2.DB) && nn.Equal(dW3, d3.DW) && nn.Equal(db3, d3.DB)
	fmt.Fprintf(w, "net.Backward() fills the same six gradients: %v\n", same)
	fmt.Fprintln(w)
	return nil
}

// ---------------------------------------------------------------------------
// 3. Fan-out: a value used twice

// graph is f(x) = a·b with a = x² and b = x + 1: x feeds both a and b.
// grad accumulates dF/dx the way backward code does, with +=.
type graph struct {
	x, a, b, f float64
	grad       float64
}

func (g *graph) forward(x float64) {
	g.x = x
	g.a = x * x
	g.b = x + 1
	g.f = g.a * g.b
}

// backward adds this pass's dF/dx to grad: one term per path from x to f.
func (g *graph) backward() (viaA, viaB float64) {
	da := g.b // multiply node: the other input
	db := g.a
	viaA = 2 * g.x * da // a = x², da/dx = 2x
	viaB = 1 * db       // b = x + 1, db/dx = 1
	g.grad += viaA
	g.grad += viaB
	return viaA, viaB
}

func fanOut(w io.Writer) {
	fmt.Fprintln(w, "== 3. One value, two paths: gradients add up ==")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "f(x) = a·b with a = x² and b = x + 1. x feeds both a and b.")
	var g graph
	g.forward(3)
	viaA, viaB := g.backward()
	num := nn.NumericalGradient(func(v []float64) float64 { return v[0] * v[0] * (v[0] + 1) }, []float64{3})[0]
	fmt.Fprintf(w, "  at x = 3: a = %g, b = %g, f = %g\n", g.a, g.b, g.f)
	fmt.Fprintf(w, "  path through a: df/da · da/dx = b · 2x = %g\n", viaA)
	fmt.Fprintf(w, "  path through b: df/db · db/dx = a · 1  = %g\n", viaB)
	fmt.Fprintf(w, "  sum (grad += each path)          = %g\n", g.grad)
	fmt.Fprintf(w, "  numerical derivative             = %.4f   (and by hand, 3x² + 2x = %g)\n", num, 3*9+2*3.0)
	fmt.Fprintln(w, "  Keeping only the last path (grad = instead of +=) would give 9: wrong.")
	fmt.Fprintln(w)

	fmt.Fprintln(w, "Because backward adds into grad, grad must be set to 0 before each new pass.")
	fmt.Fprintln(w, "Three descent steps x ← x − 0.01·grad from x = 3, with and without the reset:")
	row(w, "  %-4s  %-8s %-10s   %-8s %-10s %s", "step", "x", "grad used", "x", "grad used", "true f'(x)")
	row(w, "  %-4s  %-19s   %-19s", "", "(reset each step)", "(never reset)")
	var good, bad graph
	xGood, xBad := 3.0, 3.0
	for s := 1; s <= 3; s++ {
		good.grad = 0 // the reset
		good.forward(xGood)
		good.backward()
		bad.forward(xBad)
		bad.backward()
		fmt.Fprintf(w, "  %-4d  %-8.4f %-10.4f   %-8.4f %-10.4f %.4f\n", s, xGood, good.grad, xBad, bad.grad, 3*xBad*xBad+2*xBad)
		xGood -= 0.01 * good.grad
		xBad -= 0.01 * bad.grad
	}
	fmt.Fprintln(w, "  Without the reset each step also carries all the old gradients: the steps grow")
	fmt.Fprintln(w, "  and point where the function used to slope, not where it slopes now.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "In nn, Dense.Backward writes its gradients (dW = xᵀ·dout) instead of adding to them:")
	fmt.Fprintln(w, "in an MLP every weight matrix is used once per forward pass, so there is one path")
	fmt.Fprintln(w, "per sample, and the sum over those paths is the sum over the batch inside xᵀ·dout")
	fmt.Fprintln(w, "and Σ rows of dout. Overwriting is the reset. A weight used twice in one pass")
	fmt.Fprintln(w, "(shared between layers, or reused at every step of a recurrent net) needs += .")
	fmt.Fprintln(w)
}

// ---------------------------------------------------------------------------
// 4. Gradient check

func gradientCheck(w io.Writer, seed uint64) {
	fmt.Fprintln(w, "== 4. Gradient check: backprop against central differences ==")
	fmt.Fprintln(w)
	sizes := []int{6, 5, 4, 3}
	const batch = 4
	acts := []string{"relu", "sigmoid", "tanh"}
	fmt.Fprintf(w, "Network %s, a batch of %d random inputs with random labels. For every\n", nn.SizesString(sizes), batch)
	fmt.Fprintln(w, "parameter tensor, rel error = ‖backprop − numerical‖ / (‖backprop‖ + ‖numerical‖):")
	errs := make([][]float64, len(acts))
	var names, shapes []string
	var scaled float64
	for a, act := range acts {
		rng := rand.New(rand.NewPCG(seed, checkStream))
		net, _ := nn.NewMLP(sizes, act, rng)
		x := nn.New(batch, sizes[0])
		labels := make([]int, batch)
		for i := range x {
			for j := range x[i] {
				x[i][j] = rng.NormFloat64()
			}
			labels[i] = rng.IntN(sizes[len(sizes)-1])
		}
		t := nn.OneHot(labels, sizes[len(sizes)-1])
		net.Loss(x, t)
		net.Backward()
		loss := func() float64 { return net.Loss(x, t) }
		for _, p := range net.Params() {
			grad := p.Grad.Clone()
			num := nn.NumericalGradientMatrix(loss, p.Value)
			errs[a] = append(errs[a], nn.RelError(grad, num))
			if a == 0 {
				names = append(names, p.Name)
				shapes = append(shapes, p.Value.Shape())
				if p.Name == "W1" {
					scaled = nn.RelError(nn.Scale(batch, grad), num)
				}
			}
		}
	}
	head := fmt.Sprintf("  %-6s %-6s", "param", "shape")
	for _, act := range acts {
		head += fmt.Sprintf(" %-10s", act)
	}
	row(w, "%s", head)
	for i := range names {
		line := fmt.Sprintf("  %-6s %-6s", names[i], shapes[i])
		for a := range acts {
			line += fmt.Sprintf(" %-10s", agreement(errs[a][i]))
		}
		row(w, "%s", line)
	}
	fmt.Fprintln(w, "Agreement to 7 digits or better: the backward passes are right. A bug shows at once:")
	fmt.Fprintf(w, "a backward pass that forgot the ÷ batch would give W1 (relu) a rel error of %s.\n", agreement(scaled))
	fmt.Fprintln(w)
}
