// Chapter 3: matrices, layers, batches — the forward pass.
//
// A layer of a network is one matrix product and a bias: z = x·W + b. This
// chapter shows the matrix type every layer is built on and its shape rule,
// the message a wrong shape gives, article 004's three-layer network worked
// through by hand, how many numbers a network holds, what an MNIST digit
// looks like as 784 inputs, and a network with random weights classifying
// 2,000 real digits, one at a time and in batches of 100.
//
//	go run ./ch03_forward
//	go run ./ch03_forward -time
//	go run ./ch03_forward -seed 7
package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

func main() { cli.Main("ch03_forward", run) }

// config holds the command-line flags.
type config struct {
	seed   uint64
	timing bool
}

// parseFlags reads the flags; help is true after -h, which prints the usage.
func parseFlags(w io.Writer, args []string) (c config, help bool, err error) {
	fs := flag.NewFlagSet("ch03_forward", flag.ContinueOnError)
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the random weights of the 784-50-100-10 network")
	fs.BoolVar(&c.timing, "time", false, "also measure how long the forward passes take (the times depend on the machine)")
	help, err = cli.Parse(fs, w, args)
	return c, help, err
}

// run prints the chapter's notebook to w.
func run(w io.Writer, args []string) error {
	c, help, err := parseFlags(w, args)
	if help || err != nil {
		return err
	}
	fmt.Fprintln(w, "Chapter 3: matrices, layers, batches")
	matrices(w)
	wrongShapes(w)
	threeLayers(w)
	parameterCounts(w)
	digits, err := loadDigits(w)
	if err != nil {
		return err
	}
	net := randomNetwork(w, digits, c.seed)
	batches(w, digits, net, c.timing)
	return nil
}

func heading(w io.Writer, s string) { fmt.Fprintf(w, "\n== %s ==\n\n", s) }

// num formats a number with up to 8 significant digits and no trailing
// zeros: 0.30000000000000004 → "0.3", 0.316827081… → "0.31682708".
func num(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

// vec formats a row as "[0.3, 0.7, 1.1]".
func vec(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = num(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// matrixLines formats m one row per line, the columns right-aligned.
func matrixLines(m nn.Matrix) []string {
	width := 1
	for _, row := range m {
		for _, v := range row {
			width = max(width, len(num(v)))
		}
	}
	lines := make([]string, m.Rows())
	for i, row := range m {
		parts := make([]string, len(row))
		for j, v := range row {
			parts[j] = fmt.Sprintf("%*s", width, num(v))
		}
		lines[i] = "[" + strings.Join(parts, " ") + "]"
	}
	return lines
}

// sideBySide prints matrices next to each other under their titles.
func sideBySide(w io.Writer, titles []string, ms ...nn.Matrix) {
	tw := tabwriter.NewWriter(w, 0, 0, 4, ' ', 0)
	cols := make([][]string, len(ms))
	height := 0
	for i, m := range ms {
		cols[i] = append([]string{titles[i]}, matrixLines(m)...)
		height = max(height, len(cols[i]))
	}
	for r := range height {
		cells := make([]string, len(cols))
		for i, col := range cols {
			if r < len(col) {
				cells[i] = col[r]
			}
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1] // no padding after the last matrix of a row
		}
		fmt.Fprintln(tw, "  "+strings.Join(cells, "\t"))
	}
	tw.Flush()
}

// product describes a matrix product by its shapes: "x 1×2 · W1 2×3 → 1×3".
func product(aName string, a nn.Matrix, bName string, b nn.Matrix) string {
	return fmt.Sprintf("%s %s · %s %s → %d×%d", aName, a.Shape(), bName, b.Shape(), a.Rows(), b.Cols())
}

// ---------------------------------------------------------------------------
// 1. The shared matrix

func matrices(w io.Writer) {
	heading(w, "1. The matrix every layer is built on")
	fmt.Fprintln(w, "nn.Matrix is a [][]float64: a slice of rows, m[i][j] is row i, column j.")
	fmt.Fprintln(w, "Its shape is written rows×cols.")
	fmt.Fprintln(w)
	a := nn.FromRows([][]float64{{1, 2, 3}, {4, 5, 6}})
	b := nn.FromRows([][]float64{{7, 8}, {9, 10}, {11, 12}})
	sideBySide(w, []string{"A  " + a.Shape(), "B  " + b.Shape()}, a, b)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "nn.Dot(A, B): element (i, j) is row i of A times column j of B, summed:")
	fmt.Fprintln(w, "(A·B)[0][0] = 1·7 + 2·9 + 3·11 = 58.")
	fmt.Fprintln(w)
	ab, ba := nn.Dot(a, b), nn.Dot(b, a)
	sideBySide(w, []string{product("A", a, "B", b), product("B", b, "A", a)}, ab, ba)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The shape rule: n×k · k×m = n×m. The inner sizes (k) must be equal; the")
	fmt.Fprintln(w, "outer ones give the result's shape. So A·B and B·A are not even the same shape.")
	fmt.Fprintln(w, "The products of this chapter:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  left\tright\tresult\twhere")
	for _, p := range []struct {
		n, k, m int
		where   string
	}{
		{1, 2, 3, "one input, first layer of the network in section 3"},
		{1, 784, 50, "one digit, first layer of the network in section 6"},
		{100, 784, 50, "a batch of 100 digits, the same layer"},
		{100, 50, 100, "the batch, second layer"},
		{100, 100, 10, "the batch, last layer: 10 scores per digit"},
	} {
		fmt.Fprintf(tw, "  %d×%d\t%d×%d\t%d×%d\t%s\n", p.n, p.k, p.k, p.m, p.n, p.m, p.where)
	}
	tw.Flush()
	fmt.Fprintln(w)
	bias := nn.RowVector(10, 20, 30)
	fmt.Fprintln(w, "Broadcasting a bias: nn.AddRow(A, b) adds the 1×3 row b to every row of A,")
	fmt.Fprintln(w, "as NumPy does for A + b. A layer computes z = x·W + b this way for a whole batch.")
	fmt.Fprintln(w)
	sideBySide(w, []string{"A  " + a.Shape(), "b  " + bias.Shape(), "nn.AddRow(A, b)  " + a.Shape()}, a, bias, nn.AddRow(a, bias))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "nn.Dot (nn/matrix.go) is three loops; why it runs them in i-k-j order rather")
	fmt.Fprintln(w, "than the textbook's i-j-k is a matter of speed, told in docs/performance.md.")
}

// ---------------------------------------------------------------------------
// 2. Wrong shapes

// dotPanic calls nn.Dot(a, b) and returns the message it panics with, or ""
// when the shapes fit.
func dotPanic(a, b nn.Matrix) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	nn.Dot(a, b)
	return ""
}

func wrongShapes(w io.Writer) {
	heading(w, "2. When the shapes do not line up")
	fmt.Fprintln(w, "The error met most often when writing a network from scratch. nn.Dot checks")
	fmt.Fprintln(w, "the inner sizes before it multiplies and stops with both shapes in the message:")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  nn.Dot(nn.New(2, 3), nn.New(2, 2)) panics with")
	fmt.Fprintf(w, "    %s\n", dotPanic(nn.New(2, 3), nn.New(2, 2)))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Read it as: the left matrix has 3 columns, the right one 2 rows; they must be")
	fmt.Fprintln(w, "equal. The usual cause in a network is a weight matrix stored the other way")
	fmt.Fprintln(w, "round. Here W is 50×784 (outputs × inputs, the layout of PyTorch's Linear")
	fmt.Fprintln(w, "weight), while our layers expect inputs × outputs:")
	fmt.Fprintln(w)
	x, wt := nn.New(1, 784), nn.New(50, 784)
	fmt.Fprintln(w, "  nn.Dot(x 1×784, W 50×784) panics with")
	fmt.Fprintf(w, "    %s\n", dotPanic(x, wt))
	fmt.Fprintf(w, "  nn.Dot(x, W.T()) works: %s\n", product("x", x, "Wᵀ", wt.T()))
}

// ---------------------------------------------------------------------------
// 3. Article 004's three-layer network

// articleNet holds the fixed weights of article 004's worked example.
var articleNet = struct{ W1, B1, W2, B2, W3, B3 nn.Matrix }{
	W1: nn.FromRows([][]float64{{0.1, 0.3, 0.5}, {0.2, 0.4, 0.6}}),
	B1: nn.RowVector(0.1, 0.2, 0.3),
	W2: nn.FromRows([][]float64{{0.1, 0.4}, {0.2, 0.5}, {0.3, 0.6}}),
	B2: nn.RowVector(0.1, 0.2),
	W3: nn.FromRows([][]float64{{0.1, 0.3}, {0.2, 0.4}}),
	B3: nn.RowVector(0.1, 0.2),
}

func threeLayers(w io.Writer) {
	heading(w, "3. A three-layer network by hand (article 004)")
	n := articleNet
	fmt.Fprintln(w, "Two inputs, hidden layers of 3 and 2 sigmoid units, two outputs with the")
	fmt.Fprintln(w, "identity as activation. Every layer is the same two steps: the weighted sum")
	fmt.Fprintln(w, "z = input·W + b, then the activation a = f(z). The weights are the article's:")
	fmt.Fprintln(w)
	sideBySide(w, []string{"W1 " + n.W1.Shape(), "b1 " + n.B1.Shape(), "W2 " + n.W2.Shape(), "b2 " + n.B2.Shape(), "W3 " + n.W3.Shape(), "b3 " + n.B3.Shape()},
		n.W1, n.B1, n.W2, n.B2, n.W3, n.B3)
	fmt.Fprintln(w)

	x := nn.RowVector(1.0, 0.5)
	fmt.Fprintf(w, "x = %s\n\n", vec(x[0]))
	z1 := nn.AddRow(nn.Dot(x, n.W1), n.B1)
	a1 := z1.Apply(nn.Sigmoid)
	fmt.Fprintf(w, "layer 1: %s, + b1 %s\n", product("x", x, "W1", n.W1), n.B1.Shape())
	fmt.Fprintf(w, "         z1 = %s\n", vec(z1[0]))
	fmt.Fprintf(w, "         a1 = sigmoid(z1) = %s\n", vec(a1[0]))
	z2 := nn.AddRow(nn.Dot(a1, n.W2), n.B2)
	a2 := z2.Apply(nn.Sigmoid)
	fmt.Fprintf(w, "layer 2: %s, + b2 %s\n", product("a1", a1, "W2", n.W2), n.B2.Shape())
	fmt.Fprintf(w, "         z2 = %s\n", vec(z2[0]))
	fmt.Fprintf(w, "         a2 = sigmoid(z2) = %s\n", vec(a2[0]))
	z3 := nn.AddRow(nn.Dot(a2, n.W3), n.B3)
	y := z3 // identity output
	fmt.Fprintf(w, "layer 3: %s, + b3 %s\n", product("a2", a2, "W3", n.W3), n.B3.Shape())
	fmt.Fprintf(w, "         z3 = %s\n", vec(z3[0]))
	fmt.Fprintf(w, "         y  = identity(z3) = %s\n", vec(y[0]))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Check the first entry of z1 by hand: 1.0·0.1 + 0.5·0.2 + 0.1 = 0.3.")
	fmt.Fprintln(w, "Article 004 follows its book and swaps the two letters: its a1 = [0.3, 0.7, 1.1]")
	fmt.Fprintln(w, "is our z1, its z1 = h(a1) our a1 = f(z1). Same numbers, other names.")
}

// ---------------------------------------------------------------------------
// 4. Parameter counts

// weightsAndBiases splits the parameter count of an MLP with these layer
// sizes into its weights (Σ in·out) and biases (Σ out).
func weightsAndBiases(sizes []int) (weights, biases int) {
	for i := 0; i+1 < len(sizes); i++ {
		weights += sizes[i] * sizes[i+1]
		biases += sizes[i+1]
	}
	return weights, biases
}

func parameterCounts(w io.Writer) {
	heading(w, "4. How many numbers a network holds")
	fmt.Fprintln(w, "A Dense layer from n inputs to m outputs holds an n×m weight matrix and a")
	fmt.Fprintln(w, "1×m bias: n·m + m numbers to learn. The networks of the articles:")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "network\tarticle\tweights\tbiases\ttotal\t")
	for _, n := range []struct {
		sizes   []int
		article string
	}{
		{[]int{784, 16, 16, 10}, "000"},
		{[]int{784, 25, 25, 10}, "001"},
		{[]int{784, 64, 64, 64, 10}, "002"},
		{[]int{784, 50, 100, 10}, "004"},
		{[]int{2, 50, 4}, "003"},
	} {
		wt, b := weightsAndBiases(n.sizes)
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t\n", nn.SizesString(n.sizes), n.article, wt, b, nn.ParamCount(n.sizes))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "784-16-16-10 layer by layer:")
	sizes := []int{784, 16, 16, 10}
	tw = tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	for i := 0; i+1 < len(sizes); i++ {
		in, out := sizes[i], sizes[i+1]
		fmt.Fprintf(tw, "  W%d\t%d×%d\t=\t%d\t  b%d\t%d\t\n", i+1, in, out, in*out, i+1, out)
	}
	tw.Flush()
	wt, b := weightsAndBiases(sizes)
	fmt.Fprintf(w, "  %d weights + %d biases = %d parameters\n", wt, b, wt+b)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Article 000 writes 784×16 + 16×16 + 16×10 = 13002, but that sum is %d:\n", wt)
	fmt.Fprintf(w, "its 13002 also counts the %d biases.\n", b)
}
