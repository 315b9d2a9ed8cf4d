package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// Evaluate gives, row for row, what softmax and a first-on-ties argmax give
// on the network's probabilities, across several chunks and a partial last
// one; Classify and Accuracy agree with it.
func TestEvaluateMatchesSoftmaxArgmax(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	net, err := NewMLP([]int{12, 9, 5}, "tanh", rng)
	if err != nil {
		t.Fatal(err)
	}
	rows := 2*EvalChunk + 37
	x := randomMatrix(rng, rows, 12)
	probs := net.Predict(x) // every row at once, no chunks
	classes, confidence, err := net.Evaluate(x)
	if err != nil {
		t.Fatal(err)
	}
	if len(classes) != rows || len(confidence) != rows {
		t.Fatalf("%d classes and %d confidences for %d rows", len(classes), len(confidence), rows)
	}
	labels := make([]int, rows)
	right := 0
	for i, p := range probs {
		best := 0
		for k := range p {
			if p[k] > p[best] {
				best = k
			}
		}
		if classes[i] != best || confidence[i] != p[best] {
			t.Fatalf("row %d: class %d (%v), want %d (%v)", i, classes[i], confidence[i], best, p[best])
		}
		labels[i] = i % 5
		if best == labels[i] {
			right++
		}
	}
	if got := net.Classify(x); !slices.Equal(got, classes) {
		t.Error("Classify differs from Evaluate")
	}
	if got, want := net.Accuracy(x, labels), float64(right)/float64(rows); got != want {
		t.Errorf("Accuracy %v, want %v", got, want)
	}
	if c, p, err := net.Evaluate(New(0, 12)); len(c) != 0 || len(p) != 0 || err != nil {
		t.Errorf("no rows: %v, %v, %v", c, p, err)
	}
}

// A network whose scores overflow is refused, and the rows are still all
// there for Classify.
func TestEvaluateOverflow(t *testing.T) {
	net, err := NewMLP([]int{3, 4, 2}, "relu", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	x := FromRows([][]float64{{1, 2, 3}, {0, 0, 0}})
	net.Dense()[1].B[0][1] = math.Inf(1)
	classes, confidence, err := net.Evaluate(x)
	if !errors.Is(err, ErrOverflow) {
		t.Errorf("an infinite bias: err %v, want ErrOverflow", err)
	}
	if len(classes) != 2 || len(confidence) != 2 || len(net.Classify(x)) != 2 {
		t.Errorf("got %d classes, %d confidences, want one per row", len(classes), len(confidence))
	}
	net.Dense()[1].B[0][1] = math.NaN()
	if _, _, err := net.Evaluate(x); !errors.Is(err, ErrOverflow) {
		t.Errorf("a NaN bias: err %v, want ErrOverflow", err)
	}
}

func TestArgmax(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want int
	}{
		{[]float64{0.1, 0.7, 0.2}, 1},
		{[]float64{0.4, 0.2, 0.4}, 0}, // a tie: the first
		{[]float64{-3, -1, -2}, 1},
		{[]float64{5}, 0},
	} {
		if got := Argmax(c.v); got != c.want {
			t.Errorf("Argmax(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}
