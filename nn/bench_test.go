package nn

// Benchmarks for docs/performance.md. None of them runs in a plain
// `go test ./nn`; run them with -bench, for example:
//
//	go test ./nn -run '^$' -bench 'Epoch$' -count 5             # article 002's epoch, batch 15 and 128
//	go test ./nn -run '^$' -bench Products -count 5            # every product of an epoch, GFLOP/s
//	go test ./nn -run '^$' -bench Adam -count 5                # the optimiser, ns per parameter
//	go test ./nn -run '^$' -bench BatchNorm -count 5           # one batch normalisation layer, forward and backward
//	go test ./nn -run '^$' -bench EpochScaling -cpu 1,2        # the scaling table
//	go test ./nn -run '^$' -bench EpochScaling/h1024/b128 -cpu 1,2 -benchtime 3x   # a wide network, split
//	go test ./nn -run '^$' -bench 'EpochWide|ProductCeiling' -cpu 1,2 -benchtime 2x # full-MNIST sizes, and the ceiling
//
// NNFS_NOASM=1 in the environment (or -tags purego) runs the same benchmarks
// on the Go twins of nn/internal/fast instead of the amd64 assembly
// (NNFS_NOAVX512=1: AVX2 at most); add -count=1, as go test does not notice
// the variable when caching.
//
// On a machine shared with other work, the time on the clock (ns/op,
// s/epoch60k) varies from run to run; cpu-s/epoch60k, the CPU time the
// process used, varies much less (but counts every core it kept busy).

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"nnfromscratch/nn/internal/cputime"
)

// mnistLike returns rows×784 synthetic "images": about 80% of the pixels are
// 0 (background), the rest uniform in (0, 1], like MNIST scaled by 1/255.
func mnistLike(rng *rand.Rand, rows, cols int) Matrix {
	m := New(rows, cols)
	for _, row := range m {
		for j := range row {
			if rng.Float64() < 0.2 {
				row[j] = float64(1+rng.IntN(255)) / 255
			}
		}
	}
	return m
}

// epochFlops is the floating-point operations of one sample's training step
// in the matrix products: forward x·W and dW = xᵀ·dout for every layer, and
// dx = dout·Wᵀ for every layer but the first (2 flops per multiply-add).
func epochFlops(sizes []int) float64 {
	f := 0.0
	for i := 0; i+1 < len(sizes); i++ {
		mac := float64(sizes[i] * sizes[i+1])
		f += 2 * 2 * mac
		if i > 0 {
			f += 2 * mac
		}
	}
	return f
}

// benchEpoch trains sizes with Adam (lr 0.001) for one epoch over rows
// MNIST-like samples per iteration, the way a chapter's training loop does,
// and reports the time scaled to 60,000 samples and the products' GFLOP/s.
func benchEpoch(b *testing.B, sizes []int, batch, rows int) {
	opt := NewAdam(0.001)
	// Adam's step count as at the start of the second epoch of a
	// 60,000-sample run: from t = 356 on, 1 − β1ᵗ is exactly 1 and each step
	// skips a division (Adam.Step), as in nearly every step of a long run.
	opt.t = (60000 + batch - 1) / batch
	benchEpochOf(b, Architecture{Sizes: sizes, Activation: "relu"}, opt, batch, rows)
}

// benchEpochOf is benchEpoch for the network a describes, trained by opt.
func benchEpochOf(b *testing.B, a Architecture, opt Optimizer, batch, rows int) {
	sizes := a.Sizes
	rng := rand.New(rand.NewPCG(1, 2))
	x := mnistLike(rng, rows, sizes[0])
	labels := make([]int, rows)
	for i := range labels {
		labels[i] = rng.IntN(sizes[len(sizes)-1])
	}
	net, err := Build(a, rng)
	if err != nil {
		b.Fatal(err)
	}
	batches := NewBatches(x, labels, sizes[len(sizes)-1], batch, rng)
	epoch := func() {
		batches.Epoch()
		for {
			bx, bt, _, ok := batches.Next()
			if !ok {
				break
			}
			net.Step(bx, bt, opt)
		}
	}
	// One epoch first, untimed: the first steps make Adam's moments and
	// every buffer (page faults on fresh memory), once per run, which a
	// long run spreads over hundreds of steps but these short epochs would
	// charge to a few.
	epoch()
	b.ResetTimer()
	cpu0, cpuOK := cputime.Process()
	for range b.N {
		epoch()
	}
	b.StopTimer()
	perEpoch := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perEpoch*60000/float64(rows), "s/epoch60k")
	b.ReportMetric(epochFlops(sizes)*float64(rows)/perEpoch/1e9, "GFLOP/s")
	if cpu1, ok := cputime.Process(); ok && cpuOK {
		b.ReportMetric((cpu1-cpu0)/float64(b.N)*60000/float64(rows), "cpu-s/epoch60k")
	}
}

// BenchmarkEpoch is article 002's network, 784-64-64-64-10 ReLU with Adam,
// for an epoch of 6,000 samples, at batch 15 and 128.
func BenchmarkEpoch(b *testing.B) {
	for _, batch := range []int{15, 128} {
		b.Run(fmt.Sprintf("b%d", batch), func(b *testing.B) {
			benchEpoch(b, []int{784, 64, 64, 64, 10}, batch, 6000)
		})
	}
}

// BenchmarkEpochScaling is the scaling table: 784-h-h-h-10 for hidden width
// h 64, 256, 1024 and batch 1 to 512. Run it with -cpu 1,2 for GOMAXPROCS.
func BenchmarkEpochScaling(b *testing.B) {
	for _, h := range []int{64, 256, 1024} {
		rows := map[int]int{64: 6000, 256: 3000, 1024: 1024}[h]
		for _, batch := range []int{1, 15, 32, 128, 512} {
			b.Run(fmt.Sprintf("h%d/b%d", h, batch), func(b *testing.B) {
				benchEpoch(b, []int{784, h, h, h, 10}, batch, rows)
			})
		}
	}
}

// BenchmarkEpochWide is the wide networks of a full-MNIST run at batch 128,
// on 2,048 samples per epoch: 784-1024-1024-10 and 784-800-800-10 with
// Adam, and ch07_mnist's -preset best as it trains, 784-800-800-10 with
// batch normalisation and momentum (lr 0.05, μ 0.9). Run it with -cpu 1,2;
// the ceiling to compare its GFLOP/s with is BenchmarkProductCeiling's (or
// ../shared/bench/ceiling.py's), measured in the same sitting.
func BenchmarkEpochWide(b *testing.B) {
	for _, h := range []int{1024, 800} {
		b.Run(fmt.Sprintf("h%d/b128", h), func(b *testing.B) {
			benchEpoch(b, []int{784, h, h, 10}, 128, 2048)
		})
	}
	b.Run("best/b128", func(b *testing.B) {
		a := Architecture{Sizes: []int{784, 800, 800, 10}, Activation: "relu", BatchNorm: true}
		benchEpochOf(b, a, &Momentum{LR: 0.05, Mu: 0.9}, 128, 2048)
	})
}

// BenchmarkProductCeiling is one large product, 2048×2048·2048×2048 with
// Mul, split across the cores GOMAXPROCS allows: the most GFLOP/s the
// kernels reach on this machine, a ceiling for the epochs above.
func BenchmarkProductCeiling(b *testing.B) {
	const n = 2048
	rng := rand.New(rand.NewPCG(5, 6))
	x, y, z := randomMatrix(rng, n, n), randomMatrix(rng, n, n), New(n, n)
	z.Mul(x, y)
	b.ResetTimer()
	for range b.N {
		z.Mul(x, y)
	}
	b.ReportMetric(2*n*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkProducts times every matrix product of one training step of
// 784-64-64-64-10 at batch 15 and 128, in the shapes Dense uses them, and
// reports GFLOP/s (2·n·k·m flops, zeros counted as work).
func BenchmarkProducts(b *testing.B) {
	sizes := []int{784, 64, 64, 64, 10}
	for _, batch := range []int{15, 128} {
		for l := 0; l+1 < len(sizes); l++ {
			in, out := sizes[l], sizes[l+1]
			rng := rand.New(rand.NewPCG(uint64(l), uint64(batch)))
			var x Matrix
			if l == 0 {
				x = mnistLike(rng, batch, in)
			} else {
				x = randomMatrix(rng, batch, in)
				for _, row := range x { // a ReLU output: about half zeros
					for j := range row {
						row[j] = max(row[j], 0)
					}
				}
			}
			w, dout := randomMatrix(rng, in, out), randomMatrix(rng, batch, out)
			flops := 2 * float64(batch*in*out)
			run := func(name string, f func()) {
				b.Run(fmt.Sprintf("b%d/L%d_%s", batch, l+1, name), func(b *testing.B) {
					for range b.N {
						f()
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
			y, dw, dx := New(batch, out), New(in, out), New(batch, in)
			run(fmt.Sprintf("fwd_%dx%d·%dx%d", batch, in, in, out), func() { y.Mul(x, w) })
			run(fmt.Sprintf("dW_%dx%dᵀ·%dx%d", batch, in, batch, out), func() { dw.MulAT(x, dout) })
			if l > 0 {
				run(fmt.Sprintf("dx_%dx%d·%dx%dᵀ", batch, out, in, out), func() { dx.MulBT(dout, w) })
			}
		}
	}
}

// BenchmarkAdam is one Adam step over the 59,210 parameters of
// 784-64-64-64-10, reported per parameter.
func BenchmarkAdam(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	net, _ := NewMLP([]int{784, 64, 64, 64, 10}, "relu", rng)
	for _, p := range net.Params() {
		_, g := values(p)
		for i := range g {
			g[i] = 1e-3 * rng.NormFloat64()
		}
	}
	opt := NewAdam(0.001)
	opt.Step(net.Params())
	b.ResetTimer()
	for range b.N {
		opt.Step(net.Params())
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(net.ParamCount()), "ns/param")
}

// BenchmarkBatchNorm is one batch normalisation layer of ch07's default
// network at batch 128 (128×64), forward and backward, in training mode.
func BenchmarkBatchNorm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	x, dout := randomMatrix(rng, 128, 64), randomMatrix(rng, 128, 64)
	l := NewBatchNorm(64)
	b.Run("Forward", func(b *testing.B) {
		for range b.N {
			l.Forward(x)
		}
	})
	b.Run("Backward", func(b *testing.B) {
		l.Forward(x)
		for range b.N {
			l.Backward(dout)
		}
	})
}
