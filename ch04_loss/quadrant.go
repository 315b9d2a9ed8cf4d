package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"text/tabwriter"

	"nnfromscratch/nn"
)

// quadrantStream is the second half of the PCG seed of the quadrant
// network's starting weights; -seed gives the first.
const quadrantStream = 0xC04

// The quadrant task of article 003: one point in each quadrant.
var (
	quadrantX      = nn.FromRows([][]float64{{1, 1}, {-1, 1}, {-1, -1}, {1, -1}})
	quadrantLabels = []int{0, 1, 2, 3}
	quadrantNames  = []string{"I", "II", "III", "IV"}
)

// numericalStep does one step of gradient descent on every parameter of net,
// with gradients found by central differences only: each parameter is nudged
// up and down by h and the loss recomputed. All gradients are taken before
// any parameter moves, so that they belong to the same point.
func numericalStep(net *nn.MLP, loss func() float64, lr float64) {
	params := net.Params()
	grads := make([]nn.Matrix, len(params))
	for i, p := range params {
		grads[i] = nn.NumericalGradientMatrix(loss, p.Value)
	}
	for i, p := range params {
		for r, row := range p.Value {
			for j := range row {
				row[j] -= lr * grads[i][r][j]
			}
		}
	}
}

// probabilityTable prints the network's class probabilities for the four points.
func probabilityTable(w io.Writer, net *nn.MLP) {
	p := net.Predict(quadrantX)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprint(tw, "  point\tquadrant")
	for _, q := range quadrantNames {
		fmt.Fprintf(tw, "\tp(%s)", q)
	}
	fmt.Fprintln(tw, "\tpredicted")
	for i, row := range p {
		fmt.Fprintf(tw, "  (%g, %g)\t%s", quadrantX[i][0], quadrantX[i][1], quadrantNames[quadrantLabels[i]])
		for _, v := range row {
			fmt.Fprintf(tw, "\t%.4f", v)
		}
		mark := ""
		if nn.Argmax(row) != quadrantLabels[i] {
			mark = "  ✗"
		}
		fmt.Fprintf(tw, "\t%s%s\n", quadrantNames[nn.Argmax(row)], mark)
	}
	tw.Flush()
}

// lossString prints a loss with 4 decimals, or with 4 significant digits
// once a too large -lr has blown it up.
func lossString(l float64) string {
	if l >= 1000 {
		return fmt.Sprintf("%.4g", l)
	}
	return fmt.Sprintf("%.4f", l)
}

func quadrants(w io.Writer, c config) error {
	heading(w, "7. Article 003's quadrant task, trained by nudging alone")
	net, err := nn.NewMLP([]int{2, 50, 4}, "relu", rand.New(rand.NewPCG(c.seed, quadrantStream)))
	if err != nil {
		return err
	}
	t := nn.OneHot(quadrantLabels, len(quadrantNames))
	loss := func() float64 { return net.Loss(quadrantX, t) }

	fmt.Fprintln(w, "Four points, one per quadrant: (1, 1) → I, (−1, 1) → II, (−1, −1) → III,")
	fmt.Fprintln(w, "(1, −1) → IV, as classes 0 to 3 with one-hot targets. The network:")
	fmt.Fprintf(w, "%s, softmax + cross-entropy on top, weights drawn\n", net)
	fmt.Fprintf(w, "at random (He initialisation, seed %d), biases 0.\n", c.seed)
	fmt.Fprintln(w)
	start := loss()
	fmt.Fprintf(w, "Mean loss with random weights: %.4f. A network that gave every class 1/4\n", start)
	fmt.Fprintf(w, "would score ln 4 = %.4f. Random weights are not that even-handed: their\n", math.Log(4))
	fmt.Fprintln(w, "scores already differ by a unit or two, so the loss starts near ln 4 or above:")
	probabilityTable(w, net)
	fmt.Fprintln(w)

	perStep := 2 * net.ParamCount()
	fmt.Fprintf(w, "Gradient descent, lr %g, %d steps. Each step nudges each of the %d parameters\n", c.lr, c.steps, net.ParamCount())
	fmt.Fprintf(w, "up and down (nn.NumericalGradientMatrix on W1, b1, W2, b2): %d forward passes\n", perStep)
	fmt.Fprintln(w, "for one gradient. No backpropagation here: that is chapter 5.")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  step\tloss\t")
	fmt.Fprintf(tw, "  %d\t%s\t\n", 0, lossString(start))
	every := max(1, c.steps/8)
	for s := 1; s <= c.steps; s++ {
		numericalStep(net, loss, c.lr)
		l := loss()
		if err := nn.CheckLoss(l, s, c.lr); err != nil {
			tw.Flush()
			return fmt.Errorf("-lr %g: %w", c.lr, err)
		}
		if s%every == 0 || s == c.steps {
			fmt.Fprintf(tw, "  %d\t%s\t\n", s, lossString(l))
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "That took %d forward passes of the 4 points.\n", perStep*c.steps)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "After descent:")
	probabilityTable(w, net)
	fmt.Fprintln(w, "The loss falls and the right quadrant's probability grows, using nothing but")
	fmt.Fprintln(w, "the loss itself. It works, but it is slow: the cost of one gradient grows with")
	fmt.Fprintln(w, "the number of parameters, and MNIST's 784-50-100-10 network has 45,360 of")
	fmt.Fprintln(w, "them. Backpropagation (chapter 5) gets the same gradient from one forward and")
	fmt.Fprintln(w, "one backward pass.")
	return nil
}
