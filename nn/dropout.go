// Chapter 6 (ch06_sgd_adam) explains this file: dropout (Srivastava, Hinton
// et al. 2014), which silences a random part of the units on every training
// step, so that no unit can rely on any other one being there.

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Dropout is inverted dropout with drop rate r, PyTorch's nn.Dropout(p = r):
// while training, each unit is zeroed with probability r and kept with
// probability q = 1 − r, and the units kept are scaled by 1/q, so that the
// expected value of every output equals its input:
//
//	out = x ⊙ mask      mask = 1/q where a unit is kept, 0 where it is dropped
//
// At inference (SetTraining(false)) it does nothing: out = x. Because the
// scaling happened while training, nothing has to be rescaled afterwards.
type Dropout struct {
	Rate float64    // r, the fraction of units zeroed while training, in [0, 1)
	Rand *rand.Rand // where the masks come from

	// Keep, when set, fixes the mask: Forward in training mode keeps
	// exactly the units where Keep is not 0 (and scales them by 1/q),
	// instead of drawing from Rand. Its shape must be the input's. For
	// gradient checks and exercises, which need the same mask on every
	// forward pass.
	Keep Matrix

	training bool
	trained  bool   // the last Forward was a training one
	mask     Matrix // 1/q or 0 for every unit of the last training Forward
	out, dx  Matrix
}

// NewDropout returns dropout with drop rate rate (in [0, 1)), in training
// mode, drawing its masks from rng.
func NewDropout(rate float64, rng *rand.Rand) *Dropout {
	if !(rate >= 0 && rate < 1) {
		panic(fmt.Sprintf("nn.NewDropout: drop rate %g outside [0, 1)", rate))
	}
	return &Dropout{Rate: rate, Rand: rng, training: true}
}

// SetTraining turns dropping on (true) or off (false, for inference); see
// ModeSetter.
func (l *Dropout) SetTraining(on bool) { l.training = on }

// Mask is the mask of the last training Forward: 1/q where a unit was kept,
// 0 where it was dropped. It is the layer's buffer, valid until its next
// Forward.
func (l *Dropout) Mask() Matrix { return l.mask }

// Forward returns x ⊙ mask with a new random mask (or the fixed Keep) while
// training, and x itself at inference.
func (l *Dropout) Forward(x Matrix) Matrix {
	l.trained = l.training
	if !l.training {
		return x // inference: out = x
	}
	q := 1 - l.Rate
	l.mask = resize(l.mask, x.Rows(), x.Cols())
	if l.Keep != nil {
		sameShape("Dropout.Forward (Keep and the input)", l.Keep, x)
		for i, row := range l.Keep {
			for j, k := range row {
				l.mask[i][j] = 0
				if k != 0 {
					l.mask[i][j] = 1 / q
				}
			}
		}
	} else {
		l.drawMask(q)
	}
	l.out = resize(l.out, x.Rows(), x.Cols())
	return l.out.HadamardOf(x, l.mask) // out = x ⊙ mask
}

// drawMask fills the mask: each unit is kept (1/q) with probability q, else
// dropped (0). One 64-bit draw decides two units: each half of it, a number
// u in 0 … 2³²−1, keeps its unit when u < q·2³², which happens with
// probability q (to within 2⁻³²).
func (l *Dropout) drawMask(q float64) {
	if l.Rand == nil {
		panic("nn.Dropout: no random source to draw masks from; set Rand (or use Build, which does)")
	}
	threshold := uint64(math.Round(q * (1 << 32)))
	var bits uint64
	fresh := false // whether bits holds an unused half
	for _, row := range l.mask {
		for j := range row {
			if !fresh {
				bits = l.Rand.Uint64()
			}
			u := bits & (1<<32 - 1)
			bits >>= 32
			fresh = !fresh
			row[j] = 0
			if u < threshold {
				row[j] = 1 / q
			}
		}
	}
}

// Backward returns dx = dout ⊙ mask: a dropped unit passes no gradient back,
// a kept one passes it scaled by 1/q, as its output was. It returns nil for
// a nil dout (below the first Dense layer, where nothing needs a gradient),
// and panics after a Forward in inference mode.
func (l *Dropout) Backward(dout Matrix) Matrix {
	if dout == nil {
		return nil
	}
	if !l.trained {
		panic("nn.Dropout.Backward: the last Forward ran in inference mode, without a mask; " +
			"call SetTraining(true) before the forward pass that Backward follows")
	}
	l.dx = resize(l.dx, dout.Rows(), dout.Cols())
	return l.dx.HadamardOf(dout, l.mask) // dx = dout ⊙ mask
}

// Params returns nil: dropout has nothing to learn.
func (l *Dropout) Params() []*Param { return nil }
