//go:build solutions

package main

// Reference answers to the exercises in exercises.go.

// ConfusionMatrix counts m[true][predicted].
func ConfusionMatrix(pred, labels []int, classes int) [][]int {
	m := make([][]int, classes)
	for i := range m {
		m[i] = make([]int, classes)
	}
	for i, p := range pred {
		m[labels[i]][p]++ // row: the truth; column: the guess
	}
	return m
}

// CenterOfMass is the ink-weighted mean of the pixel positions.
func CenterOfMass(img []float64, w, h int) (cx, cy float64) {
	var total, sumX, sumY float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ink := img[y*w+x]
			total += ink
			sumX += ink * float64(x)
			sumY += ink * float64(y)
		}
	}
	if total == 0 {
		return float64(w-1) / 2, float64(h-1) / 2
	}
	return sumX / total, sumY / total
}

// TopK picks the largest remaining value k times (a selection sort that
// stops early: plenty fast for ten classes).
func TopK(probs []float64, k int) []int {
	k = min(k, len(probs))
	taken := make([]bool, len(probs))
	out := make([]int, 0, max(k, 0))
	for len(out) < k {
		best := -1
		for i, p := range probs {
			if !taken[i] && (best < 0 || p > probs[best]) {
				best = i // strictly greater: on a tie the lower index stays
			}
		}
		taken[best] = true
		out = append(out, best)
	}
	return out
}
