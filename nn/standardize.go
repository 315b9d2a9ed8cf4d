// Chapter 6 (ch06_sgd_adam) explains this file: input standardisation. Pixels
// divided by 255 lie in 0..1 with a mean near 0.13; shifting and scaling
// them to mean 0 and standard deviation 1 over the training set gives every
// first-layer weight inputs of both signs and of the size the initial
// weights were chosen for.

package nn

import (
	"fmt"
	"math"
)

// Standardization is how pixel bytes become a network's input: with the
// zero value, p/255, as FromPixels does; with Std set, standardised with the
// training pixels' mean and standard deviation (on the ÷255 scale):
//
//	x = (p/255 − Mean) / Std
//
// torchvision's transforms.Normalize((0.1307,), (0.3081,)) for MNIST. The
// statistics come from the training set alone (PixelStats) and are then used
// unchanged for validation, test and a user's own picture: FromPixels is the
// one conversion for all of them, and MLP.Input records it in the model file.
type Standardization struct {
	Mean, Std float64
}

// PixelStats returns the mean and standard deviation of all the pixels
// (bytes 0..255), on the ÷255 scale: about 0.1307 and 0.3081 for the 60,000
// MNIST training digits. The standard deviation is the population one
// (divided by the number of pixels). It panics on no pixels, or pixels all
// the same (a standard deviation of 0 cannot be divided by).
func PixelStats(pixels []byte) Standardization {
	if len(pixels) == 0 {
		panic("nn.PixelStats: no pixels")
	}
	var count [256]int // how many pixels have each value: the sums below need only these
	for _, p := range pixels {
		count[p]++
	}
	n := float64(len(pixels))
	mean := 0.0
	for v, c := range count {
		mean += float64(c) * (float64(v) / 255)
	}
	mean /= n // mean = (1/N) Σ p/255
	variance := 0.0
	for v, c := range count {
		d := float64(v)/255 - mean
		variance += float64(c) * d * d
	}
	variance /= n // σ² = (1/N) Σ (p/255 − mean)²
	if variance == 0 {
		panic("nn.PixelStats: every pixel has the same value; there is nothing to standardise")
	}
	return Standardization{Mean: mean, Std: math.Sqrt(variance)}
}

// None reports whether s is the zero value: p/255, no standardisation.
func (s Standardization) None() bool { return s == Standardization{} }

// Check returns an error unless s is the zero value or has a finite mean
// and a positive, finite standard deviation.
func (s Standardization) Check() error {
	if s.None() {
		return nil
	}
	if math.IsNaN(s.Mean) || math.IsInf(s.Mean, 0) || !(s.Std > 0) || math.IsInf(s.Std, 0) {
		return fmt.Errorf("input standardisation: mean %g and standard deviation %g; want a finite mean and a positive standard deviation", s.Mean, s.Std)
	}
	return nil
}

// String is "p/255" for the zero value, else "(p/255 − 0.1307)/0.3081"
// with four decimals.
func (s Standardization) String() string {
	if s.None() {
		return "p/255"
	}
	return fmt.Sprintf("(p/255 − %.4f)/%.4f", s.Mean, s.Std)
}

// FromPixels turns images stored as bytes (cols bytes per image, one after
// another) into a matrix with one image per row, each byte p becoming
// (p/255 − Mean)/Std; the zero value gives p/255, bit for bit what
// nn.FromPixels gives.
func (s Standardization) FromPixels(pixels []byte, cols int) Matrix {
	if err := s.Check(); err != nil {
		panic("nn.Standardization.FromPixels: " + err.Error())
	}
	if cols <= 0 || len(pixels)%cols != 0 {
		panic(fmt.Sprintf("nn.Standardization.FromPixels: %d bytes do not split into rows of %d", len(pixels), cols))
	}
	return s.FromPixelsInto(New(len(pixels)/cols, cols), pixels)
}

// FromPixelsInto is FromPixels into dst, a matrix made by New with one row
// per image, and returns it: a training loop that distorts its images every
// epoch refills the same matrix instead of making a new one.
func (s Standardization) FromPixelsInto(dst Matrix, pixels []byte) Matrix {
	if err := s.Check(); err != nil {
		panic("nn.Standardization.FromPixelsInto: " + err.Error())
	}
	flat := dst.flat()
	if flat == nil || len(flat) != len(pixels) {
		panic(fmt.Sprintf("nn.Standardization.FromPixelsInto: %d bytes into a %s matrix", len(pixels), dst.Shape()))
	}
	var table [256]float64 // the 256 values a byte can become, computed once
	for p := range table {
		table[p] = float64(p) / 255 // p/255, as FromPixels
		if !s.None() {
			table[p] = (float64(p)/255 - s.Mean) / s.Std // x = (p/255 − mean) / std
		}
	}
	for i, p := range pixels {
		flat[i] = table[p]
	}
	return dst
}
