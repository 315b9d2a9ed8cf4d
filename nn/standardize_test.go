package nn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestPixelStats(t *testing.T) {
	if s := PixelStats([]byte{0, 255}); s.Mean != 0.5 || s.Std != 0.5 {
		t.Errorf("PixelStats(0, 255) = %+v, want mean 0.5, std 0.5", s)
	}
	rng := rand.New(rand.NewPCG(81, 82))
	pixels := make([]byte, 7840)
	for i := range pixels {
		if rng.IntN(5) == 0 {
			pixels[i] = byte(rng.IntN(256))
		}
	}
	s := PixelStats(pixels)
	// The same, the long way: every pixel on the ÷255 scale.
	x := FromPixels(pixels, 784)
	mean, sd := columnStats(FromRows([][]float64{elements(x)}).T())
	if !near(s.Mean, mean[0], 1e-12) || !near(s.Std, sd[0], 1e-12) {
		t.Errorf("PixelStats = %+v, want mean %v std %v", s, mean[0], sd[0])
	}
	// Standardised with them, the pixels have mean 0 and standard deviation 1.
	z := s.FromPixels(pixels, 784)
	zm, zs := columnStats(FromRows([][]float64{elements(z)}).T())
	if !near(zm[0], 0, 1e-12) || !near(zs[0], 1, 1e-12) {
		t.Errorf("standardised pixels: mean %v sd %v, want 0 and 1", zm[0], zs[0])
	}
	for i, p := range pixels[:100] {
		if want := (float64(p)/255 - s.Mean) / s.Std; z[0][i] != want {
			t.Fatalf("pixel %d (%d) became %v, want %v", i, p, z[0][i], want)
		}
	}
	// The zero value is FromPixels, bit for bit.
	if !Equal(Standardization{}.FromPixels(pixels, 784), x) {
		t.Error("the zero Standardization differs from FromPixels")
	}
}

func TestStandardizationRejects(t *testing.T) {
	for _, s := range []Standardization{{0.1, 0}, {0.1, -1}, {math.NaN(), 0.3}, {0.1, math.Inf(1)}} {
		if s.Check() == nil {
			t.Errorf("%+v: Check accepts it", s)
		}
	}
	for name, f := range map[string]func(){
		"no pixels":    func() { PixelStats(nil) },
		"all the same": func() { PixelStats([]byte{7, 7, 7}) },
		"bad std":      func() { Standardization{0.1, 0}.FromPixels([]byte{1}, 1) },
	} {
		func() {
			defer func() {
				if msg := recoverString(recover()); !strings.HasPrefix(msg, "nn.") {
					t.Errorf("%s: panic %q, want one from nn", name, msg)
				}
			}()
			f()
		}()
	}
}

// FromPixelsInto refills a matrix with what FromPixels makes, bit for bit,
// and refuses a matrix of the wrong size.
func TestFromPixelsInto(t *testing.T) {
	rng := rand.New(rand.NewPCG(83, 84))
	pixels := make([]byte, 3*784)
	for i := range pixels {
		pixels[i] = byte(rng.IntN(256))
	}
	for _, s := range []Standardization{{}, PixelStats(pixels)} {
		dst := New(3, 784)
		dst[1][5] = 42 // what was there goes
		if got := s.FromPixelsInto(dst, pixels); !Equal(got, s.FromPixels(pixels, 784)) || &got[0][0] != &dst[0][0] {
			t.Errorf("%v: FromPixelsInto differs from FromPixels, or did not fill dst", s)
		}
	}
	defer func() {
		if msg := recoverString(recover()); !strings.HasPrefix(msg, "nn.Standardization.FromPixelsInto") {
			t.Errorf("a matrix of the wrong size: panic %q", msg)
		}
	}()
	Standardization{}.FromPixelsInto(New(2, 784), pixels)
}
