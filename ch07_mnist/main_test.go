package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"nnfromscratch/data"
	"nnfromscratch/internal/golden"
	"nnfromscratch/nn"
)

// TestGolden runs article 002's experiment on the bundled digits, exactly
// as `go run ./ch07_mnist -preset article002 -notime -svg docs/img` does,
// and checks the output, the doc's copy of it, and the figure.
func TestGolden(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := run(&buf, []string{"-preset", "article002", "-notime", "-svg", dir}); err != nil {
		t.Fatal(err)
	}
	// The output names the folder it wrote to: show the doc's command's.
	out := bytes.ReplaceAll(buf.Bytes(), []byte(dir), []byte("docs/img"))
	golden.Check(t, "run", out)
	golden.CheckDoc(t, "../docs/ch07_mnist.md", out)
	golden.CheckFiles(t, dir, "../docs/img")

	for _, want := range []string{"== 5. Confusion matrix ==", "== 6. Mistakes ==", "summary epochs=2 test_accuracy=",
		"which this is not.)", "epoch  train loss  test accuracy  seconds\n"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("the output lacks %q", want)
		}
	}
	// The article's figures belong to the full MNIST: not shown beside the
	// sample's.
	for _, not := range []string{"0.0982", "0.9486", "0.9669"} {
		if bytes.Contains(out, []byte(not)) {
			t.Errorf("the output compares the sample with the article's %s", not)
		}
	}
}

// small is a short run for the tests that are not about accuracy.
var small = []string{"-train-limit", "1000", "-test-limit", "300", "-epochs", "1", "-layers", "784,32,10", "-batch", "16", "-notime"}

func runArgs(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	err := run(&buf, args)
	return buf.String(), err
}

// Same seed and flags, same output, on one core or four: the matrix kernels
// split work by rows, each computed by one goroutine in a fixed order.
func TestDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var outs []string
	for _, procs := range []int{1, 4, 4} {
		runtime.GOMAXPROCS(procs)
		out, err := runArgs(t, small...)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] || outs[1] != outs[2] {
		t.Errorf("the same run printed different outputs:\n--- GOMAXPROCS 1:\n%s\n--- GOMAXPROCS 4:\n%s", outs[0], outs[1])
	}
	other, err := runArgs(t, append(small, "-seed", "2")...)
	if err != nil {
		t.Fatal(err)
	}
	if other == outs[0] {
		t.Error("-seed 2 printed the same as -seed 1")
	}
}

func TestTimes(t *testing.T) {
	out, err := runArgs(t, "-train-limit", "300", "-test-limit", "100", "-epochs", "2", "-layers", "784,16,10")
	if err != nil {
		t.Fatal(err)
	}
	// The line a benchmark script reads, with the sed expression it uses.
	re := regexp.MustCompile(`(?m)^summary epochs=2 train_seconds_per_epoch=([0-9.eE+-]*) val_accuracy=0\.\d{4} test_accuracy=0\.\d{4}$`)
	if m := re.FindStringSubmatch(out); m == nil || m[1] == "" {
		t.Errorf("no summary line with train_seconds_per_epoch in:\n%s", out)
	}
	if !regexp.MustCompile(`(?m)^    1  +\d+\.\d{4}  +0\.\d{4}  +\d+\.\d\d  +0\.05$`).MatchString(out) {
		t.Errorf("the epoch table shows no seconds:\n%s", out)
	}
}

func TestBadFlags(t *testing.T) {
	dir := t.TempDir()
	golden.CheckBadFlags(t, run, []golden.BadFlag{
		{Args: []string{"-lr", "0"}, Want: "-lr 0"},
		{Args: []string{"-lr", "-0.1"}, Want: "-lr -0.1"},
		{Args: []string{"-lr", "NaN"}, Want: "-lr NaN"},
		{Args: []string{"-batch", "0"}, Want: "-batch 0"},
		{Args: []string{"-epochs", "-1"}, Want: "-epochs -1"},
		{Args: []string{"-layers", "784,abc,10"}, Want: `-layers "784,abc,10"`},
		{Args: []string{"-layers", "784"}, Want: `-layers "784"`},
		{Args: []string{"-layers", "784,0,10"}, Want: `-layers "784,0,10"`},
		{Args: []string{"-layers", "784,-5,10"}, Want: `-layers "784,-5,10"`},
		{Args: []string{"-act", "swish"}, Want: `-act "swish"`},
		{Args: []string{"-opt", "lion"}, Want: `-opt "lion"`},
		{Args: []string{"-preset", "article003"}, Want: `-preset "article003"`},
		{Args: []string{"-eval"}, Want: "-eval: needs -model"},
		{Args: []string{"-predict", "my7.png"}, Want: "-predict: needs -model"},
		{Args: []string{"-model", "x.model"}, Want: "-model: give -eval, -predict or -serve"},
		{Args: []string{"-train-limit", "-3"}, Want: "-train-limit -3"},
		{Args: []string{"-test-limit", "-3"}, Want: "-test-limit -3"},
		{Args: []string{"-batch", "two"}, Want: "-batch"},
		{Args: []string{"-frobnicate"}, Want: "-frobnicate"},
		{Args: []string{"extra"}, Want: `unexpected argument "extra"`},
		{Args: []string{"-save", filepath.Join(dir, "no", "such", "dir", "m.model")}, Want: "-save"},
		{Args: []string{"-svg", filepath.Join(dir, "missing")}, Want: "-svg"},
		{Args: []string{"-model", filepath.Join(dir, "none.model"), "-eval"}, Want: "-model"},
		// These fail only once the data is loaded: still before any output.
		{Args: []string{"-layers", "100,10"}, Want: "the input size must be 784"},
		{Args: []string{"-layers", "784,32,9"}, Want: "the output size must be 10"},
		{Args: []string{"-data", filepath.Join(dir, "nothing-here")}, Want: "-data"},
	}...)
}

func TestHelp(t *testing.T) {
	golden.CheckHelp(t, run, "  -data", "  -download", "  -preset", "  -layers", "  -act", "  -opt", "  -lr", "  -batch", "  -epochs",
		"  -seed", "  -train-limit", "  -test-limit", "  -svg", "  -save", "  -model", "  -eval", "  -predict", "  -notime",
		"  -validate", "  -weight-decay", "  -dropout", "  -batchnorm", "  -init", "  -schedule", "  -patience", "  -standardize",
		"  -augment", "  -distort")
}

// Explicit flags win over the preset; the rest of the preset stays.
func TestPresetOverride(t *testing.T) {
	cfg, _, err := parseFlags(nil, []string{"-preset", "article002", "-lr", "0.01", "-epochs", "1"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.lr != 0.01 || cfg.epochs != 1 || cfg.batch != 15 || cfg.opt != "adam" || joinSizes(cfg.layers) != "784,64,64,64,10" {
		t.Errorf("-preset article002 -lr 0.01 -epochs 1 gave lr %g, epochs %d, batch %d, opt %s, layers %v",
			cfg.lr, cfg.epochs, cfg.batch, cfg.opt, cfg.layers)
	}
	if got := strings.Join(cfg.changed(), ", "); got != "-lr 0.01, -epochs 1" {
		t.Errorf("changed() = %q", got)
	}
	// A flag given with the preset's own value counts as given, and changes nothing.
	cfg, _, err = parseFlags(nil, []string{"-preset", "article000", "-batch", "32"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.batch != 32 || cfg.act != "sigmoid" || cfg.lr != 0.2 {
		t.Errorf("-preset article000 -batch 32 gave batch %d, act %s, lr %g", cfg.batch, cfg.act, cfg.lr)
	}
	for _, p := range presets {
		if nn.ParamCount(p.layers) == 0 || p.what == "" {
			t.Errorf("preset %s is incomplete", p.name)
		}
	}
}

// A learning rate far too large makes the loss NaN: training stops at once
// with a hint, and no NaN is printed as a result.
func TestDivergence(t *testing.T) {
	out, err := runArgs(t, "-opt", "sgd", "-lr", "1e200", "-train-limit", "500", "-test-limit", "100", "-layers", "784,16,10", "-epochs", "3")
	var div *nn.DivergedError
	if !errors.As(err, &div) {
		t.Fatalf("error %v, want a *nn.DivergedError", err)
	}
	if !strings.HasPrefix(err.Error(), "-lr 1e+200: training diverged") {
		t.Errorf("error %q should name -lr", err)
	}
	if strings.Contains(out, "NaN") || strings.Contains(out, "summary") {
		t.Errorf("a diverged run printed results:\n%s", out)
	}
}

// After Ctrl-C the loop checks the weights but not the scores: a last step
// that left the weights finite but so large that the scores overflow is
// caught by the final evaluation, worded as every other divergence.
func TestFinalEvaluationOverflow(t *testing.T) {
	_, test, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	te := testSplit(test.Head(50))
	net, err := nn.NewMLP([]int{784, 16, 10}, "relu", newRand(1))
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config{lr: 0.5, opt: "momentum"}
	if ev, err := finalEvaluation(net, te, cfg, nil); err != nil || len(ev.pred) != 50 {
		t.Fatalf("a sound network: %v", err)
	}
	for _, row := range net.Dense()[1].W {
		for j := range row {
			row[j] = 1e308 // finite, but the hidden units' sums overflow
		}
	}
	if !finiteWeights(net) {
		t.Fatal("the weights should still be finite")
	}
	_, err = finalEvaluation(net, te, cfg, &interruption{epoch: 2, epochs: 3, steps: 41})
	var div *nn.DivergedError
	if !errors.As(err, &div) || err.Error() != "-lr 0.5: training diverged: the weights overflowed at step 41; the learning rate 0.5 is too large for momentum: try -lr 0.05" {
		t.Errorf("error %v, want the diverged line at step 41", err)
	}
}

// A network that ends at chance reports its results, then fails with one
// line saying so and what to try.
func TestChanceHint(t *testing.T) {
	out, err := runArgs(t, "-batchnorm=false", "-opt", "sgd", "-lr", "100", "-train-limit", "500", "-test-limit", "200", "-layers", "784,16,10", "-epochs", "1", "-notime")
	if err == nil || !strings.HasPrefix(err.Error(), "training failed: accuracy") || !strings.Contains(err.Error(), "chance level") {
		t.Fatalf("error %v, want the chance-level line", err)
	}
	if !strings.Contains(out, "summary epochs=1 val_accuracy=") || strings.Contains(out, "NaN") {
		t.Errorf("the results are missing or show NaN:\n%s", out)
	}
	// -epochs 0 evaluates the untrained network: chance is expected there.
	if _, err := runArgs(t, "-train-limit", "100", "-test-limit", "100", "-layers", "784,16,10", "-epochs", "0"); err != nil {
		t.Errorf("-epochs 0: %v", err)
	}
}

// The model the -eval and -predict tests use: trained once, for 3 epochs on
// 2,000 digits, in a folder that outlives each test.
var trained = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ch07-model-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "digits.model")
	var buf bytes.Buffer
	err = run(&buf, []string{"-train-limit", "2000", "-test-limit", "500", "-epochs", "3", "-layers", "784,64,10",
		"-opt", "adam", "-lr", "0.002", "-batch", "16", "-notime", "-save", path})
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(filepath.Join(dir, "output.txt"), buf.Bytes(), 0o644)
})

func TestMain(m *testing.M) {
	code := m.Run()
	if path, err := trained(); err == nil {
		os.RemoveAll(filepath.Dir(path))
	}
	os.Exit(code)
}

func trainedModel(t *testing.T) (path, output string) {
	t.Helper()
	path, err := trained()
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.ReadFile(filepath.Join(filepath.Dir(path), "output.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return path, string(out)
}

var accuracyLine = regexp.MustCompile(`(?m)^test accuracy (0\.\d{4}): `)

// Saving, loading and evaluating gives back the very same accuracy, from
// the bundled sample and from a folder holding only the test IDX pair.
func TestSaveLoadEval(t *testing.T) {
	model, trainOut := trainedModel(t)
	m := accuracyLine.FindStringSubmatch(trainOut)
	if m == nil {
		t.Fatalf("no test accuracy in the training output:\n%s", trainOut)
	}
	if !strings.Contains(trainOut, "saved the network to "+model) {
		t.Errorf("the training run does not say where it saved the model")
	}

	out, err := runArgs(t, "-model", model, "-eval", "-test-limit", "500")
	if err != nil {
		t.Fatal(err)
	}
	if e := accuracyLine.FindStringSubmatch(out); e == nil || e[1] != m[1] {
		t.Errorf("-eval on the sample: %v, want test accuracy %s as in training:\n%s", e, m[1], out)
	}

	// A folder with only the test pair, as gzipped IDX files.
	_, test, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeIDXTestPair(t, dir, test.Head(500))
	out, err = runArgs(t, "-model", model, "-eval", "-data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if e := accuracyLine.FindStringSubmatch(out); e == nil || e[1] != m[1] {
		t.Errorf("-eval on %s: %v, want test accuracy %s as in training:\n%s", dir, e, m[1], out)
	}
	for _, want := range []string{"IDX files in " + dir + " (500 test)", "784-64-10 relu", "== 4. Confusion matrix ==", "== 5. Mistakes =="} {
		if !strings.Contains(out, want) {
			t.Errorf("-eval output lacks %q:\n%s", want, out)
		}
	}

	// The same model against data of another shape.
	wide := &data.Set{Images: make([]byte, 3*30*30), Labels: []byte{1, 2, 3}, Rows: 30, Cols: 30}
	dir2 := t.TempDir()
	writeIDXTestPair(t, dir2, wide)
	if _, err := runArgs(t, "-model", model, "-eval", "-data", dir2); err == nil || !strings.Contains(err.Error(), "takes 784 inputs") {
		t.Errorf("a 784-input model on 30×30 images: error %v", err)
	}
}

// writeIDXTestPair writes s as t10k-images-idx3-ubyte.gz and
// t10k-labels-idx1-ubyte.gz, the MNIST test files, into dir. IDX: a magic
// number (0x0803 for images, 0x0801 for labels), the sizes as big-endian
// uint32s, then the bytes.
func writeIDXTestPair(t *testing.T, dir string, s *data.Set) {
	t.Helper()
	write := func(name string, header []uint32, body []byte) {
		var raw bytes.Buffer
		for _, v := range header {
			binary.Write(&raw, binary.BigEndian, v)
		}
		raw.Write(body)
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(raw.Bytes())
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	n := uint32(s.Len())
	write("t10k-images-idx3-ubyte.gz", []uint32{0x0803, n, uint32(s.Rows), uint32(s.Cols)}, s.Images)
	write("t10k-labels-idx1-ubyte.gz", []uint32{0x0801, n}, s.Labels)
}

// -predict end to end: real test digits, blown up to 140×140 and drawn dark
// on light as a person would, are read back as the network reads the
// originals, which for these digits is right.
func TestPredictEndToEnd(t *testing.T) {
	model, _ := trainedModel(t)
	f, err := os.Open(model)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.Load(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	_, test, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	// The first four test digits the model gets right as they are.
	first := test.Head(20)
	var picked []int
	for i, c := range net.Classify(nn.FromPixels(first.Images, 784)) {
		if c == int(first.Labels[i]) && len(picked) < 4 {
			picked = append(picked, i)
		}
	}
	if len(picked) < 4 {
		t.Fatalf("the model gets only %d of the first 20 test digits right", len(picked))
	}
	dir := t.TempDir()
	for _, i := range picked {
		label := int(test.Labels[i])
		path := filepath.Join(dir, fmt.Sprintf("digit%d.png", i))
		writePNG(t, path, blowUp(test.Image(i), 28, 5))
		out, err := runArgs(t, "-model", model, "-predict", path)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"140×140 pixels, dark ink on a light background (inverted)", "@@@@", "+" + strings.Repeat("-", 56) + "+"} {
			if !strings.Contains(out, want) {
				t.Errorf("test digit %d: the output lacks %q:\n%s", i, want, out)
			}
		}
		if !strings.Contains(out, fmt.Sprintf("prediction: %d,", label)) {
			t.Errorf("test digit %d, a %d, was read as something else:\n%s", i, label, out)
		}
		if strings.Count(out, "%  |") != 10 {
			t.Errorf("test digit %d: want 10 probability bars:\n%s", i, out)
		}
	}
}

// An MNIST digit is already in MNIST's form: blown up and read back, it
// should come out nearly as it was.
func TestPreprocessRestoresMNISTDigit(t *testing.T) {
	_, test, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		var buf bytes.Buffer
		png.Encode(&buf, blowUp(test.Image(i), 28, 5))
		d, err := decodeDigit(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		diff := 0.0
		for j, v := range test.Image(i) {
			diff += math.Abs(float64(v)/255 - d.pixels[j])
		}
		if mean := diff / 784; mean > 0.06 {
			t.Errorf("test digit %d comes back with a mean difference of %.3f per pixel", i, mean)
		}
	}
}

// blowUp scales a side×side MNIST image up k times and inverts it: dark
// ink on white paper.
func blowUp(pixels []byte, side, k int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, side*k, side*k))
	for y := range side * k {
		for x := range side * k {
			img.SetGray(x, y, color.Gray{255 - pixels[(y/k)*side+x/k]})
		}
	}
	return img
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPredictErrors(t *testing.T) {
	model, _ := trainedModel(t)
	dir := t.TempDir()
	notPNG := filepath.Join(dir, "notes.png")
	os.WriteFile(notPNG, []byte("this is text, not a picture"), 0o644)
	blank := filepath.Join(dir, "blank.png")
	white := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	writePNG(t, blank, white)
	empty := filepath.Join(dir, "empty.png")
	os.WriteFile(empty, nil, 0o644)
	cases := []struct{ path, want string }{
		{notPNG, "not a PNG, JPEG or GIF image"},
		{blank, "blank"},
		{empty, "empty"},
		{filepath.Join(dir, "missing.png"), "no such file"},
	}
	for _, c := range cases {
		_, err := runArgs(t, "-model", model, "-predict", c.path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "-predict "+c.path+": ") {
			t.Errorf("-predict %s: error %v, want one naming the file and saying %q", filepath.Base(c.path), err, c.want)
		}
	}
	// A model file that is not one.
	bad := filepath.Join(dir, "bad.model")
	os.WriteFile(bad, []byte("hello\n"), 0o644)
	if _, err := runArgs(t, "-model", bad, "-predict", blank); err == nil || !strings.Contains(err.Error(), "-model "+bad+": line 1") {
		t.Errorf("a broken model file: error %v", err)
	}
}

// The loop's claim: a training step allocates nothing once its buffers
// exist, and neither does the meter watching it.
func TestTrainingStepAllocatesNothing(t *testing.T) {
	train, _, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	tr := trainSplit(train.Head(640))
	cfg, _, _ := parseFlags(nil, nil)
	rng := newRand(1)
	net, _ := nn.NewMLP(cfg.layers, cfg.act, rng)
	opt, _ := nn.NewOptimizer(cfg.opt, cfg.lr)
	batches := nn.NewBatches(tr.x, tr.labels, 10, cfg.batch, rng)
	m := &meter{w: &bytes.Buffer{}, curveX: make([]float64, 0, 10), curveY: make([]float64, 0, 10), curveAcc: make([]float64, 0, 10)}
	m.startEpoch(1, 1<<30, cfg.lr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	step := func() {
		x, tt, labels, ok := batches.Next()
		if !ok {
			batches.Epoch()
			x, tt, labels, _ = batches.Next()
		}
		select { // as the loop looks for Ctrl-C
		case <-ctx.Done():
			t.Fatal("cancelled")
		default:
		}
		loss := net.Loss(x, tt)
		net.Backward()
		opt.Step(net.Params())
		m.batchDone(loss, net.Head.P, labels)
	}
	step() // the first step makes the buffers and the optimiser's state
	if allocs := testing.AllocsPerRun(50, step); allocs != 0 {
		t.Errorf("a training step allocates %.1f times", allocs)
	}
}

// The progress line redraws in place with '\r' and is wiped before the
// table's next row; with no terminal there is none.
func TestProgressLine(t *testing.T) {
	if progressWriter(&bytes.Buffer{}) != nil {
		t.Error("progress would be drawn into a buffer")
	}
	var term bytes.Buffer
	m := &meter{w: &bytes.Buffer{}, progress: &term, epochs: 3}
	m.startEpoch(2, 100, 0.1)
	probs, labels := nn.New(32, 10), make([]int, 32)
	for range 10 {
		m.batchDone(0.5, probs, labels)
	}
	m.draw(m.clockOn.Add(1e9))
	m.batchDone(0.25, probs, labels)
	m.draw(m.clockOn.Add(2e9))
	m.stopClock()
	got := term.String()
	if !strings.HasPrefix(got, "\repoch 2/3  batch 10/100  loss 0.5000  320 images/s") {
		t.Errorf("progress line %q", got)
	}
	if !strings.Contains(got, "\repoch 2/3  batch 11/100  loss 0.4773") || !strings.HasSuffix(got, "\r") {
		t.Errorf("progress line not redrawn and wiped: %q", got)
	}
}

// trainSplit is the training split of s as a run makes it with p/255 input.
func trainSplit(s *data.Set) *split {
	tr := &split{name: "training", images: s, labels: nn.Labels(s.Labels)}
	prepareInput(&config{}, &nn.MLP{}, tr)
	return tr
}
