package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"nnfromscratch/internal/exercise"
)

func TestExerciseConfusionMatrix(t *testing.T) {
	exercise.Attempted(t, "ConfusionMatrix", "ch07_mnist/exercises.go", func() { ConfusionMatrix([]int{0}, []int{0}, 2) })
	if err := exercise.Safely(func() error { return checkConfusionMatrix(ConfusionMatrix) }); err != nil {
		t.Error(err)
	}
}

func TestExerciseCenterOfMass(t *testing.T) {
	exercise.Attempted(t, "CenterOfMass", "ch07_mnist/exercises.go", func() { CenterOfMass([]float64{1}, 1, 1) })
	if err := exercise.Safely(func() error { return checkCenterOfMass(CenterOfMass) }); err != nil {
		t.Error(err)
	}
}

func TestExerciseTopK(t *testing.T) {
	exercise.Attempted(t, "TopK", "ch07_mnist/exercises.go", func() { TopK([]float64{1}, 1) })
	if err := exercise.Safely(func() error { return checkTopK(TopK) }); err != nil {
		t.Error(err)
	}
}

// checkConfusionMatrix compares f with the chapter's confusionMatrix on
// made-up predictions, including one where every guess is off by one, so
// that a matrix with rows and columns swapped shows.
func checkConfusionMatrix(f func(pred, labels []int, classes int) [][]int) error {
	pred, labels := []int{1, 2, 0, 1}, []int{0, 1, 2, 1}
	got := f(pred, labels, 3)
	if len(got) != 3 {
		return fmt.Errorf("ConfusionMatrix(pred %v, labels %v, 3) has %d rows, want 3 (one per true class)", pred, labels, len(got))
	}
	if got[0][1] != 1 || got[1][0] != 0 {
		return fmt.Errorf("ConfusionMatrix(pred %v, labels %v, 3): an image of class 0 predicted as 1 should count in m[0][1] (row = truth, column = guess); got m[0][1] = %d, m[1][0] = %d",
			pred, labels, got[0][1], got[1][0])
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for trial := range 50 {
		classes := 2 + rng.IntN(10)
		n := rng.IntN(200)
		pred, labels := make([]int, n), make([]int, n)
		for i := range n {
			labels[i] = rng.IntN(classes)
			pred[i] = labels[i]
			if rng.IntN(3) == 0 {
				pred[i] = rng.IntN(classes)
			}
		}
		want := confusionMatrix(pred, labels, classes)
		got := f(pred, labels, classes)
		if len(got) != classes {
			return fmt.Errorf("trial %d: %d rows for %d classes", trial, len(got), classes)
		}
		for i := range want {
			if !slices.Equal(got[i], want[i]) {
				return fmt.Errorf("trial %d (%d images, %d classes): row %d (true class %d) is %v, want %v",
					trial, n, classes, i, i, got[i], want[i])
			}
		}
	}
	return nil
}

// checkCenterOfMass compares f with the chapter's centerOfMass on a single
// pixel, on a blank image, and on random images of many shapes (so that a
// swapped x and y shows).
func checkCenterOfMass(f func(img []float64, w, h int) (float64, float64)) error {
	one := make([]float64, 5*3)
	one[1*5+3] = 1 // pixel (3, 1)
	if cx, cy := f(one, 5, 3); !near(cx, 3) || !near(cy, 1) {
		return fmt.Errorf("CenterOfMass of a 5×3 image with ink only at pixel (x 3, y 1) = (%g, %g), want (3, 1)", cx, cy)
	}
	if cx, cy := f(make([]float64, 6*4), 6, 4); !near(cx, 2.5) || !near(cy, 1.5) {
		return fmt.Errorf("CenterOfMass of a blank 6×4 image = (%g, %g), want its middle (2.5, 1.5)", cx, cy)
	}
	rng := rand.New(rand.NewPCG(8, 8))
	for trial := range 50 {
		w, h := 2+rng.IntN(30), 1+rng.IntN(20)
		img := make([]float64, w*h)
		for i := range img {
			if rng.IntN(4) == 0 {
				img[i] = rng.Float64()
			}
		}
		wx, wy := centerOfMass(img, w, h)
		gx, gy := f(img, w, h)
		if !near(gx, wx) || !near(gy, wy) {
			return fmt.Errorf("trial %d: CenterOfMass of a random %d×%d image = (%.6f, %.6f), want (%.6f, %.6f)", trial, w, h, gx, gy, wx, wy)
		}
	}
	return nil
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*max(1, math.Abs(b)) }

// checkTopK compares f with the chapter's topK, with ties, k beyond the
// length, and a check that the input is left alone.
func checkTopK(f func(probs []float64, k int) []int) error {
	cases := []struct {
		probs []float64
		k     int
	}{
		{[]float64{0.1, 0.7, 0.2}, 2},
		{[]float64{0.25, 0.5, 0.25}, 3},
		{[]float64{0.3, 0.3, 0.4}, 5},
		{[]float64{1}, 1},
		{[]float64{0.2, 0.8}, 0},
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for range 30 {
		p := make([]float64, 10)
		for i := range p {
			p[i] = float64(rng.IntN(5)) / 4 // few distinct values: many ties
		}
		cases = append(cases, struct {
			probs []float64
			k     int
		}{p, 1 + rng.IntN(10)})
	}
	for _, c := range cases {
		in := slices.Clone(c.probs)
		got := f(in, c.k)
		want := topK(c.probs, c.k)
		if !slices.Equal(in, c.probs) {
			return fmt.Errorf("TopK(%v, %d) changed its input to %v", c.probs, c.k, in)
		}
		if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			return fmt.Errorf("TopK(%v, %d) = %v, want %v (largest first; on a tie the lower index first)", c.probs, c.k, got, want)
		}
	}
	return nil
}

// Each check must be able to fail: feed it a plausible wrong answer.

func TestCheckConfusionMatrixRejectsTransposed(t *testing.T) {
	transposed := func(pred, labels []int, classes int) [][]int {
		return confusionMatrix(labels, pred, classes) // rows = guesses
	}
	if checkConfusionMatrix(transposed) == nil {
		t.Error("checkConfusionMatrix accepted a matrix with rows and columns swapped")
	}
	mistakesOnly := func(pred, labels []int, classes int) [][]int { // leaves the diagonal at 0
		m := confusionMatrix(pred, labels, classes)
		for i := range m {
			m[i][i] = 0
		}
		return m
	}
	if checkConfusionMatrix(mistakesOnly) == nil {
		t.Error("checkConfusionMatrix accepted a matrix that counts only the mistakes")
	}
	marks := func(pred, labels []int, classes int) [][]int { // m[t][p] = 1 instead of m[t][p]++
		m := confusionMatrix(pred, labels, classes)
		for i := range m {
			for j := range m[i] {
				m[i][j] = min(m[i][j], 1)
			}
		}
		return m
	}
	if checkConfusionMatrix(marks) == nil {
		t.Error("checkConfusionMatrix accepted a matrix that marks pairs instead of counting them")
	}
}

func TestCheckCenterOfMassRejectsWrongAnswers(t *testing.T) {
	oneBased := func(img []float64, w, h int) (float64, float64) {
		cx, cy := centerOfMass(img, w, h)
		return cx + 1, cy + 1 // counts pixels from 1
	}
	if checkCenterOfMass(oneBased) == nil {
		t.Error("checkCenterOfMass accepted positions counted from 1")
	}
	swapped := func(img []float64, w, h int) (float64, float64) {
		var s, sx, sy float64
		for i, v := range img {
			x, y := i/h, i%h // treats the image as column by column
			s, sx, sy = s+v, sx+v*float64(x), sy+v*float64(y)
		}
		if s == 0 {
			return float64(w-1) / 2, float64(h-1) / 2
		}
		return sx / s, sy / s
	}
	if checkCenterOfMass(swapped) == nil {
		t.Error("checkCenterOfMass accepted an image read column by column")
	}
	unweighted := func(img []float64, w, h int) (float64, float64) { // every inked pixel counts 1
		b := make([]float64, len(img))
		for i, v := range img {
			if v > 0 {
				b[i] = 1
			}
		}
		return centerOfMass(b, w, h)
	}
	if checkCenterOfMass(unweighted) == nil {
		t.Error("checkCenterOfMass accepted the plain mean position of the inked pixels")
	}
	noBlankCase := func(img []float64, w, h int) (float64, float64) { // 0/0 = NaN on a blank image
		var s, sx, sy float64
		for i, v := range img {
			s, sx, sy = s+v, sx+v*float64(i%w), sy+v*float64(i/w)
		}
		return sx / s, sy / s
	}
	if checkCenterOfMass(noBlankCase) == nil {
		t.Error("checkCenterOfMass accepted NaN for a blank image")
	}
}

func TestCheckTopKRejectsWrongAnswers(t *testing.T) {
	unstable := func(probs []float64, k int) []int {
		idx := topK(probs, len(probs))
		slices.Reverse(idx)
		slices.SortStableFunc(idx, func(a, b int) int { // ties: higher index first
			switch {
			case probs[a] > probs[b]:
				return -1
			case probs[a] < probs[b]:
				return 1
			}
			return 0
		})
		return idx[:min(k, len(idx))]
	}
	if checkTopK(unstable) == nil {
		t.Error("checkTopK accepted ties broken by the higher index")
	}
	sorting := func(probs []float64, k int) []int {
		idx := topK(probs, k)
		slices.Sort(probs) // sorts the caller's slice
		return idx
	}
	if checkTopK(sorting) == nil {
		t.Error("checkTopK accepted a TopK that sorts its input in place")
	}
	smallestFirst := func(probs []float64, k int) []int {
		idx := topK(probs, len(probs))
		slices.Reverse(idx)
		return idx[:min(k, len(idx))]
	}
	if checkTopK(smallestFirst) == nil {
		t.Error("checkTopK accepted the k smallest values")
	}
	noLimit := func(probs []float64, k int) []int { // panics when k > len(probs)
		return topK(probs, len(probs))[:k]
	}
	if exercise.Safely(func() error { return checkTopK(noLimit) }) == nil {
		t.Error("checkTopK accepted a TopK that fails when k is larger than len(probs)")
	}
}
