package main

// Tests of what trains the network well: the validation split, the flags of
// chapter 6, early stopping, augmentation, and the model file that keeps
// what inference needs.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"nnfromscratch/data"
	"nnfromscratch/internal/golden"
	"nnfromscratch/nn"
)

// The validation rule: image k of each class is held out when k%6 == 5, the
// rest train, in the set's order, and the two never share an image.
func TestValidationSplit(t *testing.T) {
	train, _, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	tr, val := validationSplit(train)
	if tr.Len()+val.Len() != train.Len() {
		t.Fatalf("%d + %d images, want %d", tr.Len(), val.Len(), train.Len())
	}
	var seen [10]int
	ti, vi := 0, 0
	for i, l := range train.Labels {
		want := tr
		k := &ti
		if seen[l]%6 == 5 {
			want, k = val, &vi
		}
		seen[l]++
		if !bytes.Equal(want.Image(*k), train.Image(i)) || want.Labels[*k] != l {
			t.Fatalf("image %d (a %d) is not where the rule puts it", i, l)
		}
		*k++
	}
	for c, n := range seen {
		var inVal int
		for _, l := range val.Labels {
			if int(l) == c {
				inVal++
			}
		}
		if inVal != n/6 {
			t.Errorf("class %d: %d of its %d images held out, want %d", c, inVal, n, n/6)
		}
	}
	if tr.Len() != 6671 || val.Len() != 1329 {
		t.Errorf("the sample splits %d / %d, the docs say 6,671 / 1,329", tr.Len(), val.Len())
	}
}

// A default run measures the validation images after every epoch and the
// test images once; article 002's preset, reproducing the article, measures
// the test images every epoch and says so; -validate=false measures the
// training batches.
func TestWhatEachEpochMeasures(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
		not  []string
	}{
		{nil, []string{"validation: 1 in 6 training images of each class held out", "  839 to train on, 161 to validate on",
			"epoch  train loss  validation accuracy  seconds", "initial accuracy 0.", " on the 161 validation images",
			"validation accuracy 0.", "(the test images were used this once, after training: no setting was chosen by them)",
			" val_accuracy=0."}, nil},
		{[]string{"-preset", "article002", "-layers", "784,32,10", "-batch", "16"},
			[]string{"no validation split: as article 002 did", "epoch  train loss  test accuracy  seconds\n",
				"on the 300 test images:", "(article 002 trained on the full MNIST, 60,000 images, tested on its 10,000, and counted epochs from 0:\n its figures are shown beside ours only on that data, which this is not.)"},
			[]string{"used this once", "val_accuracy", "0.9486", "0.0982", "article 002 printed"}},
		{[]string{"-validate=false"}, []string{"no validation split (-validate=false): all 1,000 training images train",
			"epoch  train loss  train accuracy  seconds", "on the 1,000 training images:"}, []string{"val_accuracy", "validation accuracy"}},
	} {
		out, err := runArgs(t, append(append([]string(nil), small...), c.args...)...)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: the output lacks %q:\n%s", c.args, w, out)
			}
		}
		for _, w := range c.not {
			if strings.Contains(out, w) {
				t.Errorf("%v: the output has %q:\n%s", c.args, w, out)
			}
		}
	}
}

// The article's figures are shown beside ours only on the data it used: the
// whole full MNIST, told from Fashion-MNIST and from a part of MNIST by its
// labels.
func TestFullMNISTOnly(t *testing.T) {
	train, test, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	if fullMNIST(&data.Dataset{Train: train, Test: test}) {
		t.Error("the bundled sample is taken for the full MNIST")
	}
	dir := filepath.Join("..", data.DefaultDir)
	if _, err := os.Stat(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz")); err != nil {
		t.Skip("the full MNIST is not in " + dir + " (go run ./ch07_mnist -download)")
	}
	ds, err := data.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !fullMNIST(ds) {
		t.Error("the full MNIST is not recognised")
	}
	ds.Train = ds.Train.Head(59_999)
	if fullMNIST(ds) {
		t.Error("59,999 of its training images are taken for the full MNIST")
	}
}

// -patience stops once the validation accuracy has not improved for that
// many epochs, keeps the best epoch's weights, and says both: the results
// are those of the kept epoch.
func TestEarlyStopping(t *testing.T) {
	out, err := runArgs(t, "-train-limit", "600", "-test-limit", "100", "-layers", "784,16,10", "-epochs", "40", "-patience", "2",
		"-lr", "0.2", "-notime")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Early stopping: no better validation accuracy for 2 epochs after epoch (\d+), so training stopped after epoch (\d+)\nand kept the weights of epoch (\d+) \(validation accuracy (0\.\d{4})\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no early stopping note:\n%s", out)
	}
	best, _ := strconv.Atoi(m[1])
	stopped, _ := strconv.Atoi(m[2])
	if stopped != best+2 || m[3] != m[1] || stopped >= 40 {
		t.Errorf("best epoch %d, stopped after %d, kept %s", best, stopped, m[3])
	}
	rows := regexp.MustCompile(`(?m)^ +(\d+) +\d+\.\d{4} +(0\.\d{4}) +-( +\S+)?$`).FindAllStringSubmatch(out, -1)
	if len(rows) != stopped {
		t.Fatalf("%d rows in the table, want %d", len(rows), stopped)
	}
	top := ""
	for _, r := range rows {
		if r[2] > top {
			top = r[2]
		}
	}
	if rows[best-1][2] != top || rows[best-1][2] != m[4] {
		t.Errorf("kept epoch %d at %s, but the best in the table is %s", best, m[4], top)
	}
	if !strings.Contains(out, "validation accuracy "+m[4]+": ") {
		t.Errorf("the results are not those of the kept epoch (%s):\n%s", m[4], out)
	}
}

// -schedule changes the rate each epoch, and the table shows it: cosine from
// -lr down towards 0, step halving it every quarter of the epochs.
func TestScheduleShown(t *testing.T) {
	for _, c := range []struct {
		schedule string
		rates    []string
	}{
		{"cosine", []string{"0.1", "0.08536", "0.05", "0.01464"}},
		{"step", []string{"0.1", "0.05", "0.025", "0.0125"}},
	} {
		out, err := runArgs(t, append(append([]string(nil), small...), "-epochs", "4", "-lr", "0.1", "-schedule", c.schedule)...)
		if err != nil {
			t.Fatal(err)
		}
		rows := regexp.MustCompile(`(?m)^ +\d +\d+\.\d{4} +0\.\d{4} +- +(\S+)$`).FindAllStringSubmatch(out, -1)
		var got []string
		for _, r := range rows {
			got = append(got, r[1])
		}
		if strings.Join(got, " ") != strings.Join(c.rates, " ") || !strings.Contains(out, "  learning rate\n") {
			t.Errorf("-schedule %s: rates %v, want %v:\n%s", c.schedule, got, c.rates, out)
		}
	}
}

// -augment gives the same run on one core or two (data.Augmenter splits the
// images among the cores, each distorted from its own seed), and a
// different one from a run without it; the output shows the distortions.
func TestAugmentDeterministic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	args := append(append([]string(nil), small...), "-augment", "-epochs", "2")
	var outs []string
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		out, err := runArgs(t, args...)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Errorf("-augment printed different outputs on 1 and 2 cores:\n%s\n---\n%s", outs[0], outs[1])
	}
	plain, err := runArgs(t, append(append([]string(nil), small...), "-epochs", "2")...)
	if err != nil {
		t.Fatal(err)
	}
	table := func(s string) string { return s[strings.Index(s, "== 4."):strings.Index(s, "== 5.")] }
	if table(plain) == table(outs[0]) {
		t.Error("-augment trained the same as a run without it")
	}
	for _, want := range []string{"-augment: every epoch, every training image is distorted anew",
		"the original, a ", "shift ±2 px", "rotation ±10°", "scaling ±10%", "elastic σ 5 α 34", "all together",
		"also       a fresh distortion of every training image each epoch (-augment)", "(the steps and the distortions"} {
		if !strings.Contains(outs[0], want) {
			t.Errorf("the output lacks %q", want)
		}
	}
}

// Every epoch distorts the training images afresh: epoch 2's input is not
// epoch 1's, and the originals stay as they were.
func TestAugmentEachEpoch(t *testing.T) {
	train, _, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	tr := trainSplit(train.Head(300))
	before := bytes.Clone(tr.images.Images)
	cfg, _, err := parseFlags(nil, []string{"-augment"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := newAugmentation(cfg, &splits{train: tr})
	if err != nil {
		t.Fatal(err)
	}
	net := &nn.MLP{}
	a.epoch(net, tr, 1)
	first := tr.x.Clone()
	a.epoch(net, tr, 2)
	if nn.Equal(first, tr.x) {
		t.Error("epochs 1 and 2 trained on the same distortions")
	}
	if !bytes.Equal(before, tr.images.Images) {
		t.Error("augmenting changed the original images")
	}
	a.epoch(net, tr, 1)
	if !nn.Equal(first, tr.x) {
		t.Error("epoch 1's distortions are not the same the second time")
	}
}

// docs/img/ch07_augment.svg is what `go run ./ch07_mnist -augment -svg DIR`
// draws: the first training image of the bundled sample, each part of the
// default distortion alone for epochs 1 to 8, then all together.
func TestAugmentFigure(t *testing.T) {
	cfg, _, err := parseFlags(nil, []string{"-augment", "-data", "sample"})
	if err != nil {
		t.Fatal(err)
	}
	d, err := loadData(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var b bytes.Buffer
	if err := augmentFigure(cfg, d.train).draw(&b); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, augmentFile), b.Bytes(), 0o644)
	golden.CheckFiles(t, dir, "../docs/img")
	for _, want := range []string{">shift ±2 px<", ">rotation ±10°<", ">scaling ±10%<", ">elastic σ 5 α 34<", ">all together<", ">epoch 8<"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the figure lacks %q", want)
		}
	}
}

// -distort reads what distortionText writes, and a part left out is off.
func TestDistortText(t *testing.T) {
	for _, s := range []string{"shift=2,rotate=10,scale=0.1,sigma=5,alpha=34", "rotate=15", "sigma=4,alpha=30"} {
		d, err := parseDistortion(s)
		if err != nil || distortionText(d) != s {
			t.Errorf("%s: read %+v (%v), written back %q", s, d, err, distortionText(d))
		}
	}
	if d, _ := parseDistortion("rotate=15"); d.Shift != 0 || d.Sigma != 0 || d.Rotate != 15 {
		t.Errorf("rotate=15 gave %+v: the parts left out should be off", d)
	}
	cfg, _, err := parseFlags(nil, []string{"-augment", "-distort", "shift=1"})
	if err != nil || cfg.distort != (data.Distortion{Shift: 1}) || !strings.Contains(strings.Join(cfg.changed(), " "), "-distort shift=1") {
		t.Errorf("-augment -distort shift=1: %+v, %v, changed %v", cfg.distort, err, cfg.changed())
	}
}

// The flags of chapter 6 reach the network and the optimiser.
func TestTrainWellFlags(t *testing.T) {
	cfg, _, err := parseFlags(nil, []string{"-layers", "784,32,32,10", "-dropout", "0.25", "-init", "glorot",
		"-weight-decay", "0.001", "-opt", "sgd", "-schedule", "step"})
	if err != nil {
		t.Fatal(err)
	}
	net, opt, _, err := newNetwork(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !net.BatchNorm || net.Dropout != 0.25 || net.WeightDecay != 0.001 || opt.LearningRate() != cfg.lr {
		t.Errorf("network %s, decay %g", net, net.WeightDecay)
	}
	if got := strings.Join(cfg.changed(), ", "); got != "-layers 784,32,32,10, -opt sgd, -weight-decay 0.001, -dropout 0.25, -init glorot, -schedule step" {
		t.Errorf("changed: %s", got)
	}
	// Glorot's standard deviation in the first layer: √(2/(784+32)).
	w := net.Dense()[0].W
	sum := 0.0
	for _, row := range w {
		for _, v := range row {
			sum += v * v
		}
	}
	if std, want := sumStd(sum, w.Rows()*w.Cols()), 0.0495; std < want*0.97 || std > want*1.03 {
		t.Errorf("-init glorot: first layer's std %.4f, want about %.4f", std, want)
	}
	// AdamW keeps its own decay unless told otherwise, and gets it decoupled.
	cfg, _, _ = parseFlags(nil, []string{"-opt", "adamw", "-lr", "0.001"})
	net, opt, _, _ = newNetwork(cfg)
	if a, ok := opt.(*nn.AdamW); !ok || a.WeightDecay != 0.01 || net.WeightDecay != 0 || len(cfg.changed()) != 2 {
		t.Errorf("-opt adamw: decay %+v, network's %g, changed %v", opt, net.WeightDecay, cfg.changed())
	}
	cfg, _, _ = parseFlags(nil, []string{"-opt", "adamw", "-lr", "0.001", "-weight-decay", "0"})
	_, opt, _, _ = newNetwork(cfg)
	if opt.(*nn.AdamW).WeightDecay != 0 {
		t.Error("-opt adamw -weight-decay 0 still decays")
	}
}

func sumStd(sumSquares float64, n int) float64 {
	v := sumSquares / float64(n)
	s := v
	for range 30 { // √v by Newton's method, to keep math out of the test's imports
		s = (s + v/s) / 2
	}
	return s
}

// A model saved by a run with batch norm, dropout and standardised input
// (-preset best's path, on a small configuration) gives -eval, -predict
// and the drawing page the same predictions as the run that saved it.
func TestBestModelIsUsed(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "best.model")
	out, err := runArgs(t, "-preset", "best", "-layers", "784,32,32,10", "-dropout", "0.1", "-train-limit", "1200", "-test-limit", "200",
		"-epochs", "2", "-batch", "32", "-notime", "-save", model)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"784-32-32-10 relu, batch norm, dropout 0.1", "its pixels p standardised", "(p/255 − 0.", "-augment: every epoch",
		"  learning rate\n", "saved the network to " + model} {
		if !strings.Contains(out, want) {
			t.Errorf("the run's output lacks %q:\n%s", want, out)
		}
	}
	acc := regexp.MustCompile(`(?m)^test accuracy (0\.\d{4}): `).FindStringSubmatch(out)
	if acc == nil {
		t.Fatalf("no test accuracy in:\n%s", out)
	}
	evalOut, err := runArgs(t, "-model", model, "-eval", "-test-limit", "200")
	if err != nil || !strings.Contains(evalOut, "test accuracy "+acc[1]+": ") {
		t.Errorf("-eval of the saved model (%v) does not say test accuracy %s:\n%s", err, acc[1], evalOut)
	}
	net := loadNet(t, model)
	if net.Input.None() || !net.BatchNorm || net.Dropout != 0.1 {
		t.Fatalf("the model file lost what inference needs: %s, input %s", net, net.Input)
	}

	// -predict and the page read a picture of a test digit through
	// net.Input, the standardisation the network was trained with: p/255
	// alone would give other probabilities.
	_, test, _ := data.SampleSplit()
	png := encodePNG(t, blowUp(test.Image(0), 28, 5))
	d, err := readDigit(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	want := net.Predict(net.Input.FromPixels(d.bytes(), 784))[0]
	if raw := net.Predict(nn.FromPixels(d.bytes(), 784))[0]; fmt.Sprintf("%.3f", raw) == fmt.Sprintf("%.3f", want) {
		t.Fatal("standardised or not, the network says the same: the test cannot tell the two apart")
	}
	picture := filepath.Join(dir, "digit.png")
	os.WriteFile(picture, png, 0o644)
	predOut, err := runArgs(t, "-model", model, "-predict", picture)
	if err != nil {
		t.Fatal(err)
	}
	for c, p := range want {
		if line := fmt.Sprintf("%5d  %6.2f%%  |", c, 100*p); !strings.Contains(predOut, line) {
			t.Errorf("-predict does not give class %d the probability %.2f%%:\n%s", c, 100*p, predOut)
		}
	}
	s := loadedServer(t, net, 20)
	code, body, _ := ask(s, "POST", "/api/predict", "application/json", predictBody(t, png))
	var a predictAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil || code != 200 {
		t.Fatalf("the page answers %d %s", code, body)
	}
	for c, p := range want {
		if a.Probabilities[c] != p {
			t.Errorf("the page gives class %d %v, want %v", c, a.Probabilities[c], p)
		}
	}
}
