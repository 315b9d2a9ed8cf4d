package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"nnfromscratch/internal/exercise"
	"nnfromscratch/nn"
)

// near reports whether got equals want up to rounding.
func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-7*(1+math.Abs(want))
}

// stepper is a learner's update rule for one step: it changes w in place.
type stepper func(step int, w, g []float64)

// checkAgainst runs rule and the reference optimiser ref side by side for
// several steps on random weights and gradients, and reports the first
// weight that differs. formula is shown in the message.
func checkAgainst(name, formula string, seed uint64, ref nn.Optimizer, rule stepper) error {
	return checkAgainstSlips(name, formula, seed, ref, rule, nil)
}

// slip is a known mistake, run beside the learner's rule so that a failure
// can say in words which mistake it looks like.
type slip struct {
	says string  // e.g. "that is Adam without the bias correction: …"
	rule stepper // the mistake, with its own state
}

// checkAgainstSlips is checkAgainst that also runs each slip in step with
// the others. When the learner's weights first differ from the reference,
// and they equal a slip's weights, the message says what that slip says.
func checkAgainstSlips(name, formula string, seed uint64, ref nn.Optimizer, rule stepper, slips []slip) error {
	rng := rand.New(rand.NewPCG(6, seed))
	const n, steps = 6, 12
	w := make([]float64, n)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	// Decay marks the weights for AdamW's decoupled decay; the other rules
	// do not look at it.
	p := &nn.Param{Name: "w", Value: nn.RowVector(w...), Grad: nn.New(1, n), Decay: true}
	slipW := make([][]float64, len(slips))
	for k := range slips {
		slipW[k] = append([]float64(nil), w...)
	}
	for s := 1; s <= steps; s++ {
		g := make([]float64, n)
		for i := range g {
			g[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(5)-2)) // sizes from 0.01 to 100
		}
		copy(p.Grad[0], g)
		ref.Step([]*nn.Param{p})
		for k, sl := range slips {
			sl.rule(s, slipW[k], append([]float64(nil), g...))
		}
		rule(s, w, append([]float64(nil), g...))
		for i := range w {
			if !near(w[i], p.Value[0][i]) {
				hint := ""
				for k, sl := range slips {
					if allNear(w, slipW[k]) {
						hint = "; " + sl.says
						break
					}
				}
				return fmt.Errorf("%s: after step %d, w[%d] = %.8g, want %.8g (%s)%s", name, s, i, w[i], p.Value[0][i], formula, hint)
			}
		}
	}
	return nil
}

// allNear reports whether a and b agree element by element up to rounding.
func allNear(a, b []float64) bool {
	for i := range a {
		if !near(a[i], b[i]) {
			return false
		}
	}
	return true
}

// Known slips, written as the exercises are, for the checks' messages and
// for the tests that the checks reject them.

func momentumUphill(w, g, v []float64, lr, mu float64) { // v built with +lr·g, then added
	for i := range w {
		v[i] = mu*v[i] + lr*g[i]
		w[i] += v[i]
	}
}

func momentumNoMemory(w, g, v []float64, lr, mu float64) { // v is never stored
	for i := range w {
		w[i] += mu*v[i] - lr*g[i]
	}
}

func momentumLate(w, g, v []float64, lr, mu float64) { // w moves with the old v, then v is updated
	for i := range w {
		w[i] += v[i]
		v[i] = mu*v[i] - lr*g[i]
	}
}

func adamNoCorrection(w, g, m, v []float64, _ int, lr, b1, b2, eps float64) {
	for i := range w {
		m[i] = b1*m[i] + (1-b1)*g[i]
		v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
		w[i] -= lr * m[i] / (math.Sqrt(v[i]) + eps)
	}
}

func adamStoresCorrected(w, g, m, v []float64, t int, lr, b1, b2, eps float64) {
	for i := range w {
		m[i] = (b1*m[i] + (1-b1)*g[i]) / (1 - math.Pow(b1, float64(t)))
		v[i] = (b2*v[i] + (1-b2)*g[i]*g[i]) / (1 - math.Pow(b2, float64(t)))
		w[i] -= lr * m[i] / (math.Sqrt(v[i]) + eps)
	}
}

func adamEpsInsideRoot(w, g, m, v []float64, t int, lr, b1, b2, eps float64) {
	for i := range w {
		m[i] = b1*m[i] + (1-b1)*g[i]
		v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
		mHat, vHat := m[i]/(1-math.Pow(b1, float64(t))), v[i]/(1-math.Pow(b2, float64(t)))
		w[i] -= lr * mHat / math.Sqrt(vHat+eps)
	}
}

func checkMomentumStep(f func(w, g, v []float64, lr, mu float64)) error {
	for k, c := range []struct{ lr, mu float64 }{{0.1, 0.9}, {0.01, 0.5}, {0.3, 0}} {
		momentum := func(rule func(w, g, v []float64, lr, mu float64)) stepper {
			v := make([]float64, 6)
			return func(_ int, w, g []float64) { rule(w, g, v, c.lr, c.mu) }
		}
		err := checkAgainstSlips(fmt.Sprintf("MomentumStep(lr %g, μ %g)", c.lr, c.mu), "v ← μ·v − lr·g; w ← w + v",
			uint64(k+1), &nn.Momentum{LR: c.lr, Mu: c.mu}, momentum(f), []slip{
				{"that is v ← μ·v + lr·g, which walks uphill: subtract lr·g", momentum(momentumUphill)},
				{"that is what a v that is never stored gives: write μ·v − lr·g back into v[i]", momentum(momentumNoMemory)},
				{"that is w moved with the old v: update v first, then add the new v to w", momentum(momentumLate)},
			})
		if err != nil {
			return err
		}
	}
	return nil
}

func checkAdamStep(f func(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64)) error {
	for k, c := range []struct{ lr, b1, b2, eps float64 }{{0.001, 0.9, 0.999, 1e-8}, {0.1, 0.8, 0.99, 1e-6}} {
		adam := func(rule func(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64)) stepper {
			m, v := make([]float64, 6), make([]float64, 6)
			return func(t int, w, g []float64) { rule(w, g, m, v, t, c.lr, c.b1, c.b2, c.eps) }
		}
		err := checkAgainstSlips(fmt.Sprintf("AdamStep(lr %g, β1 %g, β2 %g)", c.lr, c.b1, c.b2),
			"m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ), w ← w − lr·m̂/(√v̂ + ε)",
			uint64(10+k), &nn.Adam{LR: c.lr, Beta1: c.b1, Beta2: c.b2, Eps: c.eps}, adam(f), []slip{
				{"that is Adam without the bias correction: divide m by (1 − β1ᵗ) and v by (1 − β2ᵗ) before the step (m̂ and v̂)", adam(adamNoCorrection)},
				{"that is Adam storing m̂ and v̂ back into m and v: keep m and v uncorrected, the correction is only for the step", adam(adamStoresCorrected)},
				{"that is ε inside the square root: add ε after it, √v̂ + ε", adam(adamEpsInsideRoot)},
			})
		if err != nil {
			return err
		}
	}
	return nil
}

func checkStepDecay(f func(lr0 float64, epoch, every int, factor float64) float64) error {
	for _, c := range []struct {
		lr0          float64
		epoch, every int
		factor, want float64
	}{
		{0.1, 0, 10, 0.5, 0.1},
		{0.1, 9, 10, 0.5, 0.1},
		{0.1, 10, 10, 0.5, 0.05},
		{0.1, 19, 10, 0.5, 0.05},
		{0.1, 25, 10, 0.5, 0.025},
		{1, 7, 3, 0.1, 0.01},
		{0.001, 4, 1, 0.5, 0.0000625},
		{0.3, 2, 5, 0.2, 0.3},
	} {
		if got := f(c.lr0, c.epoch, c.every, c.factor); !near(got, c.want) {
			hint := ""
			switch {
			case near(got, c.lr0*math.Pow(c.factor, float64(c.epoch)/float64(c.every))):
				hint = ": that is factor^(epoch/every) without the floor, a smooth decay; the rate should stay put for `every` epochs, then drop"
			case near(got, c.lr0*math.Pow(c.factor, float64((c.epoch+1)/c.every))):
				hint = ": that counts epochs from 1; the first epoch is epoch 0"
			}
			return fmt.Errorf("StepDecay(%g, epoch %d, every %d, factor %g) = %g, want %g (lr0 · factor^⌊epoch/every⌋)%s",
				c.lr0, c.epoch, c.every, c.factor, got, c.want, hint)
		}
	}
	return nil
}

func TestExerciseMomentumStep(t *testing.T) {
	exercise.Attempted(t, "MomentumStep", "ch06_sgd_adam/exercises.go", func() {
		MomentumStep([]float64{0}, []float64{0}, []float64{0}, 0.1, 0.9)
	})
	if err := exercise.Safely(func() error { return checkMomentumStep(MomentumStep) }); err != nil {
		t.Error(err)
	}
}

func TestExerciseAdamStep(t *testing.T) {
	exercise.Attempted(t, "AdamStep", "ch06_sgd_adam/exercises.go", func() {
		AdamStep([]float64{0}, []float64{0}, []float64{0}, []float64{0}, 1, 0.001, 0.9, 0.999, 1e-8)
	})
	if err := exercise.Safely(func() error { return checkAdamStep(AdamStep) }); err != nil {
		t.Error(err)
	}
}

func TestExerciseStepDecay(t *testing.T) {
	exercise.Attempted(t, "StepDecay", "ch06_sgd_adam/exercises.go", func() { StepDecay(0.1, 0, 10, 0.5) })
	if err := exercise.Safely(func() error { return checkStepDecay(StepDecay) }); err != nil {
		t.Error(err)
	}
}

// The checks must be able to fail: each is fed plausible wrong answers.

func TestCheckMomentumStepRejectsWrongAnswer(t *testing.T) {
	for name, c := range map[string]struct {
		rule func(w, g, v []float64, lr, mu float64)
		says string
	}{
		"v ← μ·v + lr·g; w ← w + v (moves uphill)": {momentumUphill, "walks uphill"},
		"a rule that never updates v":              {momentumNoMemory, "never stored"},
		"w moved with the old v":                   {momentumLate, "the old v"},
	} {
		err := checkMomentumStep(c.rule)
		if err == nil {
			t.Errorf("checkMomentumStep accepted %s", name)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("checkMomentumStep rejects %s without saying so (%q): %v", name, c.says, err)
		}
	}
	pytorch := func(w, g, v []float64, lr, mu float64) { // PyTorch's form: v ← μ·v + g; w ← w − lr·v
		for i := range w {
			v[i] = mu*v[i] + g[i]
			w[i] -= lr * v[i]
		}
	}
	if err := checkMomentumStep(pytorch); err != nil {
		t.Errorf("checkMomentumStep rejected PyTorch's form, the same steps for a fixed lr: %v", err)
	}
}

func TestCheckAdamStepRejectsWrongAnswer(t *testing.T) {
	for name, c := range map[string]struct {
		rule func(w, g, m, v []float64, t int, lr, beta1, beta2, eps float64)
		says string
	}{
		"Adam without bias correction":                 {adamNoCorrection, "without the bias correction"},
		"Adam that stores m̂ and v̂ back into m and v": {adamStoresCorrected, "storing m̂ and v̂"},
		"Adam with ε inside the square root":           {adamEpsInsideRoot, "inside the square root"},
	} {
		err := checkAdamStep(c.rule)
		if err == nil {
			t.Errorf("checkAdamStep accepted %s", name)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("checkAdamStep rejects %s without saying so in words (%q): %v", name, c.says, err)
		}
	}
}

func TestCheckStepDecayRejectsWrongAnswer(t *testing.T) {
	smooth := func(lr0 float64, epoch, every int, factor float64) float64 {
		return lr0 * math.Pow(factor, float64(epoch)/float64(every)) // no floor: decays every epoch
	}
	if err := checkStepDecay(smooth); err == nil || !strings.Contains(err.Error(), "without the floor") {
		t.Errorf("checkStepDecay on a smooth exponential decay: %v", err)
	}
	offByOne := func(lr0 float64, epoch, every int, factor float64) float64 {
		return lr0 * math.Pow(factor, float64((epoch+1)/every))
	}
	if err := checkStepDecay(offByOne); err == nil || !strings.Contains(err.Error(), "from 1") {
		t.Errorf("checkStepDecay on epochs counted from 1: %v", err)
	}
	product := func(lr0 float64, epoch, every int, factor float64) float64 {
		return lr0 * factor * float64(epoch/every) // times ⌊epoch/every⌋ instead of to the power
	}
	if checkStepDecay(product) == nil {
		t.Error("checkStepDecay accepted lr0 · factor · ⌊epoch/every⌋")
	}
}

// ---------------------------------------------------------------------------
// Exercise 4: HeInit

// heShapes are the layers checkHeInit fills: fan-in and fan-out (rows and
// columns) far apart both ways, so that using the wrong one shows, and
// enough weights for their spread to be measured to about 1%.
var heShapes = [][2]int{{784, 64}, {50, 400}, {300, 100}, {128, 128}}

// checkHeInit fills weight matrices with f and checks that their values
// look like draws from N(0, 2/n_in): the right spread, mean 0, and the
// shape of a normal distribution (68.3% within one standard deviation; a
// uniform distribution with the same spread has 57.7% there).
func checkHeInit(f func(w nn.Matrix, rng *rand.Rand)) error {
	for k, shape := range heShapes {
		rows, cols := shape[0], shape[1]
		w := nn.New(rows, cols)
		for i := range w {
			for j := range w[i] {
				w[i][j] = math.NaN() // not written yet
			}
		}
		f(w, rand.New(rand.NewPCG(4, uint64(k))))
		want, _ := nn.InitStd("he", rows, cols)
		n := float64(rows * cols)
		sum, sq, within := 0.0, 0.0, 0
		for i := range w {
			for j, v := range w[i] {
				if math.IsNaN(v) {
					return fmt.Errorf("HeInit on a %d×%d matrix left w[%d][%d] unset: fill every weight of w in place", rows, cols, i, j)
				}
				sum += v
				sq += v * v
				if math.Abs(v) < want {
					within++
				}
			}
		}
		mean := sum / n
		std := math.Sqrt(sq/n - mean*mean)
		where := fmt.Sprintf("HeInit on a %d×%d matrix (n_in %d, n_out %d)", rows, cols, rows, cols)
		if math.Abs(std/want-1) > 0.03 {
			hint := ""
			for _, c := range []struct {
				std  float64
				says string
			}{
				{math.Sqrt(1 / float64(rows)), "that is LeCun's √(1/n_in); He doubles the variance for ReLU, which zeroes half its inputs: √(2/n_in)"},
				{math.Sqrt(2 / float64(cols)), "that uses n_out, the columns; n_in is the number of rows (inputs)"},
				{math.Sqrt(2 / float64(rows+cols)), "that is Glorot's √(2/(n_in + n_out)); He's uses n_in alone: √(2/n_in)"},
				{2 / float64(rows), "that is 2/n_in, the variance; the standard deviation is its square root"},
				{1, "that is N(0, 1) itself: multiply each draw by √(2/n_in)"},
			} {
				if math.Abs(std/c.std-1) < 0.03 {
					hint = "; " + c.says
					break
				}
			}
			return fmt.Errorf("%s: the weights have standard deviation %.4g, want √(2/%d) = %.4g%s", where, std, rows, want, hint)
		}
		if math.Abs(mean) > 5*want/math.Sqrt(n) {
			return fmt.Errorf("%s: the weights have mean %.3g, want about 0 (within %.2g)", where, mean, 5*want/math.Sqrt(n))
		}
		if frac := float64(within) / n; math.Abs(frac-0.6827) > 0.02 {
			hint := ""
			if math.Abs(frac-0.5774) < 0.02 {
				hint = ": that is what a uniform distribution gives; draw with rng.NormFloat64()"
			}
			return fmt.Errorf("%s: %.1f%% of the weights lie within one standard deviation of 0, want 68.3%% (a normal distribution)%s", where, 100*frac, hint)
		}
	}
	return nil
}

// Slips of HeInit.
func heLeCun(w nn.Matrix, rng *rand.Rand)    { scaledNormal(w, rng, math.Sqrt(1/float64(w.Rows()))) }
func heFanOut(w nn.Matrix, rng *rand.Rand)   { scaledNormal(w, rng, math.Sqrt(2/float64(w.Cols()))) }
func heVariance(w nn.Matrix, rng *rand.Rand) { scaledNormal(w, rng, 2/float64(w.Rows())) }

func heUniform(w nn.Matrix, rng *rand.Rand) { // the right spread, the wrong shape: U(−a, a) with a = √3·s
	a := math.Sqrt(3) * math.Sqrt(2/float64(w.Rows()))
	for i := range w {
		for j := range w[i] {
			w[i][j] = a * (2*rng.Float64() - 1)
		}
	}
}

func scaledNormal(w nn.Matrix, rng *rand.Rand, s float64) {
	for i := range w {
		for j := range w[i] {
			w[i][j] = s * rng.NormFloat64()
		}
	}
}

func TestExerciseHeInit(t *testing.T) {
	exercise.Attempted(t, "HeInit", "ch06_sgd_adam/exercises.go", func() {
		HeInit(nn.New(2, 2), rand.New(rand.NewPCG(1, 2)))
	})
	if err := exercise.Safely(func() error { return checkHeInit(HeInit) }); err != nil {
		t.Error(err)
	}
}

func TestCheckHeInitRejectsWrongAnswer(t *testing.T) {
	for name, c := range map[string]struct {
		rule func(w nn.Matrix, rng *rand.Rand)
		says string
	}{
		"LeCun's √(1/n_in)":             {heLeCun, "LeCun"},
		"√(2/n_out)":                    {heFanOut, "n_out"},
		"2/n_in, the variance":          {heVariance, "square root"},
		"uniform with the right spread": {heUniform, "uniform"},
		"N(0, 1) unscaled":              {func(w nn.Matrix, rng *rand.Rand) { scaledNormal(w, rng, 1) }, "multiply"},
		"the first row only":            {func(w nn.Matrix, rng *rand.Rand) { scaledNormal(w[:1], rng, math.Sqrt(2/float64(w.Rows()))) }, "unset"},
		"the nn scheme on a new matrix": {func(w nn.Matrix, rng *rand.Rand) { w = nn.New(w.Rows(), w.Cols()); scaledNormal(w, rng, 1) }, "unset"},
	} {
		err := checkHeInit(c.rule)
		if err == nil {
			t.Errorf("checkHeInit accepted %s", name)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("checkHeInit rejects %s without saying so (%q): %v", name, c.says, err)
		}
	}
	// nn's own He initialisation, which draws the same numbers in another
	// way, passes.
	nnHe := func(w nn.Matrix, rng *rand.Rand) {
		net, _ := nn.Build(nn.Architecture{Sizes: []int{w.Rows(), w.Cols()}, Activation: "relu", Init: "he"}, rng)
		for i := range w {
			copy(w[i], net.Dense()[0].W[i])
		}
	}
	if err := checkHeInit(nnHe); err != nil {
		t.Errorf("checkHeInit rejected nn's He initialisation: %v", err)
	}
}

// ---------------------------------------------------------------------------
// Exercise 5: BatchNormBackward

// bnCase is one batch normalisation forward pass, by nn, and its backward
// pass for a random dout.
type bnCase struct {
	xhat, gamma, std, dout nn.Matrix
	dx, dgamma, dbeta      nn.Matrix // nn's
}

// bnCases runs nn.BatchNorm on random batches: a few rows to a dozen, one to
// six features, each feature with its own offset and spread, random γ and β.
func bnCases() []bnCase {
	rng := rand.New(rand.NewPCG(5, 5))
	var cases []bnCase
	for trial := range 40 {
		n, features := 2+rng.IntN(11), 1+rng.IntN(6)
		if trial == 0 {
			n, features = 4, 1
		}
		bn := nn.NewBatchNorm(features)
		x := nn.New(n, features)
		for j := range features {
			bn.Gamma[0][j] = 0.5 + 1.5*rng.Float64()
			if rng.IntN(4) == 0 {
				bn.Gamma[0][j] = -bn.Gamma[0][j]
			}
			bn.Beta[0][j] = rng.NormFloat64()
			offset, spread := 3*rng.NormFloat64(), 0.2+2*rng.Float64()
			for i := range n {
				x[i][j] = offset + spread*rng.NormFloat64()
			}
		}
		dout := nn.New(n, features)
		for i := range dout {
			for j := range dout[i] {
				dout[i][j] = rng.NormFloat64()
			}
		}
		bn.Forward(x)
		dx := bn.Backward(dout).Clone()
		// x̂ and σ as the forward pass computed them: the batch's mean and
		// its variance divided by n.
		xhat, std := nn.New(n, features), nn.New(1, features)
		for j := range features {
			mean, variance := 0.0, 0.0
			for i := range n {
				mean += x[i][j]
			}
			mean /= float64(n)
			for i := range n {
				variance += (x[i][j] - mean) * (x[i][j] - mean)
			}
			std[0][j] = math.Sqrt(variance/float64(n) + bn.Eps)
			for i := range n {
				xhat[i][j] = (x[i][j] - mean) / std[0][j]
			}
		}
		cases = append(cases, bnCase{xhat: xhat, gamma: bn.Gamma.Clone(), std: std, dout: dout,
			dx: dx, dgamma: bn.DGamma.Clone(), dbeta: bn.DBeta.Clone()})
	}
	return cases
}

// checkBatchNormBackward compares f with nn.BatchNorm's Backward on bnCases.
func checkBatchNormBackward(f func(xhat, gamma, std, dout nn.Matrix) (dx, dgamma, dbeta nn.Matrix)) error {
	for _, c := range bnCases() {
		in := []nn.Matrix{c.xhat.Clone(), c.gamma.Clone(), c.std.Clone(), c.dout.Clone()}
		dx, dgamma, dbeta := f(in[0], in[1], in[2], in[3])
		for k, name := range []string{"xhat", "gamma", "std", "dout"} {
			if !nn.Equal(in[k], []nn.Matrix{c.xhat, c.gamma, c.std, c.dout}[k]) {
				return fmt.Errorf("BatchNormBackward changed its input %s: a backward pass must only read it", name)
			}
		}
		where := fmt.Sprintf("BatchNormBackward on a batch of %d rows, %s: ", c.xhat.Rows(), plural(c.xhat.Cols(), "feature"))
		if err := closeMatrix(where+"dbeta", "dβ = Σ_i dout_i, one row", dbeta, c.dbeta); err != nil {
			return err
		}
		if err := closeMatrix(where+"dgamma", "dγ = Σ_i dout_i ⊙ x̂_i, one row", dgamma, c.dgamma); err != nil {
			if dgamma != nil && closeMatrix("", "", dgamma, c.dbeta) == nil {
				return fmt.Errorf("%v; that is Σ dout, dβ: y = γ·x̂ + β, so dγ sums dout ⊙ x̂", err)
			}
			return err
		}
		if err := closeMatrix(where+"dx", "dx = (γ/σ)(dout − mean(dout) − x̂·mean(dout ⊙ x̂)), the shape of x̂", dx, c.dx); err != nil {
			for _, sl := range []struct {
				rule func(xhat, gamma, std, dout nn.Matrix) nn.Matrix
				says string
			}{
				{bnConstantStats, "that treats μ_B and σ²_B as constants; every x of the batch moved them, which adds the terms − mean(dout) − x̂·mean(dout ⊙ x̂)"},
				{bnMeanOnly, "the path through μ_B is there, the one through σ²_B is missing: subtract x̂·mean(dout ⊙ x̂) too"},
				{bnNoGamma, "γ is missing: y = γ·x̂ + β, so ∂L/∂x̂ = γ·dout"},
			} {
				if closeMatrix("", "", dx, sl.rule(c.xhat, c.gamma, c.std, c.dout)) == nil {
					return fmt.Errorf("%v; %s", err, sl.says)
				}
			}
			return err
		}
	}
	return nil
}

// plural is "1 feature", "3 features".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// closeMatrix is sameMatrix for results built from sums: each value within
// 1e-9 of the reference, relative to the size of the values involved.
func closeMatrix(what, rule string, got, want nn.Matrix) error {
	if got == nil {
		return fmt.Errorf("%s is nil, want a %s matrix (%s)", what, want.Shape(), rule)
	}
	if got.Rows() != want.Rows() || got.Cols() != want.Cols() {
		return fmt.Errorf("%s has shape %s, want %s (%s)", what, got.Shape(), want.Shape(), rule)
	}
	scale := 1 + want.MaxAbs()
	for i := range want {
		for j := range want[i] {
			if math.Abs(got[i][j]-want[i][j]) > 1e-9*scale {
				return fmt.Errorf("%s[%d][%d] = %.6g, want %.6g (%s)", what, i, j, got[i][j], want[i][j], rule)
			}
		}
	}
	return nil
}

// Slips of BatchNormBackward, each a whole wrong answer: dx as it gives it,
// with dγ and dβ right.
func bnConstantStats(xhat, gamma, std, dout nn.Matrix) nn.Matrix {
	return bnDx(xhat, gamma, std, dout, false, false, true)
}
func bnMeanOnly(xhat, gamma, std, dout nn.Matrix) nn.Matrix {
	return bnDx(xhat, gamma, std, dout, true, false, true)
}
func bnNoGamma(xhat, gamma, std, dout nn.Matrix) nn.Matrix {
	return bnDx(xhat, gamma, std, dout, true, true, false)
}

// bnDx is dx with some of its terms: the mean(dout) term, the
// x̂·mean(dout⊙x̂) term, and the factor γ.
func bnDx(xhat, gamma, std, dout nn.Matrix, meanTerm, varTerm, useGamma bool) nn.Matrix {
	n := float64(dout.Rows())
	dx := nn.New(dout.Rows(), dout.Cols())
	for j := range dout.Cols() {
		sum, sumX := 0.0, 0.0
		for i := range dout {
			sum += dout[i][j]
			sumX += dout[i][j] * xhat[i][j]
		}
		g := 1.0
		if useGamma {
			g = gamma[0][j]
		}
		for i := range dout {
			v := dout[i][j]
			if meanTerm {
				v -= sum / n
			}
			if varTerm {
				v -= xhat[i][j] * sumX / n
			}
			dx[i][j] = g / std[0][j] * v
		}
	}
	return dx
}

// bnAnswer makes a whole BatchNormBackward out of a dx slip, with dγ and dβ
// right, or with dγ computed as dβ.
func bnAnswer(dxRule func(xhat, gamma, std, dout nn.Matrix) nn.Matrix, dgammaIsDbeta bool) func(xhat, gamma, std, dout nn.Matrix) (dx, dgamma, dbeta nn.Matrix) {
	return func(xhat, gamma, std, dout nn.Matrix) (dx, dgamma, dbeta nn.Matrix) {
		dbeta = dout.SumRows()
		dgamma = nn.Hadamard(dout, xhat).SumRows()
		if dgammaIsDbeta {
			dgamma = dout.SumRows()
		}
		return dxRule(xhat, gamma, std, dout), dgamma, dbeta
	}
}

func TestExerciseBatchNormBackward(t *testing.T) {
	exercise.Attempted(t, "BatchNormBackward", "ch06_sgd_adam/exercises.go", func() {
		one := nn.FromRows([][]float64{{1}})
		BatchNormBackward(one, one, one, one)
	})
	if err := exercise.Safely(func() error { return checkBatchNormBackward(BatchNormBackward) }); err != nil {
		t.Error(err)
	}
}

func TestCheckBatchNormBackwardRejectsWrongAnswer(t *testing.T) {
	right := func(xhat, gamma, std, dout nn.Matrix) nn.Matrix {
		return bnDx(xhat, gamma, std, dout, true, true, true)
	}
	if err := checkBatchNormBackward(bnAnswer(right, false)); err != nil {
		t.Fatalf("checkBatchNormBackward rejected the right answer written another way: %v", err)
	}
	for name, c := range map[string]struct {
		answer func(xhat, gamma, std, dout nn.Matrix) (dx, dgamma, dbeta nn.Matrix)
		says   string
	}{
		"μ_B and σ²_B taken as constants": {bnAnswer(bnConstantStats, false), "as constants"},
		"the σ²_B path missing":           {bnAnswer(bnMeanOnly, false), "through σ²_B is missing"},
		"γ missing from dx":               {bnAnswer(bnNoGamma, false), "γ is missing"},
		"dγ = Σ dout":                     {bnAnswer(right, true), "dγ sums dout ⊙ x̂"},
	} {
		err := checkBatchNormBackward(c.answer)
		if err == nil {
			t.Errorf("checkBatchNormBackward accepted %s", name)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("checkBatchNormBackward rejects %s without saying so (%q): %v", name, c.says, err)
		}
	}
}

// ---------------------------------------------------------------------------
// Exercise 6: Dropout

// checkDropout compares f with nn.Dropout, its mask fixed by Keep, on
// random shapes, rates and masks.
func checkDropout(f func(x, dout, keep nn.Matrix, rate float64) (out, dx nn.Matrix)) error {
	rng := rand.New(rand.NewPCG(6, 6))
	for trial := range 30 {
		rows, cols := 1+rng.IntN(6), 1+rng.IntN(8)
		rate := []float64{0.2, 0.5, 0.75, 0.1, 0}[trial%5]
		x, dout, keep := nn.New(rows, cols), nn.New(rows, cols), nn.New(rows, cols)
		for i := range x {
			for j := range x[i] {
				x[i][j], dout[i][j] = rng.NormFloat64(), rng.NormFloat64()
				if rng.Float64() >= rate {
					keep[i][j] = 1
				}
			}
		}
		keep[0][0], keep[rows-1][cols-1] = 1, 0 // at least one of each
		if rows*cols == 1 {
			keep[0][0] = 1
		}
		d := nn.NewDropout(rate, nil)
		d.Keep = keep
		wantOut := d.Forward(x).Clone()
		wantDx := d.Backward(dout).Clone()

		xc, doutc, keepc := x.Clone(), dout.Clone(), keep.Clone()
		out, dx := f(xc, doutc, keepc, rate)
		for k, name := range []string{"x", "dout", "keep"} {
			if !nn.Equal([]nn.Matrix{x, dout, keep}[k], []nn.Matrix{xc, doutc, keepc}[k]) {
				return fmt.Errorf("Dropout changed its input %s: compute out and dx into new matrices", name)
			}
		}
		where := fmt.Sprintf("Dropout(rate %g) on %d×%d: ", rate, rows, cols)
		q := 1 - rate
		if err := closeMatrix(where+"out", "x ⊙ mask, mask = 1/(1 − rate) where kept, 0 where dropped", out, wantOut); err != nil {
			for _, sl := range []struct {
				scale float64
				says  string
			}{
				{1, "that is x ⊙ keep without the 1/(1 − rate): the units kept must be scaled up, so that each output's expected value is its input's"},
				{1 / rate, "that divides by the rate; divide by the probability of keeping a unit, 1 − rate"},
				{q, "that multiplies by 1 − rate, the scaling old-style dropout applied at inference; inverted dropout divides by it while training"},
			} {
				if rate > 0 && closeMatrix("", "", out, nn.Scale(sl.scale, nn.Hadamard(x, keep))) == nil {
					return fmt.Errorf("%v; %s", err, sl.says)
				}
			}
			return err
		}
		if err := closeMatrix(where+"dx", "dout ⊙ mask, the same mask as the forward pass", dx, wantDx); err != nil {
			switch {
			case closeMatrix("", "", dx, dout) == nil:
				return fmt.Errorf("%v; that is dout unchanged: a dropped unit passed nothing forward, so it passes no gradient back", err)
			case closeMatrix("", "", dx, nn.Hadamard(dout, keep)) == nil && rate > 0:
				return fmt.Errorf("%v; the mask is there but not its 1/(1 − rate): out was x·1/(1 − rate), so dx is dout·1/(1 − rate)", err)
			}
			return err
		}
	}
	return nil
}

// dropoutWith is a Dropout answer that scales the kept units by outScale
// and the gradient by dxScale, and masks the gradient only if maskDx.
func dropoutWith(outScale, dxScale func(rate float64) float64, maskDx bool) func(x, dout, keep nn.Matrix, rate float64) (out, dx nn.Matrix) {
	return func(x, dout, keep nn.Matrix, rate float64) (out, dx nn.Matrix) {
		out = nn.Scale(outScale(rate), nn.Hadamard(x, keep))
		dx = nn.Scale(dxScale(rate), dout)
		if maskDx {
			dx = nn.Scale(dxScale(rate), nn.Hadamard(dout, keep))
		}
		return out, dx
	}
}

func TestExerciseDropout(t *testing.T) {
	exercise.Attempted(t, "Dropout", "ch06_sgd_adam/exercises.go", func() {
		one := nn.FromRows([][]float64{{1}})
		Dropout(one, one, one, 0.5)
	})
	if err := exercise.Safely(func() error { return checkDropout(Dropout) }); err != nil {
		t.Error(err)
	}
}

func TestCheckDropoutRejectsWrongAnswer(t *testing.T) {
	inverse := func(rate float64) float64 { return 1 / (1 - rate) }
	if err := checkDropout(dropoutWith(inverse, inverse, true)); err != nil {
		t.Fatalf("checkDropout rejected the right answer written another way: %v", err)
	}
	one := func(float64) float64 { return 1 }
	for name, c := range map[string]struct {
		answer func(x, dout, keep nn.Matrix, rate float64) (out, dx nn.Matrix)
		says   string
	}{
		"no 1/q scaling":        {dropoutWith(one, one, true), "without the 1/(1 − rate)"},
		"scaled by 1/rate":      {dropoutWith(func(r float64) float64 { return 1 / r }, inverse, true), "divides by the rate"},
		"scaled by 1 − rate":    {dropoutWith(func(r float64) float64 { return 1 - r }, inverse, true), "old-style dropout"},
		"dx = dout":             {dropoutWith(inverse, one, false), "dout unchanged"},
		"dx masked, not scaled": {dropoutWith(inverse, one, true), "not its 1/(1 − rate)"},
	} {
		err := checkDropout(c.answer)
		if err == nil {
			t.Errorf("checkDropout accepted %s", name)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("checkDropout rejects %s without saying so (%q): %v", name, c.says, err)
		}
	}
}

// ---------------------------------------------------------------------------
// Exercise 7: AdamWStep

// Slips of AdamWStep.
func adamWL2(w, g, m, v []float64, t int, lr, b1, b2, eps, lambda float64) { // λw into the gradient
	gl := make([]float64, len(g))
	for i := range g {
		gl[i] = g[i] + lambda*w[i]
	}
	adamRef(w, gl, m, v, t, lr, b1, b2, eps)
}

func adamWNoLR(w, g, m, v []float64, t int, lr, b1, b2, eps, lambda float64) { // w ← w − λw
	for i := range w {
		w[i] -= lambda * w[i]
	}
	adamRef(w, g, m, v, t, lr, b1, b2, eps)
}

func adamWAfter(w, g, m, v []float64, t int, lr, b1, b2, eps, lambda float64) { // the decay after the step
	adamRef(w, g, m, v, t, lr, b1, b2, eps)
	for i := range w {
		w[i] -= lr * lambda * w[i]
	}
}

func adamWGrows(w, g, m, v []float64, t int, lr, b1, b2, eps, lambda float64) { // w ← w + lr·λ·w
	for i := range w {
		w[i] += lr * lambda * w[i]
	}
	adamRef(w, g, m, v, t, lr, b1, b2, eps)
}

// adamRef is Adam's step t, as the formula writes it.
func adamRef(w, g, m, v []float64, t int, lr, b1, b2, eps float64) {
	for i := range w {
		m[i] = b1*m[i] + (1-b1)*g[i]
		v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
		w[i] -= lr * (m[i] / (1 - math.Pow(b1, float64(t)))) / (math.Sqrt(v[i]/(1-math.Pow(b2, float64(t)))) + eps)
	}
}

func checkAdamWStep(f func(w, g, m, v []float64, t int, lr, beta1, beta2, eps, lambda float64)) error {
	for k, c := range []struct{ lr, lambda float64 }{{0.001, 0.01}, {0.1, 0.3}, {0.05, 2}} {
		adamw := func(rule func(w, g, m, v []float64, t int, lr, beta1, beta2, eps, lambda float64)) stepper {
			m, v := make([]float64, 6), make([]float64, 6)
			return func(t int, w, g []float64) { rule(w, g, m, v, t, c.lr, 0.9, 0.999, 1e-8, c.lambda) }
		}
		err := checkAgainstSlips(fmt.Sprintf("AdamWStep(lr %g, λ %g)", c.lr, c.lambda),
			"w ← w − lr·λ·w, then Adam's step with g",
			uint64(20+k), nn.NewAdamW(c.lr, c.lambda), adamw(f), []slip{
				{"that is Adam with L2 weight decay, λ·w added to the gradient, where √v̂ divides it; AdamW subtracts lr·λ·w from w itself and leaves g alone", adamw(adamWL2)},
				{"that shrinks w by λ·w; the decay is scaled by the learning rate: w ← w − lr·λ·w", adamw(adamWNoLR)},
				{"that decays w after Adam's step; shrink w first, then take the step", adamw(adamWAfter)},
				{"that grows the weights: w ← w − lr·λ·w, a minus", adamw(adamWGrows)},
			})
		if err != nil {
			return err
		}
	}
	return nil
}

func TestExerciseAdamWStep(t *testing.T) {
	exercise.Attempted(t, "AdamWStep", "ch06_sgd_adam/exercises.go", func() {
		AdamWStep([]float64{0}, []float64{0}, []float64{0}, []float64{0}, 1, 0.001, 0.9, 0.999, 1e-8, 0.01)
	})
	if err := exercise.Safely(func() error { return checkAdamWStep(AdamWStep) }); err != nil {
		t.Error(err)
	}
}

func TestCheckAdamWStepRejectsWrongAnswer(t *testing.T) {
	for name, c := range map[string]struct {
		rule func(w, g, m, v []float64, t int, lr, beta1, beta2, eps, lambda float64)
		says string
	}{
		"L2 through the gradient": {adamWL2, "L2 weight decay"},
		"decay without lr":        {adamWNoLR, "scaled by the learning rate"},
		"decay after Adam's step": {adamWAfter, "after Adam's step"},
		"w ← w + lr·λ·w":          {adamWGrows, "grows the weights"},
		"plain Adam, no decay":    {func(w, g, m, v []float64, t int, lr, b1, b2, eps, _ float64) { adamRef(w, g, m, v, t, lr, b1, b2, eps) }, "after step"},
	} {
		err := checkAdamWStep(c.rule)
		if err == nil {
			t.Errorf("checkAdamWStep accepted %s", name)
		} else if !strings.Contains(err.Error(), c.says) {
			t.Errorf("checkAdamWStep rejects %s without saying so (%q): %v", name, c.says, err)
		}
	}
}
