package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// One AdamW step is w − lr·(m̂/(√v̂ + ε) + λ·w) on the weights, and Adam's
// step on everything else.
func TestAdamWStep(t *testing.T) {
	w, b := RowVector(1, -2, 3), RowVector(0.5, -0.5)
	gw, gb := RowVector(0.2, -0.1, 3), RowVector(1, -1)
	ps := []*Param{{Name: "W", Value: w, Grad: gw, Decay: true}, {Name: "b", Value: b, Grad: gb}}
	start := []float64{1, -2, 3}
	lr, lambda := 0.01, 0.1
	o := NewAdamW(lr, lambda)
	for step := 1; step <= 3; step++ {
		o.Step(ps)
		_ = step
	}
	// Three steps with the same gradient: m̂ = g, v̂ = g², so each step is
	// w ← w − lr·(g/(|g| + ε) + λ·w).
	for j, w0 := range start {
		g := gw[0][j]
		want := w0
		for range 3 {
			want -= lr * (g/(math.Abs(g)+1e-8) + lambda*want)
		}
		if !near(w[0][j], want, 1e-15) {
			t.Errorf("w[%d] after 3 AdamW steps = %.17g, want %.17g", j, w[0][j], want)
		}
	}
	for j, b0 := range []float64{0.5, -0.5} {
		g := gb[0][j]
		want := b0 - 3*lr*g/(math.Abs(g)+1e-8)
		if !near(b[0][j], want, 1e-15) {
			t.Errorf("b[%d] (not decayed) after 3 steps = %.17g, want %.17g", j, b[0][j], want)
		}
	}
}

// AdamW with λ = 0 is Adam, bit for bit, and AdamW gives the same bits with
// every set of kernels and GOMAXPROCS 1 and 2 (its Adam step the fused one).
func TestAdamWSameBitsEverywhere(t *testing.T) {
	sizes := [][2]int{{1, 3}, {784, 64}, {64, 10}, {1, 64}}
	run := func(opt Optimizer, procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rng := rand.New(rand.NewPCG(29, 30))
		var ps []*Param
		for i, s := range sizes {
			ps = append(ps, &Param{Name: fmt.Sprint(i), Value: randomMatrix(rng, s[0], s[1]), Grad: New(s[0], s[1]), Decay: i%2 == 1})
		}
		for range 4 {
			for _, p := range ps {
				g := elements(p.Grad)
				for i := range g {
					g[i] = rng.NormFloat64()
				}
			}
			opt.Step(ps)
		}
		var got []float64
		for _, p := range ps {
			got = append(got, elements(p.Value)...)
		}
		return got
	}
	same := func(a, b []float64) bool {
		for i := range a {
			if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
				return false
			}
		}
		return len(a) == len(b)
	}
	var adam, adamW []float64
	everyKernelSet(func(level string) {
		for _, procs := range []int{1, 2} {
			a, w := run(NewAdam(0.01), procs), run(NewAdamW(0.01, 0), procs)
			if !same(a, w) {
				t.Errorf("%s, GOMAXPROCS %d: AdamW with λ 0 differs from Adam", level, procs)
			}
			d := run(NewAdamW(0.01, 0.1), procs)
			if adam == nil {
				adam, adamW = a, d
			}
			if !same(a, adam) || !same(d, adamW) {
				t.Errorf("%s, GOMAXPROCS %d: Adam or AdamW differs from the Go twins' result", level, procs)
			}
			if same(d, a) {
				t.Errorf("%s: AdamW with λ 0.1 gives Adam's result", level)
			}
		}
	})
}

// Every optimiser reads and changes its learning rate, and the rate it is
// set to is the one its next step uses (0: nothing moves).
func TestLearningRateCanChange(t *testing.T) {
	for _, name := range OptimizerNames {
		opt, err := NewOptimizer(name, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if opt.LearningRate() != 0.1 {
			t.Errorf("%s: LearningRate %v, want 0.1", name, opt.LearningRate())
		}
		w := RowVector(-7, 2)
		p := []*Param{{Name: "W", Value: w, Grad: RowVector(1, -1), Decay: true}}
		opt.SetLearningRate(0)
		opt.Step(p)
		if opt.LearningRate() != 0 || w[0][0] != -7 || w[0][1] != 2 {
			t.Errorf("%s: after SetLearningRate(0) a step moved w to %v (LearningRate %v)", name, w, opt.LearningRate())
		}
		opt.SetLearningRate(0.1)
		opt.Step(p)
		if w[0][0] == -7 {
			t.Errorf("%s: after SetLearningRate(0.1) a step did not move w", name)
		}
	}
}
