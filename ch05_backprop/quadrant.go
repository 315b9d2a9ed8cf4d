package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"nnfromscratch/nn"
)

// The quadrant task of article 003: four points, one per quadrant, and a
// 2-50-4 network that must learn which quadrant any point is in.
var (
	quadrantX      = nn.FromRows([][]float64{{1, 1}, {-1, 1}, {-1, -1}, {1, -1}})
	quadrantLabels = []int{0, 1, 2, 3}
	quadrantNames  = []string{"I", "II", "III", "IV"}
	quadrantSizes  = []int{2, 50, 4}
)

// newPoint is a point the network has never seen, and its true quadrant.
type newPoint struct {
	x, y  float64
	label int
}

var newPoints = []newPoint{
	{2, 2, 0}, {-3, 1, 1}, {-0.5, -2, 2}, {4, -0.1, 3},
	{0.5, 3, 0}, {-4, 0.5, 1}, {-2, -2, 2}, {1, -4.5, 3},
}

// newQuadrantNet returns the untrained 2-50-4 network every run starts from.
func newQuadrantNet(seed uint64) *nn.MLP {
	net, _ := nn.NewMLP(quadrantSizes, "relu", rand.New(rand.NewPCG(seed, quadrantStream)))
	return net
}

// shouldReport says at which steps the training loss is printed.
func shouldReport(s, steps int) bool {
	every := max(1, steps/10)
	return s == 1 || s%every == 0 || s == steps
}

// quadrants trains the quadrant classifier and returns its decision regions
// as a figure.
func quadrants(w io.Writer, c config) (*nn.Plot, error) {
	fmt.Fprintln(w, "== 5. Training the quadrant classifier with backprop ==")
	fmt.Fprintln(w)
	t := nn.OneHot(quadrantLabels, 4)
	net := newQuadrantNet(c.seed)
	fmt.Fprintf(w, "Article 003's task: (1,1) → I, (-1,1) → II, (-1,-1) → III, (1,-1) → IV.\n")
	fmt.Fprintf(w, "Network %s, softmax + cross-entropy, plain gradient descent (SGD) with\n", net)
	fmt.Fprintf(w, "lr %g on all 4 points at once, %d steps. Each step: one forward pass, one backward.\n", c.lr, c.steps)
	opt := &nn.SGD{LR: c.lr}
	var losses []float64
	fmt.Fprintf(w, "  %6s  %s\n", "step", "loss")
	for s := 1; s <= c.steps; s++ {
		loss := net.Step(quadrantX, t, opt)
		if err := nn.CheckLoss(loss, s, c.lr); err != nil {
			return nil, err
		}
		losses = append(losses, loss)
		if shouldReport(s, c.steps) {
			fmt.Fprintf(w, "  %6d  %.4f\n", s, loss)
		}
	}
	final := net.Loss(quadrantX, t)
	fmt.Fprintf(w, "  after the last step the loss is %.4f\n", final)
	fmt.Fprintln(w)

	classifyNew(w, net)
	asciiRegions(w, net)
	compareNumerical(w, c, losses)
	return regionsPlot(net), nil
}

func classifyNew(w io.Writer, net *nn.MLP) {
	fmt.Fprintln(w, "New points, never seen in training:")
	fmt.Fprintf(w, "  %-12s %-5s %-9s  %s\n", "point", "true", "predicted", "p(I)   p(II)  p(III) p(IV)")
	x := nn.New(len(newPoints), 2)
	for i, p := range newPoints {
		x[i][0], x[i][1] = p.x, p.y
	}
	probs := net.Predict(x)
	right := 0
	for i, p := range newPoints {
		got := probs.ArgmaxRows()[i]
		mark := "ok"
		if got == p.label {
			right++
		} else {
			mark = "WRONG"
		}
		fmt.Fprintf(w, "  %-12s %-5s %-4s %-4s  %.3f  %.3f  %.3f  %.3f\n", fmt.Sprintf("(%g, %g)", p.x, p.y),
			quadrantNames[p.label], quadrantNames[got], mark, probs[i][0], probs[i][1], probs[i][2], probs[i][3])
	}
	fmt.Fprintf(w, "  %d of %d right.\n", right, len(newPoints))
	fmt.Fprintln(w)
}

// asciiRegions prints the class of every point of a grid over [-5, 5]²:
// 1 to 4 for quadrants I to IV, '*' for a training point.
func asciiRegions(w io.Writer, net *nn.MLP) {
	const cols, rows = 41, 21
	fmt.Fprintln(w, "Decision regions on [-5, 5] × [-5, 5] (1 = I, 2 = II, 3 = III, 4 = IV, * = training point):")
	grid := nn.New(cols*rows, 2)
	for r := range rows {
		for c := range cols {
			grid[r*cols+c][0] = -5 + 10*float64(c)/(cols-1)
			grid[r*cols+c][1] = 5 - 10*float64(r)/(rows-1)
		}
	}
	class := net.Classify(grid)
	for r := range rows {
		var line strings.Builder
		for c := range cols {
			x, y := grid[r*cols+c][0], grid[r*cols+c][1]
			ch := byte('1' + class[r*cols+c])
			if (x == 1 || x == -1) && (y == 1 || y == -1) {
				ch = '*'
			}
			line.WriteByte(ch)
		}
		label := ""
		switch r {
		case 0:
			label = "y = 5"
		case rows / 2:
			label = "y = 0"
		case rows - 1:
			label = "y = -5"
		}
		fmt.Fprintf(w, "  %6s  %s\n", label, line.String())
	}
	fmt.Fprintf(w, "  %6s  %-20s%21s\n", "", "x = -5", "x = 5")
	fmt.Fprintln(w, "Four points were enough to split the plane along the axes, roughly: far from the")
	fmt.Fprintln(w, "training points the boundaries are the network's guess, not a law it learned.")
	fmt.Fprintln(w)
}

// regionsPlot draws the decision regions, the training points and the new
// points.
func regionsPlot(net *nn.MLP) *nn.Plot {
	p := &nn.Plot{
		Title:  "2-50-4 network trained on four points: decision regions",
		XLabel: "x", YLabel: "y",
		XMin: -5, XMax: 5, YMin: -5, YMax: 5,
		RegionGrid: 50,
		Regions: func(x, y float64) int {
			return net.Classify(nn.RowVector(x, y))[0]
		},
		RegionNames: []string{"net says I", "net says II", "net says III", "net says IV"},
	}
	// One series per quadrant, so a point has the colour of its region.
	for c, name := range quadrantNames {
		s := nn.Series{Name: "training " + name, Points: true,
			X: []float64{quadrantX[c][0]}, Y: []float64{quadrantX[c][1]}}
		p.Series = append(p.Series, s)
	}
	// New points: white where the network is right, black where it is wrong.
	right := nn.Series{Points: true, Color: "#ffffff"}
	wrong := nn.Series{Points: true, Color: "#000000"}
	for _, q := range newPoints {
		s := &right
		if net.Classify(nn.RowVector(q.x, q.y))[0] != q.label {
			s = &wrong
		}
		s.X = append(s.X, q.x)
		s.Y = append(s.Y, q.y)
	}
	right.Name = fmt.Sprintf("new, right (%d)", len(right.X))
	wrong.Name = fmt.Sprintf("new, wrong (%d)", len(wrong.X))
	p.Series = append(p.Series, right, wrong)
	return p
}

// compareNumerical trains the same network from the same start with
// chapter 4's method, gradients by central differences, and compares.
func compareNumerical(w io.Writer, c config, losses []float64) {
	fmt.Fprintln(w, "The same training with chapter 4's numerical gradients instead of backprop:")
	t := nn.OneHot(quadrantLabels, 4)
	net := newQuadrantNet(c.seed)
	opt := &nn.SGD{LR: c.lr}
	forwards := 0
	loss := func() float64 {
		forwards++
		return net.Loss(quadrantX, t)
	}
	steps := min(c.steps, numericalSteps)
	maxDiff := 0.0
	for s := 1; s <= steps; s++ {
		l := loss()
		for _, p := range net.Params() {
			g := nn.NumericalGradientMatrix(loss, p.Value)
			for i := range g {
				copy(p.Grad[i], g[i])
			}
		}
		opt.Step(net.Params())
		maxDiff = max(maxDiff, abs(l-losses[s-1]))
	}
	n := net.ParamCount()
	fmt.Fprintf(w, "  %d steps, each 1 forward pass for the loss + 2 per parameter × %d parameters\n", steps, n)
	fmt.Fprintf(w, "  = %s forward passes (%d per step).\n", nn.Thousands(forwards), 1+2*n)
	fmt.Fprintf(w, "  Backprop for the same %d steps: %s forward + %s backward passes.\n", steps, nn.Thousands(steps), nn.Thousands(steps))
	if maxDiff < 1e-6 {
		fmt.Fprintf(w, "  The losses of the two runs agree at every step to 6 decimals; after step %d both read %.4f.\n",
			steps, losses[steps-1])
	} else {
		fmt.Fprintf(w, "  The losses of the two runs differ by up to %.1e.\n", maxDiff)
	}
	fwd, bwd := multiplyAdds(quadrantSizes, quadrantX.Rows())
	fmt.Fprintln(w, "  Same result. Counting the multiply-adds of the matrix products, nearly all the work:")
	fmt.Fprintf(w, "  a forward pass on the %d points is %s, a backward pass %s: each Dense layer\n", quadrantX.Rows(), nn.Thousands(fwd), nn.Thousands(bwd))
	fmt.Fprintln(w, "  does two products backward (dW = xᵀ·dout and dx = dout·Wᵀ) for its one forward,")
	fmt.Fprintf(w, "  and the first layer skips dx, so a backward pass costs %.1f forward passes here\n", float64(bwd)/float64(fwd))
	fmt.Fprintf(w, "  (2 if the first layer computed dx too). One backprop step is %s multiply-adds;\n", nn.Thousands(fwd+bwd))
	fmt.Fprintf(w, "  one numerical step is %d forward passes, %s.\n", 1+2*n, nn.Thousands((1+2*n)*fwd))
	fmt.Fprintf(w, "  Backprop is about %.0f times less work here, and the gap grows with the network.\n",
		float64((1+2*n)*fwd)/float64(fwd+bwd))
}

// multiplyAdds counts the multiply-adds of the products of a forward and of
// a backward pass of an MLP with these sizes on a batch: forward, x·W per
// layer; backward, xᵀ·dout (dW) per layer and dout·Wᵀ (dx) for every layer
// but the first, which nn skips (Dense.SkipInputGrad).
func multiplyAdds(sizes []int, batch int) (forward, backward int) {
	for i := 0; i+1 < len(sizes); i++ {
		product := batch * sizes[i] * sizes[i+1]
		forward += product
		backward += product // dW
		if i > 0 {
			backward += product // dx
		}
	}
	return forward, backward
}

// numericalSteps caps the slow numerical run (it is 700 times the work).
const numericalSteps = 200

func abs(v float64) float64 { return max(v, -v) }
