package main

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nnfromscratch/internal/golden"
	"nnfromscratch/nn"
)

// One run of the whole chapter, with its figures, checks the printed output
// against the golden file and the doc, and every figure against docs/img:
// the chapter takes seconds, and runs once. With -svg it prints what it
// prints without, then one "figure written" line per figure, left out here.
func TestGoldenAndFigures(t *testing.T) {
	dir, withFigures := golden.CheckFigures(t, run)
	text := string(withFigures)
	written := strings.Index(text, "figure written: ")
	if written < 0 {
		t.Fatal("the run with -svg printed no \"figure written\" line")
	}
	out := []byte(text[:written])
	golden.Check(t, "run", out)
	golden.CheckDoc(t, "../docs/ch06_sgd_adam.md", out)
	names := []string{raceFile, lossFile, initLossFile, bnHistFile, bnLossFile, overfitFile, overfitLossFile, scheduleFile}
	for _, act := range []string{"sigmoid", "tanh", "relu"} {
		names = append(names, strings.Replace(initHistFile, "%s", act, 1))
	}
	for _, name := range names {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(names) {
		t.Errorf("the chapter wrote %d figures, want the %d listed here", len(entries), len(names))
	}
}

func TestBadFlags(t *testing.T) {
	golden.CheckBadFlags(t, run, []golden.BadFlag{
		{Args: []string{"-epochs", "0"}, Want: "-epochs"},
		{Args: []string{"-epochs", "x"}, Want: "-epochs"},
		{Args: []string{"-batch", "0"}, Want: "-batch"},
		{Args: []string{"-batch", "-5"}, Want: "-batch"},
		{Args: []string{"-steps", "0"}, Want: "-steps"},
		{Args: []string{"-part", "3"}, Want: "-part"},
		{Args: []string{"-part", "-1"}, Want: "-part"},
		{Args: []string{"-seed", "-1"}, Want: "-seed"},
		{Args: []string{"-full=maybe"}, Want: "-full"},
		{Args: []string{"-nosuch"}, Want: "nosuch"},
		{Args: []string{"extra"}, Want: "extra"},
		{Args: []string{"-svg", filepath.Join(t.TempDir(), "missing", "dir")}, Want: "-svg"},
	}...)
}

func TestHelp(t *testing.T) {
	golden.CheckHelp(t, run, "-seed", "-svg", "-full", "-part", "-epochs", "-batch", "-steps")
}

// The silent failure of section 6 must not depend on a lucky seed.
func TestDeadNetworkAtChanceForSeveralSeeds(t *testing.T) {
	d, err := loadDigits(false)
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 3; seed++ {
		r, err := train(seed, d, &nn.SGD{LR: deadLR}, deadLR, 32, 2)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if acc := r.acc[len(r.acc)-1]; acc > 0.13 {
			t.Errorf("seed %d: SGD lr %g reached %.1f%%, not chance", seed, deadLR, 100*acc)
		}
		// nn.ChanceHint's advice, a tenth of the rate, must help.
		r, err = train(seed, d, &nn.SGD{LR: deadLR / 10}, deadLR/10, 32, 2)
		if err != nil {
			t.Fatalf("seed %d, lr %g: %v", seed, deadLR/10, err)
		}
		if acc := r.acc[len(r.acc)-1]; acc < 0.5 {
			t.Errorf("seed %d: SGD lr %g, the rate the hint suggests, reached only %.1f%%", seed, deadLR/10, 100*acc)
		}
	}
}

// The race's figure must use the same scale on both axes (issue 17): the
// data area nn.Plot draws, read from the SVG, against the ranges set.
func TestRaceFigureEqualScales(t *testing.T) {
	p, err := race(&strings.Builder{}, config{steps: 30})
	if err != nil {
		t.Fatal(err)
	}
	var svg strings.Builder
	if err := p.SVG(&svg); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`<clipPath id="area"><rect x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)" height="([0-9.]+)"/>`).FindStringSubmatch(svg.String())
	if m == nil {
		t.Fatal("no data area (clipPath rect) in the race's SVG")
	}
	width, _ := strconv.ParseFloat(m[1], 64)
	height, _ := strconv.ParseFloat(m[2], 64)
	perX, perY := (p.XMax-p.XMin)/width, (p.YMax-p.YMin)/height
	if math.Abs(perX/perY-1) > 1e-3 {
		t.Errorf("x: %g units per pixel, y: %g; want the same scale (data area %g×%g)", perX, perY, width, height)
	}
}

// Early stopping keeps the network of the lowest validation loss seen before
// it stops, and stops patience epochs after it.
func TestEarlyStoppingKeepsTheBest(t *testing.T) {
	d, err := loadPart2(false)
	if err != nil {
		t.Fatal(err)
	}
	val := &digitSet{x: d.val.x[:300], labels: d.val.labels[:300], t: d.val.t[:300]}
	r, err := overfitRun(1, d.small, val, cures[0], 50, 2, 6)
	if err != nil {
		t.Fatal(err)
	}
	if r.stopEpoch == 0 {
		t.Fatal("no stop in 50 epochs on 300 digits; the test wants one")
	}
	lowest := r.evals[0]
	for _, e := range r.evals {
		if e.epoch > r.stopEpoch {
			break
		}
		if e.valLoss < lowest.valLoss {
			lowest = e
		}
	}
	if r.bestEpoch != lowest.epoch || r.stopEpoch != lowest.epoch+6 {
		t.Errorf("best epoch %d, stop %d; want %d and %d", r.bestEpoch, r.stopEpoch, lowest.epoch, lowest.epoch+6)
	}
	loss, _, err := score(r.best, val)
	if err != nil || loss != lowest.valLoss {
		t.Errorf("the kept network has validation loss %v (%v), want %v", loss, err, lowest.valLoss)
	}
}

func TestSpark(t *testing.T) {
	h := newHistogram(0, 1, 5, true)
	h.add(nn.FromRows([][]float64{{0, 0, 0.05, 0.1, 0.15, 0.5, 0.99, 2, -1}}))
	// bins [0, 0.2) ← 0.05 0.1 0.15 and −1; 0.5 → bin 2; 0.99 and 2 → bin 4.
	if got, want := h.spark(), "█ ▂ ▄"; got != want {
		t.Errorf("spark %q, want %q (counts %v)", got, want, h.counts)
	}
	if h.zeros != 2 || h.n != 9 {
		t.Errorf("zeros %d of %d, want 2 of 9", h.zeros, h.n)
	}
}
