// Chapter 6 (ch06_sgd_adam) explains this file: five rules for turning
// gradients into parameter updates, and AdamW, Adam with its weight decay
// kept apart from the gradient. Each keeps whatever running state its rule
// needs, one slot per parameter, made on the first Step.
//
// Weight decay. With MLP.WeightDecay λ set, every weight's gradient arrives
// here as g + λw (MLP.Backward adds it), so each rule below decays the
// weights through its own g: SGD by lr·λ·w each step; Momentum through the
// velocity; AdaGrad, RMSProp and Adam through g², which divides λw by √h or
// √v̂ like the rest of g, so that weights with large gradients are barely
// decayed. AdamW (Loshchilov & Hutter 2019) decouples the two: it leaves g
// alone and shrinks every weight by lr·λ·w, whatever its gradient.

package nn

import (
	"fmt"
	"math"
)

// Optimizer updates parameters from their gradients. Step must be called
// with the same parameter list every time. LearningRate and SetLearningRate
// read and change the rate lr the rule uses, for a schedule (schedule.go):
//
//	opt.SetLearningRate(schedule.At(epoch))
type Optimizer interface {
	Step(params []*Param)
	LearningRate() float64
	SetLearningRate(lr float64)
}

// state returns one zeroed slice per parameter, shaped like its values.
func state(params []*Param) [][]float64 {
	s := make([][]float64, len(params))
	for i, p := range params {
		w, _ := values(p)
		s[i] = make([]float64, len(w))
	}
	return s
}

// SGD is plain stochastic gradient descent: w ← w − lr·g.
type SGD struct {
	LR float64
}

// Step moves every parameter against its gradient.
func (o *SGD) Step(params []*Param) {
	for _, p := range params {
		w, g := values(p)
		for i := range w {
			w[i] -= o.LR * g[i]
		}
	}
}

// Momentum keeps a velocity, a decaying sum of past steps, so that steps that
// agree build up speed and steps that zig-zag cancel out:
//
//	v ← μ·v − lr·g;  w ← w + v
type Momentum struct {
	LR, Mu float64
	v      [][]float64
}

// Step updates the velocities, then moves every parameter by its velocity.
func (o *Momentum) Step(params []*Param) {
	if o.v == nil {
		o.v = state(params)
	}
	for k, p := range params {
		w, g := values(p)
		v := o.v[k]
		if fusedMomentum(w, g, v, p.Value.Cols(), o.Mu, o.LR) {
			continue // this same update, on both cores at once (product.go)
		}
		for i := range w {
			v[i] = o.Mu*v[i] - o.LR*g[i]
			w[i] += v[i]
		}
	}
}

// AdaGrad gives each parameter its own learning rate, shrinking with the sum
// of its squared gradients so far:
//
//	h ← h + g²;  w ← w − lr·g / (√h + ε)
type AdaGrad struct {
	LR, Eps float64
	h       [][]float64
}

// Step adds the squared gradients to h, then moves every parameter by its
// gradient scaled down by √h.
func (o *AdaGrad) Step(params []*Param) {
	if o.h == nil {
		o.h = state(params)
	}
	for k, p := range params {
		w, g := values(p)
		h := o.h[k]
		for i := range w {
			h[i] += g[i] * g[i]
			w[i] -= o.LR * g[i] / (math.Sqrt(h[i]) + o.Eps)
		}
	}
}

// RMSProp is AdaGrad with a decaying average instead of a sum, so old
// gradients are forgotten and the step size never dies out:
//
//	h ← ρ·h + (1 − ρ)·g²;  w ← w − lr·g / (√h + ε)
type RMSProp struct {
	LR, Rho, Eps float64
	h            [][]float64
}

// Step updates the running average h of squared gradients, then moves every
// parameter by its gradient scaled down by √h.
func (o *RMSProp) Step(params []*Param) {
	if o.h == nil {
		o.h = state(params)
	}
	for k, p := range params {
		w, g := values(p)
		h := o.h[k]
		for i := range w {
			h[i] = o.Rho*h[i] + (1-o.Rho)*g[i]*g[i]
			w[i] -= o.LR * g[i] / (math.Sqrt(h[i]) + o.Eps)
		}
	}
}

// Adam combines momentum (m, a decaying mean of g) with RMSProp (v, a
// decaying mean of g²) and corrects both for starting at zero:
//
//	m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
//	m̂ = m / (1 − β1ᵗ);       v̂ = v / (1 − β2ᵗ)
//	w ← w − lr·m̂ / (√v̂ + ε)
//
// On the first step m̂ = g and v̂ = g², so every weight moves by almost
// exactly lr, whatever the size of its gradient.
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	t                     int // steps taken
	m, v                  [][]float64
}

// NewAdam returns Adam with the usual β1 = 0.9, β2 = 0.999, ε = 1e−8.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Step counts one more step t, then updates m and v and moves every
// parameter by lr·m̂ / (√v̂ + ε).
func (o *Adam) Step(params []*Param) {
	if o.m == nil {
		o.m, o.v = state(params), state(params)
	}
	o.t++
	lr, b1, b2, eps := o.LR, o.Beta1, o.Beta2, o.Eps
	c1 := 1 - math.Pow(b1, float64(o.t)) // 1 − β1ᵗ (for β1 = 0.9, exactly 1 from t = 356 on)
	c2 := 1 - math.Pow(b2, float64(o.t)) // 1 − β2ᵗ
	for k, p := range params {
		w, g := values(p)
		g, m, v := g[:len(w)], o.m[k][:len(w)], o.v[k][:len(w)] // one length: Go checks bounds once, not per i
		if fusedAdam(w, g, m, v, p.Value.Cols(), lr, b1, b2, eps, c1, c2) {
			continue // this same update, done on many numbers at once (product.go)
		}
		for i := range w {
			m[i] = b1*m[i] + (1-b1)*g[i]      // m ← β1·m + (1 − β1)·g
			v[i] = b2*v[i] + (1-b2)*g[i]*g[i] // v ← β2·v + (1 − β2)·g²
			mHat, vHat := m[i], v[i]/c2       // m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ)
			if c1 != 1 {                      // once 1 − β1ᵗ is 1, dividing by it changes nothing
				mHat /= c1
			}
			w[i] -= lr * mHat / (math.Sqrt(vHat) + eps) // w ← w − lr·m̂ / (√v̂ + ε)
		}
	}
}

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter 2019),
// PyTorch's torch.optim.AdamW:
//
//	w ← w − lr·(m̂ / (√v̂ + ε) + λ·w)
//
// m and v are Adam's, made from the gradient g alone; the decay λ·w is added
// to the step, not to g, so every weight shrinks by the same fraction lr·λ
// whatever the size of its gradients. Only the weights are decayed (the
// Params marked Decay), not biases, γ or β. Leave MLP.WeightDecay at 0 with
// it (MLP.SetWeightDecay does).
type AdamW struct {
	Adam
	WeightDecay float64 // λ
}

// NewAdamW returns AdamW with Adam's usual β1, β2 and ε and decay λ.
func NewAdamW(lr, weightDecay float64) *AdamW {
	return &AdamW{Adam: *NewAdam(lr), WeightDecay: weightDecay}
}

// Step shrinks every weight, w ← w − lr·λ·w, then takes Adam's step
// w ← w − lr·m̂ / (√v̂ + ε): the two terms of the update, one after the
// other, as PyTorch does.
func (o *AdamW) Step(params []*Param) {
	for _, p := range params {
		if !p.Decay {
			continue
		}
		w, _ := values(p)
		for i := range w {
			w[i] -= o.LR * o.WeightDecay * w[i] // w ← w − lr·λ·w
		}
	}
	o.Adam.Step(params)
}

// LearningRate returns lr.
func (o *SGD) LearningRate() float64 { return o.LR }

// SetLearningRate sets lr.
func (o *SGD) SetLearningRate(lr float64) { o.LR = lr }

// LearningRate returns lr.
func (o *Momentum) LearningRate() float64 { return o.LR }

// SetLearningRate sets lr; the velocity carries on.
func (o *Momentum) SetLearningRate(lr float64) { o.LR = lr }

// LearningRate returns lr.
func (o *AdaGrad) LearningRate() float64 { return o.LR }

// SetLearningRate sets lr; the sum h carries on.
func (o *AdaGrad) SetLearningRate(lr float64) { o.LR = lr }

// LearningRate returns lr.
func (o *RMSProp) LearningRate() float64 { return o.LR }

// SetLearningRate sets lr; the average h carries on.
func (o *RMSProp) SetLearningRate(lr float64) { o.LR = lr }

// LearningRate returns lr.
func (o *Adam) LearningRate() float64 { return o.LR }

// SetLearningRate sets lr; m, v and the step count carry on. (For AdamW,
// lr also scales the decay.)
func (o *Adam) SetLearningRate(lr float64) { o.LR = lr }

// OptimizerNames lists the names NewOptimizer accepts, in the order chapter 6
// introduces them.
var OptimizerNames = []string{"sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw"}

// NewOptimizer returns the optimiser called name with learning rate lr and
// the usual defaults for everything else (momentum 0.9, RMSProp ρ 0.99,
// ε 1e−8, Adam's β1 0.9 and β2 0.999; AdamW's decay λ 0.01, PyTorch's
// default, which MLP.SetWeightDecay or the WeightDecay field change).
func NewOptimizer(name string, lr float64) (Optimizer, error) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("learning rate %g must be a positive number", lr)
	}
	switch name {
	case "sgd":
		return &SGD{LR: lr}, nil
	case "momentum":
		return &Momentum{LR: lr, Mu: 0.9}, nil
	case "adagrad":
		return &AdaGrad{LR: lr, Eps: 1e-8}, nil
	case "rmsprop":
		return &RMSProp{LR: lr, Rho: 0.99, Eps: 1e-8}, nil
	case "adam":
		return NewAdam(lr), nil
	case "adamw":
		return NewAdamW(lr, 0.01), nil
	}
	return nil, fmt.Errorf("unknown optimiser %q (want %s)", name, orList(OptimizerNames))
}
