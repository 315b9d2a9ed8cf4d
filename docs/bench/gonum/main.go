// Command gonum_mlp trains article 002's network written by hand on gonum's
// mat.Dense, the matrix type a Go programmer would reach for: 784-64-64-64-10
// ReLU, softmax and cross-entropy, Adam (lr 0.001), He initialisation,
// float64, one shuffled pass over the training set per epoch. Like nn, it
// skips the first layer's dx (nothing needs the gradient of the pixels).
//
// It is its own module, so that the project's go.mod stays free of any
// requirement; docs/bench/compare.sh builds it.
//
// It prints, after each epoch, one line "epoch=N train_seconds_per_epoch=S"
// (training time only), and at the end the test accuracy.
//
// usage: gonum_mlp [-data DIR] [-batch 15] [-epochs 1] [-seed 1]
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

func main() {
	dir := flag.String("data", "/usr/share/datasets/fashion-mnist", "folder with the four IDX files")
	batch := flag.Int("batch", 15, "samples per batch")
	epochs := flag.Int("epochs", 1, "passes over the training set")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*dir, *batch, *epochs, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "gonum_mlp:", err)
		os.Exit(1)
	}
}

func run(dir string, batch, epochs int, seed uint64) error {
	trainX, trainY, err := readSet(dir, "train")
	if err != nil {
		return err
	}
	testX, testY, err := readSet(dir, "t10k")
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	net := newNetwork([]int{784, 64, 64, 64, 10}, batch, rng)
	n, cols := trainX.Dims()
	order := rng.Perm(n)
	xb := mat.NewDense(batch, cols, nil)
	yb := make([]int, batch)
	for epoch := 1; epoch <= epochs; epoch++ {
		start := time.Now()
		rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		for lo := 0; lo < n; lo += batch {
			rows := min(batch, n-lo)
			x := xb.Slice(0, rows, 0, cols).(*mat.Dense)
			for r := range rows {
				x.SetRow(r, trainX.RawRowView(order[lo+r]))
				yb[r] = trainY[order[lo+r]]
			}
			net.step(x, yb[:rows])
		}
		fmt.Printf("epoch=%d train_seconds_per_epoch=%.3f\n", epoch, time.Since(start).Seconds())
	}
	fmt.Printf("test_accuracy=%.4f\n", net.accuracy(testX, testY))
	return nil
}

// layer is one Dense layer, with the buffers of its forward and backward passes.
type layer struct {
	w, dw      *mat.Dense
	b, db      []float64
	mw, vw     []float64 // Adam's moments of w and b
	mb, vb     []float64
	in         *mat.Dense // the input of the last forward pass
	out, dx    *mat.Dense // full-batch buffers; a smaller batch uses their top rows
	relu, skip bool       // ReLU after the layer; skip dx (first layer)
}

type network struct {
	layers []*layer
	probs  *mat.Dense
	t      int // Adam steps
}

func newNetwork(sizes []int, batch int, rng *rand.Rand) *network {
	net := &network{probs: mat.NewDense(batch, sizes[len(sizes)-1], nil)}
	for i := 0; i+1 < len(sizes); i++ {
		in, out := sizes[i], sizes[i+1]
		w := make([]float64, in*out)
		std := math.Sqrt(2 / float64(in))
		for j := range w {
			w[j] = std * rng.NormFloat64()
		}
		net.layers = append(net.layers, &layer{
			w: mat.NewDense(in, out, w), dw: mat.NewDense(in, out, nil),
			b: make([]float64, out), db: make([]float64, out),
			mw: make([]float64, in*out), vw: make([]float64, in*out),
			mb: make([]float64, out), vb: make([]float64, out),
			out: mat.NewDense(batch, out, nil), dx: mat.NewDense(batch, in, nil),
			relu: i+2 < len(sizes), skip: i == 0,
		})
	}
	return net
}

// top returns the first rows rows of m.
func top(m *mat.Dense, rows int) *mat.Dense {
	_, c := m.Dims()
	return m.Slice(0, rows, 0, c).(*mat.Dense)
}

// forward returns the logits of x.
func (net *network) forward(x *mat.Dense) *mat.Dense {
	rows, _ := x.Dims()
	for _, l := range net.layers {
		l.in = x
		out := top(l.out, rows)
		out.Mul(x, l.w)
		for r := range rows {
			row := out.RawRowView(r)
			floats.Add(row, l.b)
			if l.relu {
				for j, v := range row {
					row[j] = max(v, 0)
				}
			}
		}
		x = out
	}
	return x
}

// step is one step of training: forward, softmax and cross-entropy,
// backward, Adam.
func (net *network) step(x *mat.Dense, labels []int) {
	rows, _ := x.Dims()
	logits := net.forward(x)
	dout := top(net.probs, rows)
	for r := range rows { // dout = (softmax(z) − t) / batch
		z, p := logits.RawRowView(r), dout.RawRowView(r)
		biggest := floats.Max(z)
		sum := 0.0
		for j, v := range z {
			p[j] = math.Exp(v - biggest)
			sum += p[j]
		}
		floats.Scale(1/sum, p)
		p[labels[r]] -= 1
		floats.Scale(1/float64(rows), p)
	}
	for i := len(net.layers) - 1; i >= 0; i-- {
		l := net.layers[i]
		l.dw.Mul(l.in.T(), dout)
		clear(l.db)
		for r := range rows {
			floats.Add(l.db, dout.RawRowView(r))
		}
		if l.skip {
			break
		}
		dx := top(l.dx, rows)
		dx.Mul(dout, l.w.T())
		if below := net.layers[i-1]; below.relu { // ReLU's gradient: 0 where its output was 0
			for r := range rows {
				g, o := dx.RawRowView(r), top(below.out, rows).RawRowView(r)
				for j := range g {
					if o[j] <= 0 {
						g[j] = 0
					}
				}
			}
		}
		dout = dx
	}
	net.t++
	c1 := 1 - math.Pow(0.9, float64(net.t))
	c2 := 1 - math.Pow(0.999, float64(net.t))
	for _, l := range net.layers {
		adam(l.w.RawMatrix().Data, l.dw.RawMatrix().Data, l.mw, l.vw, c1, c2)
		adam(l.b, l.db, l.mb, l.vb, c1, c2)
	}
}

// adam is one Adam step: m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
// w ← w − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
func adam(w, g, m, v []float64, c1, c2 float64) {
	const lr, b1, b2, eps = 0.001, 0.9, 0.999, 1e-8
	for i := range w {
		m[i] = b1*m[i] + (1-b1)*g[i]
		v[i] = b2*v[i] + (1-b2)*g[i]*g[i]
		w[i] -= lr * (m[i] / c1) / (math.Sqrt(v[i]/c2) + eps)
	}
}

// accuracy is the fraction of x's rows whose largest logit is the label,
// computed in batches of the network's size.
func (net *network) accuracy(x *mat.Dense, labels []int) float64 {
	n, cols := x.Dims()
	batch, _ := net.probs.Dims()
	right := 0
	for lo := 0; lo < n; lo += batch {
		rows := min(batch, n-lo)
		logits := net.forward(x.Slice(lo, lo+rows, 0, cols).(*mat.Dense))
		for r := range rows {
			if floats.MaxIdx(logits.RawRowView(r)) == labels[lo+r] {
				right++
			}
		}
	}
	return float64(right) / float64(n)
}
