package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestBatchNormGradients checks BatchNorm's Backward in training mode (dx,
// dγ, dβ) against central differences of L = Σ out ⊙ r, with γ and β away
// from their starting values, on batches of several sizes.
func TestBatchNormGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	for _, rows := range []int{2, 3, 8, 33} {
		l := NewBatchNorm(5)
		l.Gamma, l.Beta = randomMatrix(rng, 1, 5), randomMatrix(rng, 1, 5)
		x := randomMatrix(rng, rows, 5)
		for i := range x { // features of different scales and offsets
			for j := range x[i] {
				x[i][j] = float64(j+1)*x[i][j] + float64(3*j)
			}
		}
		worst := layerGradError(t, l, x, rng)
		if worst > 1e-6 {
			t.Errorf("BatchNorm, batch %d: largest relative error %.2g, want < 1e-6", rows, worst)
		}
	}
}

// layerGradError returns the largest relative error between a layer's
// Backward and numerical gradients of L = Σ out ⊙ r for a fixed random r:
// for dx and for every Param.
func layerGradError(t *testing.T, l Layer, x Matrix, rng *rand.Rand) float64 {
	t.Helper()
	out := l.Forward(x)
	r := randomMatrix(rng, out.Rows(), out.Cols())
	loss := func() float64 { return Hadamard(l.Forward(x), r).Sum() }
	worst := 0.0
	l.Forward(x)
	if dx := l.Backward(r); dx != nil {
		worst = math.Max(worst, RelError(dx.Clone(), NumericalGradientMatrix(loss, x)))
	}
	for _, p := range l.Params() {
		l.Forward(x)
		l.Backward(r)
		g := p.Grad.Clone()
		worst = math.Max(worst, RelError(g, NumericalGradientMatrix(loss, p.Value)))
	}
	return worst
}

// While training, every feature of the output has the batch mean β and the
// (biased) standard deviation γ·σ/√(σ² + ε).
func TestBatchNormNormalises(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	l := NewBatchNorm(3)
	l.Gamma, l.Beta = RowVector(2, 0.5, 1), RowVector(-1, 3, 0)
	x := randomMatrix(rng, 64, 3)
	for i := range x {
		x[i][0] = 10*x[i][0] + 7
		x[i][2] = 0.01 * x[i][2]
	}
	mean, sd := columnStats(x)
	out := l.Forward(x)
	gotMean, gotSD := columnStats(out)
	for j := range 3 {
		wantSD := l.Gamma[0][j] * sd[j] / math.Sqrt(sd[j]*sd[j]+l.Eps)
		if !near(gotMean[j], l.Beta[0][j], 1e-12) || !near(gotSD[j], wantSD, 1e-12) {
			t.Errorf("feature %d (mean %.3g, sd %.3g): output mean %.6g sd %.6g, want %.6g and %.6g",
				j, mean[j], sd[j], gotMean[j], gotSD[j], l.Beta[0][j], wantSD)
		}
	}
}

// columnStats returns the mean and the biased standard deviation of every column.
func columnStats(m Matrix) (mean, sd []float64) {
	mean, sd = make([]float64, m.Cols()), make([]float64, m.Cols())
	for _, row := range m {
		for j, v := range row {
			mean[j] += v / float64(m.Rows())
		}
	}
	for _, row := range m {
		for j, v := range row {
			sd[j] += (v - mean[j]) * (v - mean[j]) / float64(m.Rows())
		}
	}
	for j := range sd {
		sd[j] = math.Sqrt(sd[j])
	}
	return mean, sd
}

// The running statistics follow PyTorch's BatchNorm1d: momentum 0.1, the
// unbiased batch variance; at inference they replace the batch's.
func TestBatchNormRunningStatistics(t *testing.T) {
	l := NewBatchNorm(2)
	batches := []Matrix{
		FromRows([][]float64{{1, 10}, {2, 10}, {3, 10}, {4, 10}}),
		FromRows([][]float64{{-1, 0}, {5, 4}}),
	}
	rm, rv := []float64{0, 0}, []float64{1, 1}
	for _, b := range batches {
		l.Forward(b)
		mean, sd := columnStats(b)
		n := float64(b.Rows())
		for j := range rm {
			rm[j] = 0.9*rm[j] + 0.1*mean[j]
			rv[j] = 0.9*rv[j] + 0.1*sd[j]*sd[j]*n/(n-1)
		}
	}
	for j := range rm {
		if !near(l.RunningMean[0][j], rm[j], 1e-14) || !near(l.RunningVar[0][j], rv[j], 1e-14) {
			t.Errorf("feature %d: running mean %v var %v, want %v and %v", j, l.RunningMean[0][j], l.RunningVar[0][j], rm[j], rv[j])
		}
	}

	l.Gamma, l.Beta = RowVector(2, 3), RowVector(0.5, -0.5)
	l.SetTraining(false)
	x := FromRows([][]float64{{7, -2}})
	before := l.RunningMean.Clone()
	out := l.Forward(x)
	for j := range 2 {
		want := l.Gamma[0][j]*(x[0][j]-rm[j])/math.Sqrt(rv[j]+1e-5) + l.Beta[0][j]
		if !near(out[0][j], want, 1e-12) {
			t.Errorf("inference, feature %d: %v, want %v", j, out[0][j], want)
		}
	}
	if !Equal(before, l.RunningMean) {
		t.Error("a forward pass in inference mode changed the running mean")
	}
}

// A batch of one sample while training gives β and leaves the running
// statistics alone, with no NaN anywhere, forward or backward.
func TestBatchNormOneSample(t *testing.T) {
	l := NewBatchNorm(3)
	l.Beta = RowVector(1, 2, 3)
	out := l.Forward(FromRows([][]float64{{5, -4, 0.5}}))
	if !Equal(out, l.Beta) {
		t.Errorf("one sample: out %v, want β = %v", out, l.Beta)
	}
	if l.RunningMean.Sum() != 0 || l.RunningVar.Sum() != 3 {
		t.Errorf("one sample changed the running statistics: %v, %v", l.RunningMean, l.RunningVar)
	}
	dx := l.Backward(RowVector(1, 1, 1))
	for _, v := range dx[0] {
		if math.IsNaN(v) {
			t.Fatalf("one sample: dx %v", dx)
		}
	}
}

func TestBatchNormBackwardAfterInferencePanics(t *testing.T) {
	l := NewBatchNorm(2)
	l.SetTraining(false)
	l.Forward(New(3, 2))
	defer func() {
		if msg := recoverString(recover()); !strings.Contains(msg, "inference mode") {
			t.Errorf("Backward after an inference Forward: panic %q, want one about inference mode", msg)
		}
	}()
	l.Backward(New(3, 2))
}

func recoverString(r any) string {
	if r == nil {
		return "no panic"
	}
	if s, ok := r.(string); ok {
		return s
	}
	if e, ok := r.(error); ok {
		return e.Error()
	}
	return "a panic of another type"
}
