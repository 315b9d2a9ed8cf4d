// Chapter 6 (ch06_sgd_adam) explains this file: five rules for turning
// gradients into parameter updates. Each keeps whatever running state its
// rule needs, one slot per parameter, made on the first Step.

package nn

import (
	"fmt"
	"math"
)

// Optimizer updates parameters from their gradients. Step must be called
// with the same parameter list every time.
type Optimizer interface {
	Step(params []*Param)
	Name() string
}

// values returns the contiguous storage of a parameter's value and gradient.
func values(p *Param) (w, g []float64) {
	w, g = p.Value.flat(), p.Grad.flat()
	if w == nil || g == nil {
		panic(fmt.Sprintf("nn: parameter %s is not contiguous; make it with nn.New or nn.FromRows", p.Name))
	}
	return w, g
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

func (o *SGD) Name() string { return "sgd" }

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

func (o *Momentum) Name() string { return "momentum" }

func (o *Momentum) Step(params []*Param) {
	if o.v == nil {
		o.v = state(params)
	}
	for k, p := range params {
		w, g := values(p)
		v := o.v[k]
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

func (o *AdaGrad) Name() string { return "adagrad" }

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

func (o *RMSProp) Name() string { return "rmsprop" }

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
	t                     int
	m, v                  [][]float64
	w, g                  [][]float64 // this step's values and gradients, flat
	consts                [9]float64  // β1, 1−β1, β2, 1−β2, 1−β1ᵗ, 1−β2ᵗ, lr, ε, 1/(1−β2ᵗ)
}

// NewAdam returns Adam with the usual β1 = 0.9, β2 = 0.999, ε = 1e−8.
func NewAdam(lr float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

func (o *Adam) Name() string { return "adam" }

func (o *Adam) Step(params []*Param) {
	if o.m == nil {
		o.m, o.v = state(params), state(params)
		o.w, o.g = make([][]float64, len(params)), make([][]float64, len(params))
	}
	o.t++
	c1 := 1 - math.Pow(o.Beta1, float64(o.t))
	c2 := 1 - math.Pow(o.Beta2, float64(o.t))
	o.consts = [9]float64{o.Beta1, 1 - o.Beta1, o.Beta2, 1 - o.Beta2, c1, c2, o.LR, o.Eps, 1 / c2}
	total := 0
	for i, p := range params {
		w, g := values(p)
		if len(g) < len(w) {
			panic(fmt.Sprintf("nn: parameter %s has %d values but %d gradients", p.Name, len(w), len(g)))
		}
		o.w[i], o.g[i] = w, g[:len(w)]
		total += len(w)
	}
	// Every element is updated on its own, so the elements can be dealt out
	// to the cores in any split without changing a single bit. It pays only
	// for networks too big for one core's cache (see kernel.go).
	p := 1
	if total >= adamSplitMin {
		p = parallelism()
	}
	if p <= 1 {
		o.update(0, total)
		return
	}
	var parts [maxParts]task
	for q := range p {
		parts[q] = task{op: opAdam, adam: o, lo: total * q / p, hi: total * (q + 1) / p}
	}
	runParts(parts[:p])
}

// update runs this step's update on elements lo..hi−1 of the parameters
// taken one after another.
func (o *Adam) update(lo, hi int) {
	start := 0
	for i, w := range o.w {
		end := start + len(w)
		if a, b := max(lo, start)-start, min(hi, end)-start; a < b {
			w, g, m, v := w[a:b], o.g[i][a:b], o.m[i][a:b], o.v[i][a:b]
			done := adamSIMD(w, g, m, v, &o.consts)
			adamGo(w[done:], g[done:], m[done:], v[done:], &o.consts)
		}
		start = end
	}
}

// adamGo is the Adam update of the doc comment, element by element:
//
//	m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²
//	w ← w − lr·(m/(1 − β1ᵗ)) / (√(v/(1 − β2ᵗ)) + ε)
func adamGo(w, g, m, v []float64, k *[9]float64) {
	b1, b1c, b2, b2c, c1, c2, lr, eps := k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7]
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	if c1 == 1 { // from step 349 on: m/1 = m, one division fewer
		for i := range w {
			m[i] = b1*m[i] + b1c*g[i]
			v[i] = b2*v[i] + b2c*g[i]*g[i]
			w[i] -= lr * m[i] / (math.Sqrt(v[i]/c2) + eps)
		}
		return
	}
	for i := range w {
		m[i] = b1*m[i] + b1c*g[i]
		v[i] = b2*v[i] + b2c*g[i]*g[i]
		w[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
	}
}

// OptimizerNames lists the names NewOptimizer accepts, in the order chapter 6
// introduces them.
var OptimizerNames = []string{"sgd", "momentum", "adagrad", "rmsprop", "adam"}

// NewOptimizer returns the optimiser called name with learning rate lr and
// the usual defaults for everything else (momentum 0.9, RMSProp ρ 0.99,
// ε 1e−8, Adam's β1 0.9 and β2 0.999).
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
	}
	return nil, fmt.Errorf("unknown optimiser %q (want sgd, momentum, adagrad, rmsprop or adam)", name)
}
