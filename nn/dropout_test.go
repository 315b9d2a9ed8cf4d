package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// keepPattern is a random rows×cols pattern of 1s (keep, with probability
// q) and 0s.
func keepPattern(rng *rand.Rand, rows, cols int, q float64) Matrix {
	k := New(rows, cols)
	for _, row := range k {
		for j := range row {
			if rng.Float64() < q {
				row[j] = 1
			}
		}
	}
	return k
}

// With its mask held fixed, dropout is a linear map, and Backward is its
// gradient.
func TestDropoutGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	l := NewDropout(0.3, rng)
	x := randomMatrix(rng, 6, 7)
	l.Keep = keepPattern(rng, 6, 7, 0.7)
	if e := layerGradError(t, l, x, rng); e > 1e-6 {
		t.Errorf("Dropout with a fixed mask: relative error %.2g, want < 1e-6", e)
	}
	out := l.Forward(x)
	for i := range x {
		for j := range x[i] {
			want := 0.0
			if l.Keep[i][j] != 0 {
				want = x[i][j] * (1 / 0.7) // out = x ⊙ mask, mask = 1/q
			}
			if out[i][j] != want {
				t.Fatalf("out[%d][%d] = %v, want %v (keep %v)", i, j, out[i][j], want, l.Keep[i][j])
			}
		}
	}
}

// Drawn masks drop about the fraction r of the units, scale the rest by
// exactly 1/q, keep the mean of the input, and depend only on the seed.
func TestDropoutMasks(t *testing.T) {
	for _, r := range []float64{0.1, 0.5, 0.8} {
		l := NewDropout(r, rand.New(rand.NewPCG(63, 64)))
		x := New(200, 501) // an odd width: the halves of a draw cross rows
		for i := range x {
			for j := range x[i] {
				x[i][j] = 1
			}
		}
		out := l.Forward(x)
		dropped, total := 0, 0
		for _, row := range out {
			for _, v := range row {
				total++
				switch v {
				case 0:
					dropped++
				case 1 / (1 - r):
				default:
					t.Fatalf("rate %g: an output of %v, want 0 or 1/q = %v", r, v, 1/(1-r))
				}
			}
		}
		frac := float64(dropped) / float64(total)
		sigma := math.Sqrt(r * (1 - r) / float64(total))
		if math.Abs(frac-r) > 5*sigma {
			t.Errorf("rate %g: dropped %.4f of %d units, more than 5σ = %.4f away", r, frac, total, 5*sigma)
		}
		if mean := out.Sum() / float64(total); math.Abs(mean-1) > 5*sigma/(1-r) {
			t.Errorf("rate %g: mean output %.4f, want ≈ 1 (the input's)", r, mean)
		}
		first := l.Mask().Clone()
		again := NewDropout(r, rand.New(rand.NewPCG(63, 64)))
		again.Forward(x)
		if !Equal(first, again.Mask()) {
			t.Errorf("rate %g: the same seed drew a different mask", r)
		}
		l.Forward(x)
		if Equal(first, l.Mask()) {
			t.Errorf("rate %g: two forward passes drew the same mask", r)
		}
	}
}

// At inference dropout passes its input through unchanged, and Backward
// after it panics.
func TestDropoutInference(t *testing.T) {
	rng := rand.New(rand.NewPCG(65, 66))
	l := NewDropout(0.5, rng)
	l.SetTraining(false)
	x := randomMatrix(rng, 4, 3)
	if out := l.Forward(x); !Equal(out, x) {
		t.Error("inference: out differs from x")
	}
	if l.Backward(nil) != nil {
		t.Error("Backward(nil) is not nil")
	}
	defer func() {
		if msg := recoverString(recover()); !strings.Contains(msg, "inference mode") {
			t.Errorf("Backward after an inference Forward: panic %q", msg)
		}
	}()
	l.Backward(x)
}

func TestDropoutRejects(t *testing.T) {
	for name, f := range map[string]func(){
		"rate 1":       func() { NewDropout(1, nil) },
		"rate -0.1":    func() { NewDropout(-0.1, nil) },
		"rate NaN":     func() { NewDropout(math.NaN(), nil) },
		"no source":    func() { NewDropout(0.5, nil).Forward(New(2, 2)) },
		"Keep's shape": func() { l := NewDropout(0.5, nil); l.Keep = New(2, 3); l.Forward(New(2, 2)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
