package main

// Using a trained network: evaluating a saved model on a data set (-eval)
// and reading a digit from a picture (-predict).

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"nnfromscratch/data"
	"nnfromscratch/internal/atomicfile"
	"nnfromscratch/internal/format"
	"nnfromscratch/nn"
)

// digits is the number of classes -predict reads a picture as: 0 to 9.
const digits = 10

// maxModelBytes bounds what -model reads: the largest network nn allows,
// nn.MaxParams numbers, written out at the longest, 25 characters a number.
const maxModelBytes = 25 * nn.MaxParams

// loadModel reads a network saved by -save. The file must be a regular file
// (a named pipe would make it wait forever, a device feed it without end),
// and its sizes line must be backed by enough bytes before nn.Load makes
// room for the weights it announces.
func loadModel(path string) (*nn.MLP, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if st, err := os.Stat(filepath.Dir(path)); err == nil && st.IsDir() {
			return nil, fmt.Errorf("-model %s: no such file; train and save a model first: go run ./ch07_mnist -save %s", path, shellWord(path))
		}
		return nil, fmt.Errorf("-model %s: no such file or folder", path)
	}
	f, err := atomicfile.OpenRegular(path, maxModelBytes)
	if err != nil {
		return nil, fmt.Errorf("-model %v", err) // the error starts with the path
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	// The size the system reports is 0 for an empty file, but also for
	// files made as they are read (/proc): read to know.
	if _, err := r.Peek(1); err == io.EOF {
		return nil, fmt.Errorf("-model %s: the file is empty; save the model again with -save", path)
	}
	if err := checkModelSize(r, f.Size()); err != nil {
		return nil, fmt.Errorf("-model %s: %v", path, err)
	}
	net, err := nn.Load(r)
	if err != nil {
		return nil, fmt.Errorf("-model %s: %v", path, err)
	}
	return net, nil
}

// checkModelSize compares the number of parameters the sizes line (the
// second line) announces with the file's size: each parameter is written
// with at least one digit and a separator, so a file of fewer than 2 bytes
// a parameter was cut short or edited, and is refused before anything is
// allocated for it. Anything else wrong with the first lines is left for
// nn.Load to say; so is a file whose size is not known in advance (0).
func checkModelSize(r *bufio.Reader, size int64) error {
	head, _ := r.Peek(4096)
	lines := strings.SplitN(string(head), "\n", 3)
	if size == 0 || len(lines) < 3 {
		return nil
	}
	f := strings.Fields(lines[1])
	if len(f) < 3 || f[0] != "sizes" {
		return nil
	}
	sizes := make([]int, len(f)-1)
	for i, s := range f[1:] {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > nn.MaxWidth {
			return nil
		}
		sizes[i] = v
	}
	params := nn.ParamCount(sizes)
	if params > nn.MaxParams || int64(params) <= size/2 {
		return nil
	}
	return fmt.Errorf("line 2: the sizes line says %s, a network of %s parameters, which take at least %s bytes written out, but the file holds %s: it was cut short or edited; save the model again",
		nn.SizesString(sizes), nn.Thousands(params), format.Thousands64(2*int64(params)), format.Thousands64(size))
}

// runEval measures a saved network on the test images of -data. It needs
// only the test files: data.Loader.LoadTest does not look for the training
// pair, and reads no more than -test-limit images.
func runEval(w io.Writer, cfg *config) error {
	net, ds, err := loadModelAndTests(cfg, "evaluate it on data like the data it was trained on", nil)
	if err != nil {
		return err
	}
	testSet := ds.Test
	section(w, 1, "The data")
	fmt.Fprintln(w, ds.Name)
	if testSet.Len() < ds.TestTotal {
		fmt.Fprintf(w, "using the first %s of the %s test images\n", nn.Thousands(testSet.Len()), nn.Thousands(ds.TestTotal))
	}
	section(w, 2, "The model")
	fmt.Fprintf(w, "%s: %s, loaded without training\n", cfg.model, net)

	te := testSplit(testSet)
	ev, err := evaluateModel(cfg, net, te)
	if err != nil {
		return err
	}
	section(w, 3, "Evaluation")
	printAccuracy(w, ev)
	report(w, 4, ev, te, ds.Classes, classNames(ds))
	if nn.AtChance(ev.accuracy(), ds.Classes) {
		other := "a model of other data"
		if classNames(ds) != nil {
			other = "a digits model on clothes"
		}
		return fmt.Errorf("-model %s: accuracy %.1f%% on these test images is chance level (1 in %d): the network knows nothing of them (%s, or one that learned nothing?); evaluate it on data like the data it was trained on, or train a model on this data with -data and -save",
			cfg.model, 100*ev.accuracy(), ds.Classes, other)
	}
	return nil
}

// loadModelAndTests reads -model and the test images of -data (only the
// test files, and no more than -test-limit images: data.Loader.LoadTest),
// and checks that the network takes these images and gives their classes;
// what to do about a mismatch is todo. need, if not nil, checks the network
// for the command before any data is read.
func loadModelAndTests(cfg *config, todo string, need func(*nn.MLP) error) (*nn.MLP, *data.Dataset, error) {
	net, err := loadModel(cfg.model)
	if err != nil {
		return nil, nil, err
	}
	if need != nil {
		if err := need(net); err != nil {
			return nil, nil, err
		}
	}
	ds, err := data.Loader{TestLimit: cfg.testLimit}.LoadTest(cfg.data)
	if err != nil {
		return nil, nil, dataError(err, true)
	}
	te := ds.Test
	if in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]; in != te.Rows*te.Cols || out != ds.Classes {
		return nil, nil, fmt.Errorf("-model %s: the network takes %d inputs and gives %s, but the images of -data have %d pixels (%d×%d) and %d classes; %s",
			cfg.model, in, classCount(out), te.Rows*te.Cols, te.Rows, te.Cols, ds.Classes, todo)
	}
	return net, ds, nil
}

// evaluateModel is evaluate for a saved network, whose scores overflow
// only if its file was edited.
func evaluateModel(cfg *config, net *nn.MLP, te *split) (*evaluation, error) {
	ev, err := evaluate(net, te)
	if err != nil {
		return nil, fmt.Errorf("-model %s: %v on the test images: its weights are far too large (edited by hand?); save the model again", cfg.model, err)
	}
	return ev, nil
}

// runPredict reads the picture -predict names, prepares it as MNIST's
// digits were prepared, shows what the network sees, and what it says.
func runPredict(w io.Writer, cfg *config) error {
	net, err := loadModel(cfg.model)
	if err != nil {
		return err
	}
	if net.Sizes[0] != side*side {
		return fmt.Errorf("-model %s: the network takes %d inputs, but a picture becomes %d×%d = %d pixels; -predict needs a network trained on 28×28 digits",
			cfg.model, net.Sizes[0], side, side, side*side)
	}
	if out := net.Sizes[len(net.Sizes)-1]; out != digits {
		return fmt.Errorf("-model %s: the network gives %s, but a digit is one of %d; -predict needs a network trained on digits, with %d outputs",
			cfg.model, classCount(out), digits, digits)
	}
	f, err := atomicfile.OpenRegular(cfg.predict, 1<<62)
	if err != nil {
		return fmt.Errorf("-predict %v", err) // the error starts with the path
	}
	defer f.Close()
	if f.Size() > maxImageBytes {
		return fmt.Errorf("-predict %s: the file is over %d MB; an image of a digit needs far less", cfg.predict, maxImageBytes>>20)
	}
	d, err := readDigit(f)
	if err != nil {
		return fmt.Errorf("-predict %s: %v", cfg.predict, err)
	}
	x := inputOf(net, d.bytes(), side*side) // as the network's input: ÷255, or standardised as it was trained
	if _, _, err := net.Evaluate(x); err != nil {
		return fmt.Errorf("-model %s: %v on this picture: its weights are far too large (edited by hand?); save the model again", cfg.model, err)
	}
	probs := net.Predict(x)[0]

	section(w, 1, "Your picture")
	fmt.Fprintf(w, "%s: %d×%d pixels, %s.\n", cfg.predict, d.width, d.height, d.canvas)
	fmt.Fprintf(w, "The ink fills a %d×%d box; scaled to %d×%d and centred by its centre of mass in %d×%d, it reads:\n",
		d.ink.Dx(), d.ink.Dy(), d.scaledW, d.scaledH, side, side)
	asciiFull(w, d.pixels, side, side)

	section(w, 2, "What the network says")
	fmt.Fprintf(w, "%s: %s\n", cfg.model, net)
	printBars(w, probs)
	best := topK(probs, 3)
	var next []string
	for _, c := range best[1:] {
		next = append(next, fmt.Sprintf("%d (%.1f%%)", c, 100*probs[c]))
	}
	fmt.Fprintf(w, "prediction: %d, %.1f%% sure; next guesses %s\n", best[0], 100*probs[best[0]], strings.Join(next, ", "))
	fmt.Fprintln(w, "(\"sure\" is softmax's probability, and it is not calibrated: a network trained until its training loss is")
	fmt.Fprintln(w, " near 0 says 99% or more of most pictures, its mistakes too; read it as a ranking of the digits, not as odds.)")
	return nil
}

// printBars draws the probabilities as a bar chart, 40 characters for 100%.
func printBars(w io.Writer, probs []float64) {
	const full = 40
	for c, p := range probs {
		bar := strings.Repeat("#", int(math.Round(p*full)))
		fmt.Fprintf(w, "%5d  %6.2f%%  |%s\n", c, 100*p, bar)
	}
}

// classCount writes "10 classes", or "1 class".
func classCount(n int) string {
	if n == 1 {
		return "1 class"
	}
	return fmt.Sprintf("%d classes", n)
}
