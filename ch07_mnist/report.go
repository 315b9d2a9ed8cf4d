package main

// What the network gets right and wrong: its verdict on every test image,
// the accuracy, the confusion matrix and the mistakes it is surest of.

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"nnfromscratch/data"
	"nnfromscratch/nn"
)

// mistakesShown is how many misclassified test images the report draws.
const mistakesShown = 6

// evaluation is the network's verdict on every test image.
type evaluation struct {
	pred       []int     // the predicted class
	confidence []float64 // the probability softmax gives that class
	correct    int
}

// evaluate runs the network on the images of te and counts the right
// answers. The images go nn.EvalChunk at a time: each chunk's bytes become
// numbers (inputOf: ÷255, or standardised as the network was trained) just
// before nn's MLP.Evaluate runs the network on them (the most probable
// class wins), so that a test set of any size takes no more memory than its
// bytes and one chunk. It returns nn.ErrOverflow rather than results made
// of NaN.
func evaluate(net *nn.MLP, te *split) (*evaluation, error) {
	set := te.images
	n, size := set.Len(), set.Rows*set.Cols
	ev := &evaluation{pred: make([]int, 0, n), confidence: make([]float64, 0, n)}
	for lo := 0; lo < n; lo += nn.EvalChunk {
		hi := min(lo+nn.EvalChunk, n)
		pred, confidence, err := net.Evaluate(inputOf(net, set.Images[lo*size:hi*size], size))
		if err != nil {
			return nil, err
		}
		ev.pred, ev.confidence = append(ev.pred, pred...), append(ev.confidence, confidence...)
	}
	for i, c := range ev.pred {
		if c == te.labels[i] {
			ev.correct++
		}
	}
	return ev, nil
}

// accuracy is the fraction right.
func (ev *evaluation) accuracy() float64 {
	if len(ev.pred) == 0 {
		return 0
	}
	return float64(ev.correct) / float64(len(ev.pred))
}

// printAccuracy prints the accuracy, and the count behind it.
func printAccuracy(w io.Writer, ev *evaluation) {
	fmt.Fprintf(w, "test accuracy %.4f: %s of %s test images right\n",
		ev.accuracy(), nn.Thousands(ev.correct), nn.Thousands(len(ev.pred)))
}

// report prints the confusion matrix (section n) and draws the worst
// mistakes (section n+1).
func report(w io.Writer, n int, ev *evaluation, te *split, classes int, names []string) {
	section(w, n, "Confusion matrix")
	printConfusion(w, confusionMatrix(ev.pred, te.labels, classes), names)

	section(w, n+1, "Mistakes")
	worst := worstMistakes(ev, te.labels, mistakesShown)
	if len(worst) == 0 {
		fmt.Fprintln(w, "None: every test image is right.")
		return
	}
	fmt.Fprintf(w, "The %d test images the network got wrong most confidently (#index: the truth, said what, how sure):\n\n", len(worst))
	printMistakes(w, te.images, worst, ev, te.labels, names)
}

// fashionNames are the ten classes of Fashion-MNIST, in label order.
var fashionNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
	"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// classNames returns a name per class when the data set is Fashion-MNIST
// (its name or folder says "fashion"), and nil for digits, which name
// themselves.
func classNames(ds *data.Dataset) []string {
	if ds.Classes == len(fashionNames) && strings.Contains(strings.ToLower(ds.Name), "fashion") {
		return fashionNames
	}
	return nil
}

// confusionMatrix counts, for every true class (row) and predicted class
// (column), how many images fell there. The diagonal holds the right answers.
func confusionMatrix(pred, labels []int, classes int) [][]int {
	cm := make([][]int, classes)
	for i := range cm {
		cm[i] = make([]int, classes)
	}
	for i, p := range pred {
		cm[labels[i]][p]++
	}
	return cm
}

// printConfusion prints the matrix with each class's accuracy (the diagonal
// over the row's total) and the three most frequent mistakes.
func printConfusion(w io.Writer, cm [][]int, names []string) {
	fmt.Fprintf(w, "true ↓ predicted →")
	for j := range cm {
		fmt.Fprintf(w, "%5d", j)
	}
	fmt.Fprintf(w, "   right\n")
	for i, row := range cm {
		total := 0
		fmt.Fprintf(w, "%18d", i)
		for _, v := range row {
			fmt.Fprintf(w, "%5d", v)
			total += v
		}
		if total > 0 {
			fmt.Fprintf(w, "  %5.1f%%", 100*float64(row[i])/float64(total))
		} else {
			fmt.Fprintf(w, "       -")
		}
		if names != nil {
			fmt.Fprintf(w, "  %s", names[i])
		}
		fmt.Fprintln(w)
	}

	type cell struct{ true, pred, n int }
	var mistakes []cell
	for i, row := range cm {
		for j, v := range row {
			if i != j && v > 0 {
				mistakes = append(mistakes, cell{i, j, v})
			}
		}
	}
	sort.SliceStable(mistakes, func(a, b int) bool { return mistakes[a].n > mistakes[b].n })
	if len(mistakes) == 0 {
		fmt.Fprintln(w, "No mistakes at all.")
		return
	}
	var parts []string
	for _, c := range mistakes[:min(3, len(mistakes))] {
		parts = append(parts, fmt.Sprintf("%s taken for %s (%d times)", className(c.true, names), className(c.pred, names), c.n))
	}
	fmt.Fprintf(w, "Most frequent mistakes: %s.\n", strings.Join(parts, ", "))
}

// aDigit is "a 7", or "an 8": the article before a digit, as it is read.
func aDigit(c int) string {
	if c == 8 || c == 11 || c == 18 {
		return fmt.Sprintf("an %d", c)
	}
	return fmt.Sprintf("a %d", c)
}

// aClass is aDigit, or "a Sneaker", "an Ankle boot" when the classes have
// names.
func aClass(c int, names []string) string {
	if names == nil {
		return aDigit(c)
	}
	if strings.ContainsRune("AEIOUaeiou", rune(names[c][0])) {
		return "an " + names[c]
	}
	return "a " + names[c]
}

// className is "7", or "Sneaker" when the classes have names.
func className(c int, names []string) string {
	if names == nil {
		return fmt.Sprint(c)
	}
	return names[c]
}

// worstMistakes returns the test images the network got wrong with the most
// confidence, most confident first (ties: the earlier image first).
func worstMistakes(ev *evaluation, labels []int, n int) []int {
	var wrong []int
	for i, p := range ev.pred {
		if p != labels[i] {
			wrong = append(wrong, i)
		}
	}
	sort.SliceStable(wrong, func(a, b int) bool { return ev.confidence[wrong[a]] > ev.confidence[wrong[b]] })
	return wrong[:min(n, len(wrong))]
}

// printMistakes draws the given test images side by side, three to a row,
// each under a caption saying what it is and what the network said.
func printMistakes(w io.Writer, set *data.Set, idx []int, ev *evaluation, labels []int, names []string) {
	const perRow, gap = 3, "   "
	for lo := 0; lo < len(idx); lo += perRow {
		group := idx[lo:min(lo+perRow, len(idx))]
		art := make([][]string, len(group))
		captions := make([]string, len(group))
		for k, i := range group {
			art[k] = asciiHalfHeight(set.Image(i), set.Rows, set.Cols)
			captions[k] = fmt.Sprintf("#%d: %s, said %d (%.0f%%)", i, aDigit(labels[i]), ev.pred[i], 100*ev.confidence[i])
		}
		width := set.Cols
		var lines []string
		var sb strings.Builder
		for k := range group {
			if k > 0 {
				sb.WriteString(gap)
			}
			fmt.Fprintf(&sb, "%-*s", width, captions[k])
		}
		lines = append(lines, sb.String())
		// Rows blank in every picture of the group are left out.
		first, last := len(art[0]), -1
		for r := range art[0] {
			for k := range group {
				if strings.TrimSpace(art[k][r]) != "" {
					first, last = min(first, r), max(last, r)
				}
			}
		}
		for r := first; r <= last; r++ {
			sb.Reset()
			for k := range group {
				if k > 0 {
					sb.WriteString(gap)
				}
				sb.WriteString(art[k][r])
			}
			lines = append(lines, sb.String())
		}
		for _, l := range lines {
			fmt.Fprintln(w, strings.TrimRight(l, " "))
		}
		fmt.Fprintln(w)
	}
	if names != nil {
		var legend []string
		for i, n := range names {
			legend = append(legend, fmt.Sprintf("%d %s", i, n))
		}
		fmt.Fprintf(w, "(classes: %s)\n\n", strings.Join(legend, ", "))
	}
}

// ramp maps darkness to characters, from background to full ink.
const ramp = " .:-=+*#%@"

// shade returns the ramp character for an ink level v in 0..1.
func shade(v float64) byte {
	i := int(v * float64(len(ramp)))
	return ramp[max(0, min(i, len(ramp)-1))]
}

// asciiHalfHeight draws an image with one character per pixel across and
// one per two pixels down (a terminal's character cell is about twice as
// tall as it is wide, so the digit keeps its shape), each character the mean
// of the two pixels it covers.
func asciiHalfHeight(pixels []byte, rows, cols int) []string {
	var lines []string
	for r := 0; r < rows; r += 2 {
		line := make([]byte, cols)
		for c := range cols {
			v := float64(pixels[r*cols+c])
			if r+1 < rows {
				v = (v + float64(pixels[(r+1)*cols+c])) / 2
			}
			line[c] = shade(v / 255)
		}
		lines = append(lines, string(line))
	}
	return lines
}

// asciiFull draws an image with two characters per pixel across and one
// line per pixel down: every pixel shown, in about its true proportions,
// inside a frame.
func asciiFull(w io.Writer, img []float64, rows, cols int) {
	border := "+" + strings.Repeat("-", 2*cols) + "+"
	fmt.Fprintln(w, border)
	for r := range rows {
		line := make([]byte, 0, 2*cols)
		for c := range cols {
			ch := shade(img[r*cols+c])
			line = append(line, ch, ch)
		}
		fmt.Fprintf(w, "|%s|\n", line)
	}
	fmt.Fprintln(w, border)
}
