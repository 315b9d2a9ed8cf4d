package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"text/tabwriter"
	"time"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// seedStream is the second half of the PCG seed of this chapter's random
// weights; -seed gives the first.
const seedStream = 0xC03

// batchSize is how many digits one forward pass takes in sections 6 and 7.
const batchSize = 100

// digits are the held-out digits of the bundled sample, as bytes and as the
// matrix a network reads.
type digits struct {
	set    *data.Set
	x      nn.Matrix // one digit per row, pixels ÷ 255
	labels []int
}

// ---------------------------------------------------------------------------
// 5. MNIST: a digit is 784 numbers

func loadDigits(w io.Writer) (digits, error) {
	heading(w, "5. A digit is 784 numbers")
	train, test, err := data.SampleSplit()
	if err != nil {
		return digits{}, fmt.Errorf("loading the bundled digits: %w", err)
	}
	size := test.Rows * test.Cols
	fmt.Fprintf(w, "Data: the bundled sample of real MNIST digits, split by data.SampleSplit into\n")
	fmt.Fprintf(w, "%d for training and %d held out. This chapter uses the %d held out.\n", train.Len(), test.Len(), test.Len())
	fmt.Fprintln(w)

	const show = 0
	img := test.Image(show)
	fmt.Fprintf(w, "Held-out digit %d, labelled %d: %d rows of %d bytes, 0 = background, 255 = ink\n", show, test.Labels[show], test.Rows, test.Cols)
	fmt.Fprintln(w, "(drawn with ' ' for 0, '.' for 1–84, '+' for 85–169, '#' for 170–255):")
	drawDigit(w, img, test.Rows, test.Cols)
	fmt.Fprintln(w)
	r := inkiestRow(img, test.Rows, test.Cols)
	lo, hi := inkSpan(img[r*test.Cols : (r+1)*test.Cols])
	fmt.Fprintf(w, "Laid end to end, the %d rows make one vector of %d×%d = %d numbers: pixel\n", test.Rows, test.Rows, test.Cols, size)
	fmt.Fprintf(w, "(row r, column c) is element %d·r + c. Row %d is elements %d..%d; its columns\n", test.Cols, r, r*test.Cols, (r+1)*test.Cols-1)
	fmt.Fprintf(w, "%d..%d (elements %d..%d) hold the ink:\n", lo, hi, r*test.Cols+lo, r*test.Cols+hi)
	fmt.Fprintf(w, "  %s\n", bytesString(img[r*test.Cols+lo:r*test.Cols+hi+1]))
	fmt.Fprintln(w)

	x := nn.FromPixels(test.Images, size)
	bmin, bmax := byteRange(test.Images)
	fmt.Fprintf(w, "nn.FromPixels(images, %d) divides every byte by 255 and puts one digit in each\n", size)
	fmt.Fprintf(w, "row: a %s matrix. Over all its pixels:\n", x.Shape())
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  as stored (bytes)\tmin %d\tmax %d\n", bmin, bmax)
	fmt.Fprintf(tw, "  after ÷255 (float64)\tmin %s\tmax %s\n", num(matrixMin(x)), num(x.MaxAbs()))
	tw.Flush()
	fmt.Fprintf(w, "For example 128 becomes %s. %.1f%% of all pixels are 0: background.\n", num(128.0/255), 100*zeroShare(test.Images))
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Which end is ink: in the MNIST files 0 is the background and 255 full ink (the")
	fmt.Fprintln(w, "dataset's own description calls them white and black). Shown with a grey")
	fmt.Fprintln(w, "colour map, as plotting libraries do by default, 0 is black, so the digit")
	fmt.Fprintln(w, "appears white on black. The network does not care: it only sees 0 to 1.")
	return digits{set: test, x: x, labels: nn.Labels(test.Labels)}, nil
}

// drawDigit prints a rows×cols grey image as characters, two per pixel so
// that the digit keeps its proportions in a terminal.
func drawDigit(w io.Writer, img []byte, rows, cols int) {
	border := "  +" + strings.Repeat("-", 2*cols) + "+"
	fmt.Fprintln(w, border)
	for r := range rows {
		var sb strings.Builder
		for _, p := range img[r*cols : (r+1)*cols] {
			c := " .+#"[inkLevel(p)]
			sb.WriteByte(c)
			sb.WriteByte(c)
		}
		fmt.Fprintf(w, "  |%s|\n", sb.String())
	}
	fmt.Fprintln(w, border)
}

// inkLevel maps a pixel to 0 (background), 1, 2 or 3 (dark ink).
func inkLevel(p byte) int {
	switch {
	case p == 0:
		return 0
	case p < 85:
		return 1
	case p < 170:
		return 2
	}
	return 3
}

// inkiestRow returns the row with the most ink (the largest pixel sum).
func inkiestRow(img []byte, rows, cols int) int {
	best, bestSum := 0, -1
	for r := range rows {
		sum := 0
		for _, p := range img[r*cols : (r+1)*cols] {
			sum += int(p)
		}
		if sum > bestSum {
			best, bestSum = r, sum
		}
	}
	return best
}

// inkSpan returns the first and last non-zero positions of row, padded by
// one background pixel on each side where there is room.
func inkSpan(row []byte) (lo, hi int) {
	lo, hi = len(row)-1, 0
	for c, p := range row {
		if p != 0 {
			lo, hi = min(lo, c), max(hi, c)
		}
	}
	if lo > hi {
		return 0, len(row) - 1
	}
	return max(lo-1, 0), min(hi+1, len(row)-1)
}

func bytesString(b []byte) string {
	parts := make([]string, len(b))
	for i, v := range b {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, " ")
}

func byteRange(b []byte) (lo, hi byte) {
	lo, hi = 255, 0
	for _, v := range b {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

func matrixMin(m nn.Matrix) float64 {
	lo := m[0][0]
	for _, row := range m {
		for _, v := range row {
			lo = min(lo, v)
		}
	}
	return lo
}

func zeroShare(b []byte) float64 {
	zeros := 0
	for _, v := range b {
		if v == 0 {
			zeros++
		}
	}
	return float64(zeros) / float64(len(b))
}

// ---------------------------------------------------------------------------
// 6. Inference with random weights

// product is a matrix product function: nn.Dot, or a faster one with the
// same result.
type productFunc func(a, b nn.Matrix) nn.Matrix

// forward runs the batch x through the Dense layers with the product mul:
// z = a·W + b (a = x for the first layer), then the activation a = sigmoid(z)
// between layers and the identity after the last.
// It returns the scores, one row per sample. When trace is not nil it prints
// the shapes of every step.
func forward(x nn.Matrix, layers []*nn.Dense, mul productFunc, trace io.Writer) nn.Matrix {
	a, name := x, "x"
	for i, d := range layers {
		z := nn.AddRow(mul(a, d.W), d.B)
		act, next := "sigmoid", fmt.Sprintf("a%d", i+1)
		if i == len(layers)-1 {
			act, next = "identity", "scores"
		} else {
			z = z.Apply(nn.Sigmoid) // now the activation
		}
		if trace != nil {
			fmt.Fprintf(trace, "  %s, + b%d %s, %s → %s %s\n",
				product(name, a, fmt.Sprintf("W%d", i+1), d.W), i+1, d.B.Shape(), act, next, z.Shape())
		}
		a, name = z, next
	}
	return a
}

// classifyInBatches returns the scores of every row of x, computed batchSize
// rows at a time.
func classifyInBatches(x nn.Matrix, layers []*nn.Dense, mul productFunc) nn.Matrix {
	var scores nn.Matrix
	for lo := 0; lo < x.Rows(); lo += batchSize {
		scores = append(scores, forward(x[lo:min(lo+batchSize, x.Rows())], layers, mul, nil)...)
	}
	return scores
}

func countCorrect(pred, labels []int) int {
	right := 0
	for i, p := range pred {
		if p == labels[i] {
			right++
		}
	}
	return right
}

func randomNetwork(w io.Writer, d digits, seed uint64) *nn.MLP {
	heading(w, "6. A network with random weights reads 2000 digits")
	net, err := nn.NewMLP([]int{784, 50, 100, 10}, "sigmoid", rand.New(rand.NewPCG(seed, seedStream)))
	if err != nil {
		panic(err) // the sizes and activation are constants
	}
	layers := net.Dense()
	fmt.Fprintf(w, "Article 004's network, untrained: %s.\n", net)
	fmt.Fprintf(w, "nn.NewMLP draws its weights at random (seed %d), normal with standard\n", seed)
	fmt.Fprintln(w, "deviation √(1/inputs): LeCun's initialisation (Glorot's, also called Xavier,")
	fmt.Fprintln(w, "would be √(2/(inputs + outputs))). The biases start at 0.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "The forward pass of the first batch, %d digits, with nn.Dot, nn.AddRow and sigmoid:\n", batchSize)
	scores := forward(d.x[:batchSize], layers, nn.Dot, w)
	fmt.Fprintf(w, "  argmax of each row of scores → %d predicted digits\n", scores.Rows())
	fmt.Fprintln(w)
	fmt.Fprintln(w, "There is no softmax at the end: it would turn the scores into probabilities")
	fmt.Fprintln(w, "but never change which one is largest, so classifying can skip it.")
	fmt.Fprintln(w)

	pred := classifyInBatches(d.x, layers, nn.Dot).ArgmaxRows()
	right := countCorrect(pred, d.labels)
	fmt.Fprintf(w, "All %d digits, in %d batches of %d:\n", len(pred), len(pred)/batchSize, batchSize)
	fmt.Fprintf(w, "  accuracy %.4f (%d of %d right); nn.MLP.Accuracy gives %.4f too\n",
		float64(right)/float64(len(pred)), right, len(pred), net.Accuracy(d.x, d.labels))
	fmt.Fprintln(w, "  chance, for 10 classes: 0.1")
	fmt.Fprintln(w)
	var predicted, actual [10]int
	for i, p := range pred {
		predicted[p]++
		actual[d.labels[i]]++
	}
	tw := tabwriter.NewWriter(w, 0, 0, 1, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "  digit\t")
	for k := range 10 {
		fmt.Fprintf(tw, " %d\t", k)
	}
	fmt.Fprint(tw, "\n  predicted\t")
	for _, n := range predicted {
		fmt.Fprintf(tw, " %d\t", n)
	}
	fmt.Fprint(tw, "\n  in the data\t")
	for _, n := range actual {
		fmt.Fprintf(tw, " %d\t", n)
	}
	fmt.Fprintln(tw)
	tw.Flush()
	top := 0
	for k, n := range predicted {
		if n > predicted[top] {
			top = k
		}
	}
	fmt.Fprintf(w, "The random network answers %d for %d of the %d digits. Its weights hold no\n", top, predicted[top], len(pred))
	fmt.Fprintln(w, "knowledge, so its scores hardly depend on the image: one output happens to")
	fmt.Fprintln(w, "be the largest for (nearly) every input, and the network is right exactly as")
	fmt.Fprintf(w, "often as that digit occurs: %d times in %d, near 1 in 10. Training (chapters\n", actual[top], len(pred))
	fmt.Fprintln(w, "5 to 7) is what makes the scores depend on the digit.")
	fmt.Fprintln(w)

	first := 1000
	r1000 := countCorrect(pred[:first], d.labels[:first])
	fmt.Fprintf(w, "On the first %d digits alone: %d right, accuracy %.3f. Over %d samples an\n", first, r1000, float64(r1000)/float64(first), first)
	fmt.Fprintf(w, "accuracy is a whole number divided by %d: a multiple of 0.001, never the\n", first)
	fmt.Fprintln(w, "0.09352 article 004 prints for 1000 samples (the errata of docs/ch03_forward.md")
	fmt.Fprintln(w, "say where it most likely comes from).")
	fmt.Fprintln(w)

	raw := nn.Scale(255, d.x[:batchSize])
	fmt.Fprintln(w, "Why divide by 255 first? The first layer's sigmoids, on the first batch:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, in := range []struct {
		name string
		x    nn.Matrix
	}{{"pixels ÷ 255 (0..1)", d.x[:batchSize]}, {"raw pixels (0..255)", raw}} {
		a1 := nn.AddRow(nn.Dot(in.x, layers[0].W), layers[0].B).Apply(nn.Sigmoid)
		fmt.Fprintf(tw, "  %s\t%.1f%% saturated (output below 0.01 or above 0.99)\n", in.name, 100*saturated(a1))
	}
	tw.Flush()
	fmt.Fprintln(w, "A saturated sigmoid is flat: its slope is near 0, and chapter 5 shows that")
	fmt.Fprintln(w, "such a unit barely learns.")
	return net
}

// saturated returns the share of elements of m below 0.01 or above 0.99.
func saturated(m nn.Matrix) float64 {
	n := 0
	for _, row := range m {
		for _, v := range row {
			if v < 0.01 || v > 0.99 {
				n++
			}
		}
	}
	return float64(n) / float64(m.Rows()*m.Cols())
}

// ---------------------------------------------------------------------------
// 7. One at a time or in batches

// dotFourRows computes a·b like nn.Dot, in the same order for every element,
// but four rows of a at a time: each row of b is read once for four rows of
// the result instead of once for each. Only a batch has four rows to share.
func dotFourRows(a, b nn.Matrix) nn.Matrix {
	out := nn.New(a.Rows(), b.Cols())
	if a.Cols() != b.Rows() {
		return nn.Dot(a, b) // let nn.Dot report the shapes
	}
	i := 0
	for ; i+4 <= a.Rows(); i += 4 {
		o0, o1, o2, o3 := out[i], out[i+1], out[i+2], out[i+3]
		for k, bk := range b {
			a0, a1, a2, a3 := a[i][k], a[i+1][k], a[i+2][k], a[i+3][k]
			o0, o1, o2, o3 := o0[:len(bk)], o1[:len(bk)], o2[:len(bk)], o3[:len(bk)]
			for j, v := range bk {
				o0[j] += a0 * v
				o1[j] += a1 * v
				o2[j] += a2 * v
				o3[j] += a3 * v
			}
		}
	}
	for ; i < a.Rows(); i++ { // the last rows, when there are fewer than four
		o := out[i]
		for k, bk := range b {
			aik := a[i][k]
			for j, v := range bk {
				o[j] += aik * v
			}
		}
	}
	return out
}

// dotIJK is the textbook loop order: for each (i, j), sum over k. The
// innermost loop walks down column j of b, one row apart per step.
func dotIJK(a, b nn.Matrix) nn.Matrix {
	out := nn.New(a.Rows(), b.Cols())
	for i, ai := range a {
		for j := range out[i] {
			s := 0.0
			for k, aik := range ai {
				s += aik * b[k][j]
			}
			out[i][j] = s
		}
	}
	return out
}

// oneAtATime returns the scores of every row of x, one 1×784 row per forward pass.
func oneAtATime(x nn.Matrix, layers []*nn.Dense) nn.Matrix {
	scores := make(nn.Matrix, 0, x.Rows())
	for i := range x.Rows() {
		scores = append(scores, forward(x[i:i+1], layers, nn.Dot, nil)...)
	}
	return scores
}

// libraryScores returns the network's own scores (nn.MLP.Logits, which runs
// the Dense layers' products from nn/product.go), rows at a time.
func libraryScores(net *nn.MLP, x nn.Matrix, rows int) nn.Matrix {
	scores := make(nn.Matrix, 0, x.Rows())
	for lo := 0; lo < x.Rows(); lo += rows {
		scores = append(scores, net.Logits(x[lo:min(lo+rows, x.Rows())]).Clone()...)
	}
	return scores
}

// way is one way to compute the scores of every digit.
type way struct {
	name   string
	scores func(x nn.Matrix) nn.Matrix
}

// ways lists the ways section 7 computes the scores; the output compares the
// second with the first and the last with the first, and -time times them
// all. The way with dotFourRows is timed only: docs/performance.md tells its
// story.
func ways(net *nn.MLP) []way {
	layers := net.Dense()
	return []way{
		{"one at a time, nn.Dot", func(x nn.Matrix) nn.Matrix { return oneAtATime(x, layers) }},
		{"batches of 100, nn.Dot", func(x nn.Matrix) nn.Matrix { return classifyInBatches(x, layers, nn.Dot) }},
		{"batches of 100, four rows per pass over W", func(x nn.Matrix) nn.Matrix { return classifyInBatches(x, layers, dotFourRows) }},
		{"one at a time, nn.MLP.Logits", func(x nn.Matrix) nn.Matrix { return libraryScores(net, x, 1) }},
		{"batches of 100, nn.MLP.Logits", func(x nn.Matrix) nn.Matrix { return libraryScores(net, x, batchSize) }},
	}
}

// maxDiff returns the largest |a[i][j] − b[i][j]|.
func maxDiff(a, b nn.Matrix) float64 {
	return nn.Sub(a, b).MaxAbs()
}

func batches(w io.Writer, d digits, net *nn.MLP, timing bool) {
	heading(w, "7. One at a time or in batches")
	n := d.x.Rows()
	layers := net.Dense()
	fmt.Fprintf(w, "The same %d digits through the same network, two ways:\n", n)
	fmt.Fprintf(w, "  one at a time: %d forward passes, each starting with %s\n", n, product("x", d.x[:1], "W1", layers[0].W))
	fmt.Fprintf(w, "  in batches:    %d forward passes, each starting with %s\n", n/batchSize, product("x", d.x[:batchSize], "W1", layers[0].W))
	fmt.Fprintln(w)
	all := ways(net)
	ref := all[0].scores(d.x)
	refPred := ref.ArgmaxRows()
	fmt.Fprintf(w, "Compared with %s:\n", all[0].name)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  way\tsame prediction\tlargest score difference")
	for _, wy := range all[1:2] {
		s := wy.scores(d.x)
		fmt.Fprintf(tw, "  %s\t%d of %d\t%g\n", wy.name, countCorrect(s.ArgmaxRows(), refPred), n, maxDiff(s, ref))
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Not just the same predictions: the same scores, to the last bit. Each score")
	fmt.Fprintln(w, "is the same sum of the same products in the same order, whichever batch its")
	fmt.Fprintln(w, "row travels in; a batch only puts many such sums side by side.")
	fmt.Fprintln(w)
	lib := all[4].scores(d.x)
	agree := "within 1e-12"
	if diff := maxDiff(lib, ref); diff >= 1e-12 {
		agree = fmt.Sprintf("%.2g apart at most", diff)
	}
	fmt.Fprintln(w, "The library's own forward pass, nn.MLP.Logits, computes the same products with")
	fmt.Fprintln(w, "code written for speed (nn/product.go and the fast path behind it): its scores")
	fmt.Fprintf(w, "are %s of these, and %d of %d predictions agree.\n", agree, countCorrect(lib.ArgmaxRows(), refPred), n)
	fmt.Fprintln(w)
	if !timing {
		fmt.Fprintln(w, "Run with -time to measure how much faster batches are. Times differ from")
		fmt.Fprintln(w, "machine to machine, so the default output leaves them out.")
		return
	}
	timeWays(w, d.x, all, 5)
	timeLoopOrders(w, 400, 3)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "What four rows per pass and the loop order change, and why: docs/performance.md,")
	fmt.Fprintln(w, "\"Plain Go: loop order and batches\".")
}

// best runs f reps times and returns the shortest time: the run least
// disturbed by everything else the machine was doing.
func best(reps int, f func()) time.Duration {
	fastest := time.Duration(1<<63 - 1)
	for range reps {
		start := time.Now()
		f()
		fastest = min(fastest, time.Since(start))
	}
	return fastest
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// timeWays times every way over all rows of x and prints the speed-up of
// each batched way over the one-at-a-time way before it.
func timeWays(w io.Writer, x nn.Matrix, all []way, reps int) {
	fmt.Fprintf(w, "Time for all %d digits (best of %d runs):\n", x.Rows(), reps)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	var single time.Duration
	for _, wy := range all {
		t := best(reps, func() { wy.scores(x) })
		ratio := ""
		if strings.HasPrefix(wy.name, "one at a time") {
			single = t
		} else {
			ratio = fmt.Sprintf("%.1f× as fast as one at a time", float64(single)/float64(t))
		}
		fmt.Fprintf(tw, "  %s\t%s", wy.name, ms(t))
		if ratio != "" {
			fmt.Fprintf(tw, "\t%s", ratio)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Fprintln(w)
}

// timeLoopOrders times nn.Dot (i-k-j) against the i-j-k order on two
// random size×size matrices.
func timeLoopOrders(w io.Writer, size, reps int) {
	rng := rand.New(rand.NewPCG(1, seedStream))
	a, b := nn.New(size, size), nn.New(size, size)
	for _, m := range []nn.Matrix{a, b} {
		for _, row := range m {
			for j := range row {
				row[j] = rng.Float64()
			}
		}
	}
	ikj := best(reps, func() { nn.Dot(a, b) })
	ijk := best(reps, func() { dotIJK(a, b) })
	fmt.Fprintf(w, "Loop order, on two %d×%d matrices (best of %d runs):\n", size, size, reps)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  i-k-j (nn.Dot)\t%s\n", ms(ikj))
	fmt.Fprintf(tw, "  i-j-k (textbook)\t%s\t%.1f× the time of i-k-j\n", ms(ijk), float64(ijk)/float64(ikj))
	tw.Flush()
}
