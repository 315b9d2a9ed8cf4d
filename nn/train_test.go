package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestBatchesCoverEveryRowOnce(t *testing.T) {
	x := New(10, 2)
	labels := make([]int, 10)
	for i := range x {
		x[i][0] = float64(i)
		labels[i] = i % 3
	}
	b := NewBatches(x, labels, 3, 4, rand.New(rand.NewPCG(1, 2)))
	if b.PerEpoch() != 3 {
		t.Errorf("PerEpoch = %d, want 3", b.PerEpoch())
	}
	seen := map[int]bool{}
	b.Epoch()
	sizes := []int{}
	for {
		bx, bt, bl, ok := b.Next()
		if !ok {
			break
		}
		sizes = append(sizes, bx.Rows())
		for r := range bx {
			i := int(bx[r][0])
			seen[i] = true
			if bl[r] != labels[i] || bt[r][labels[i]] != 1 || bt[r:r+1].Sum() != 1 {
				t.Errorf("row %d: label %d, one-hot %v; want %d", i, bl[r], bt[r], labels[i])
			}
		}
	}
	if len(seen) != 10 || len(sizes) != 3 || sizes[2] != 2 {
		t.Errorf("an epoch saw %d distinct rows in batches %v, want 10 rows in 4, 4, 2", len(seen), sizes)
	}
}

func TestCheckLoss(t *testing.T) {
	if CheckLoss(1.5, 1, 0.1) != nil {
		t.Error("finite loss reported as divergence")
	}
	err := CheckLoss(math.NaN(), 7, 50)
	var d *DivergedError
	if !errors.As(err, &d) || !strings.Contains(err.Error(), "try 5") || !strings.Contains(err.Error(), "step 7") {
		t.Errorf("CheckLoss(NaN) = %v, want a DivergedError suggesting 5 at step 7", err)
	}
}

func TestAtChance(t *testing.T) {
	if !AtChance(0.098, 10) || AtChance(0.5, 10) {
		t.Error("AtChance: 9.8% of 10 classes is chance, 50% is not")
	}
}
