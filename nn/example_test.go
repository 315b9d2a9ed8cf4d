package nn_test

import (
	"fmt"
	"math/rand/v2"
	"os"

	"nnfromscratch/nn"
)

func ExampleDot() {
	a := nn.FromRows([][]float64{{1, 2}, {3, 4}, {5, 6}}) // 3×2
	b := nn.FromRows([][]float64{{1, 0, 2}, {0, 1, 3}})   // 2×3
	fmt.Println(nn.Dot(a, b).Shape())
	fmt.Println(nn.Dot(a, b))
	// Output:
	// 3×3
	// [1.0000 2.0000 8.0000]
	// [3.0000 4.0000 18.0000]
	// [5.0000 6.0000 28.0000]
}

func ExampleSoftmax() {
	fmt.Printf("%.8f\n", nn.Softmax([]float64{0.3, 2.9, 4.0}))
	fmt.Printf("%.8f\n", nn.Softmax([]float64{1010, 1000, 990}))
	// Output:
	// [0.01821127 0.24519181 0.73659691]
	// [0.99995460 0.00004540 0.00000000]
}

func ExampleCrossEntropy() {
	y := []float64{0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0}
	t := nn.OneHot([]int{2}, 10)[0]
	fmt.Printf("MSE %.4f  CE %.4f\n", nn.MSE(y, t), nn.CrossEntropy(y, t))
	// Output:
	// MSE 0.0975  CE 0.5108
}

func ExampleNumericalGradient() {
	f := func(x []float64) float64 { return x[0]*x[0] + x[1]*x[1] }
	fmt.Printf("%.4f\n", nn.NumericalGradient(f, []float64{3, 4}))
	// Output:
	// [6.0000 8.0000]
}

func ExampleNewMLP() {
	net, err := nn.NewMLP([]int{784, 64, 64, 64, 10}, "relu", rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net)
	for _, p := range net.Params() {
		fmt.Print(p.Name, " ", p.Value.Shape(), "  ")
	}
	fmt.Println()
	// Output:
	// 784-64-64-64-10 relu (59,210 parameters)
	// W1 784×64  b1 1×64  W2 64×64  b2 1×64  W3 64×64  b3 1×64  W4 64×10  b4 1×10
}

// A whole training loop: forward and loss, backward, one optimiser step.
func ExampleMLP_Backward() {
	rng := rand.New(rand.NewPCG(1, 2))
	net, _ := nn.NewMLP([]int{2, 8, 2}, "tanh", rng)
	x := nn.FromRows([][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}})
	labels := []int{0, 1, 1, 0} // XOR
	t := nn.OneHot(labels, 2)
	opt := nn.NewAdam(0.05)
	for step := 0; step < 300; step++ {
		net.Loss(x, t)
		net.Backward()
		opt.Step(net.Params())
	}
	fmt.Println("accuracy:", net.Accuracy(x, labels))
	// Output:
	// accuracy: 1
}

func ExamplePlot_ASCII() {
	p := nn.Plot{Series: []nn.Series{{Name: "y = x", X: []float64{0, 1}, Y: []float64{0, 1}}}, XMax: 1, YMax: 1}
	p.ASCII(os.Stdout, 20, 5)
	// Output:
	// 1 |                 ***
	//   |            ******
	//   |       ******
	//   |  ******
	// 0 |***
	//   +--------------------
	//    0                  1
	//    * y = x
}
