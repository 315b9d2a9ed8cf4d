package fast

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"nnfromscratch/nn/internal/cputime"
)

// BenchmarkWide times the single products of a training step of the wide
// networks (784-1024-1024-10 and 784-800-800-10) at batch 128, in the forms
// nn calls them, and reports GFLOP/s (2·n·k·m flops) and GFLOP per second of
// CPU time (steadier on a shared machine, on one core). Run it with -cpu 1,2:
//
//	go test ./nn/internal/fast -run '^$' -bench Wide -cpu 1,2 -count 3
func BenchmarkWide(b *testing.B) {
	const batch = 128
	for _, h := range []int{1024, 800} {
		rng := rand.New(rand.NewPCG(uint64(h), 7))
		x1 := rowsOf(rng, random(rng, batch*784), batch, 784) // a batch of dataset rows
		x2 := random(rng, batch*h)                            // a hidden layer's output
		w1, w2 := random(rng, 784*h), random(rng, h*h)
		bias, dout := random(rng, h), random(rng, batch*h)
		y, dw1, dw2, dx := make([]float64, batch*h), make([]float64, 784*h), make([]float64, h*h), make([]float64, batch*h)
		run := func(name string, n, k, m int, f func()) {
			b.Run(fmt.Sprintf("h%d/%s_%dx%dx%d", h, name, n, k, m), func(b *testing.B) {
				f()
				b.ResetTimer()
				cpu0, cpuOK := cputime.Process()
				for range b.N {
					f()
				}
				b.StopTimer()
				flops := 2 * float64(n*k*m) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if cpu1, ok := cputime.Process(); ok && cpuOK {
					// per second of CPU time, on all the cores it kept busy
					b.ReportMetric(flops/(cpu1-cpu0)/1e9, "GFLOP/cpu-s")
				}
			})
		}
		run("L1fwd", batch, 784, h, func() { MulRows(y, x1, w1, bias, batch, 784, h) })
		run("L1dW", 784, batch, h, func() { MulATRows(dw1, x1, dout, 784, batch, h) })
		run("L2fwd", batch, h, h, func() { Mul(y, x2, w2, bias, batch, h, h) })
		run("L2dW", h, batch, h, func() { MulAT(dw2, x2, dout, h, batch, h) })
		run("L2dx", batch, h, h, func() { MulBT(dx, dout, w2, batch, h, h) })
	}
}

// BenchmarkResident is a product whose operands stay in the core's own
// caches (96×256·256×128, 0.6 MB): what the kernel reaches when no operand
// has to come from the shared cache or memory.
func BenchmarkResident(b *testing.B) {
	const n, k, m = 96, 256, 128
	rng := rand.New(rand.NewPCG(8, 9))
	x, w, y := random(rng, n*k), random(rng, k*m), make([]float64, n*m)
	Mul(y, x, w, nil, n, k, m)
	b.ResetTimer()
	for range b.N {
		Mul(y, x, w, nil, n, k, m)
	}
	b.ReportMetric(2*n*k*m*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkHandoff is an empty job handed to a helper goroutine and back:
// what a split costs beyond its arithmetic, about one round trip of a cache
// line between two cores, which on a virtual machine changes as the host
// moves its cores. Run it with -cpu 2.
func BenchmarkHandoff(b *testing.B) {
	parts := []part{{op: opAdam}, {op: opAdam}} // empty ranges: nothing to do
	if parallelism() < 2 {
		b.Skip("needs two cores and GOMAXPROCS ≥ 2")
	}
	runAll(parts)
	b.ResetTimer()
	for range b.N {
		runAll(parts)
	}
}
