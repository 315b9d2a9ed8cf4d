package nn_test

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"unicode"

	"nnfromscratch/data"
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

// The standard deviation each initialisation scheme gives the weights of a
// 784→100 layer.
func ExampleInitStd() {
	for _, name := range nn.InitNames {
		std, _ := nn.InitStd(name, 784, 100)
		fmt.Printf("%-8s %.4f\n", name, std)
	}
	_, err := nn.InitStd("xavier", 784, 100)
	fmt.Println(err)
	// Output:
	// std1     1.0000
	// std0.01  0.0100
	// lecun    0.0357
	// glorot   0.0476
	// he       0.0505
	// unknown initialisation "xavier" (want std1, std0.01, lecun, glorot or he); Xavier's initialisation is called glorot here, after its author Xavier Glorot
}

// An MLP with batch normalisation and dropout: each hidden layer is
// Dense → BatchNorm → ReLU → Dropout, and BatchNorm's β replaces the bias.
func ExampleBuild() {
	net, err := nn.Build(nn.Architecture{
		Sizes:      []int{784, 100, 100, 10},
		Activation: "relu",
		Init:       "he",
		BatchNorm:  true,
		Dropout:    0.5,
	}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net)
	var layers, params []string
	for _, l := range net.Layers {
		layers = append(layers, fmt.Sprintf("%T", l))
	}
	for _, p := range net.Params() {
		params = append(params, p.Name)
	}
	fmt.Println(strings.Join(layers, " "))
	fmt.Println(strings.Join(params, " "))
	// Output:
	// 784-100-100-10 relu, batch norm, dropout 0.5 (89,810 parameters)
	// *nn.Dense *nn.BatchNorm *nn.ReLULayer *nn.Dropout *nn.Dense *nn.BatchNorm *nn.ReLULayer *nn.Dropout *nn.Dense
	// W1 gamma1 beta1 W2 gamma2 beta2 W3 b3
}

// Batch normalisation of one feature over a batch of four: the batch's mean
// 2.5 and variance 1.25 while training, and the running averages PyTorch's
// BatchNorm1d would keep (momentum 0.1, the unbiased variance 5/3), which
// inference then uses.
func ExampleBatchNorm() {
	bn := nn.NewBatchNorm(1)
	x := nn.FromRows([][]float64{{1}, {2}, {3}, {4}})
	fmt.Println("training: ", bn.Forward(x).T())
	fmt.Printf("running mean %.4f, running variance %.4f\n", bn.RunningMean[0][0], bn.RunningVar[0][0])
	bn.SetTraining(false)
	fmt.Println("inference:", bn.Forward(x).T())
	// Output:
	// training:  [-1.3416 -0.4472 0.4472 1.3416]
	// running mean 0.2500, running variance 1.0667
	// inference: [0.7262 1.6944 2.6627 3.6309]
}

// Inverted dropout with rate 0.5 and its mask fixed: the units kept are
// doubled while training; at inference nothing changes.
func ExampleDropout() {
	drop := nn.NewDropout(0.5, rand.New(rand.NewPCG(1, 2)))
	x := nn.FromRows([][]float64{{1, 2, 3, 4}})
	drop.Keep = nn.FromRows([][]float64{{1, 0, 0, 1}})
	fmt.Println("training: ", drop.Forward(x))
	fmt.Println("gradient: ", drop.Backward(nn.FromRows([][]float64{{1, 1, 1, 1}})))
	drop.SetTraining(false)
	fmt.Println("inference:", drop.Forward(x))
	// Output:
	// training:  [2.0000 0.0000 0.0000 8.0000]
	// gradient:  [2.0000 0.0000 0.0000 2.0000]
	// inference: [1.0000 2.0000 3.0000 4.0000]
}

// A network starts in training mode. Evaluating switches to inference mode
// and back; a loop that computes something in inference mode by hand does
// the same with one deferred line.
func ExampleMLP_SetTraining() {
	net, _ := nn.Build(nn.Architecture{Sizes: []int{2, 8, 2}, Activation: "tanh", Dropout: 0.5}, rand.New(rand.NewPCG(1, 2)))
	x := nn.FromRows([][]float64{{0, 1}, {1, 0}})
	fmt.Println("training:", net.Training())
	p1, p2 := net.Predict(x), net.Predict(x) // inference: no dropping, the same answer twice
	fmt.Println("predictions equal:", nn.Equal(p1, p2), "- still training:", net.Training())

	scores := func() nn.Matrix {
		defer net.SetTraining(net.SetTraining(false))
		return net.Logits(x)
	}
	scores()
	fmt.Println("after scores():", net.Training())
	// Output:
	// training: true
	// predictions equal: true - still training: true
	// after scores(): true
}

// L2 weight decay: the loss grows by ½λ‖W‖², and Backward adds λ·W to every
// dW, so every optimiser decays the weights through the gradient.
func ExampleMLP_Penalty() {
	net, _ := nn.NewMLP([]int{2, 3, 2}, "relu", rand.New(rand.NewPCG(1, 2)))
	x, t := nn.FromRows([][]float64{{1, -2}}), nn.OneHot([]int{1}, 2)
	plain := net.Loss(x, t)
	net.WeightDecay = 0.1
	fmt.Printf("loss %.4f + penalty %.4f = %.4f\n", plain, net.Penalty(), net.Loss(x, t))
	// Output:
	// loss 0.5211 + penalty 0.8116 = 1.3327
}

// AdamW shrinks each weight by lr·λ·w besides Adam's step: here a weight of
// 2 with a zero gradient, which Adam alone would leave where it is, shrinks
// by 2% a step (lr 0.1, λ 0.2).
func ExampleAdamW() {
	w := nn.RowVector(2)
	params := []*nn.Param{{Name: "W", Value: w, Grad: nn.RowVector(0), Decay: true}}
	opt := nn.NewAdamW(0.1, 0.2)
	for range 3 {
		opt.Step(params)
		fmt.Printf("%.4f ", w[0][0])
	}
	fmt.Println()
	// Output:
	// 1.9600 1.9208 1.8824
}

// The learning rate of each epoch under a step decay and a cosine schedule,
// and the one line a training loop needs to follow a schedule.
func ExampleSchedule() {
	step := nn.StepDecay{LR: 0.1, Every: 3, Factor: 0.5}
	cosine := nn.Cosine{LR: 0.1, Floor: 0.001, Epochs: 8}
	fmt.Println("epoch  step    cosine")
	for epoch := range 8 {
		fmt.Printf("%5d  %.4f  %.4f\n", epoch, step.At(epoch), cosine.At(epoch))
	}

	opt := nn.NewAdam(0.1)
	for epoch := range 8 {
		opt.SetLearningRate(cosine.At(epoch))
		// … the epoch's mini-batches, each ending in opt.Step(net.Params())
	}
	fmt.Printf("last epoch's rate: %.4f\n", opt.LearningRate())
	// Output:
	// epoch  step    cosine
	//     0  0.1000  0.1000
	//     1  0.1000  0.0962
	//     2  0.1000  0.0855
	//     3  0.0500  0.0694
	//     4  0.0500  0.0505
	//     5  0.0500  0.0316
	//     6  0.0250  0.0155
	//     7  0.0250  0.0048
	// last epoch's rate: 0.0048
}

// The mean and standard deviation of the training pixels of the bundled
// sample (≈ 0.1307 and 0.3081 over all 60,000 MNIST training digits), and
// what they make of a background pixel (0) and full ink (255).
func ExamplePixelStats() {
	train, _, err := data.SampleSplit()
	if err != nil {
		fmt.Println(err)
		return
	}
	s := nn.PixelStats(train.Images)
	fmt.Printf("mean %.4f, std %.4f: x = %v\n", s.Mean, s.Std, s)
	fmt.Println(s.FromPixels([]byte{0, 255}, 2))
	fmt.Println(nn.Standardization{}.FromPixels([]byte{0, 255}, 2), "(the zero value: p/255)")
	// Output:
	// mean 0.1311, std 0.3087: x = (p/255 − 0.1311)/0.3087
	// [-0.4247 2.8142]
	// [0.0000 1.0000] (the zero value: p/255)
}

// Early stopping keeps the weights of the best validation epoch: one Clone,
// then CopyFrom, which allocates nothing, each time validation improves, and
// once more at the end.
func ExampleMLP_CopyFrom() {
	rng := rand.New(rand.NewPCG(1, 2))
	net, _ := nn.Build(nn.Architecture{Sizes: []int{2, 8, 2}, Activation: "tanh", BatchNorm: true}, rng)
	x := nn.FromRows([][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}})
	labels := []int{0, 1, 1, 0} // XOR; here the validation set is the training set
	t := nn.OneHot(labels, 2)
	opt := nn.NewAdam(0.05)
	best, bestLoss := net.Clone(), math.Inf(1)
	for epoch := 0; epoch < 100; epoch++ {
		net.Step(x, t, opt)
		if loss, _ := net.EvalLoss(x, labels); loss < bestLoss {
			best.CopyFrom(net)
			bestLoss = loss
		}
	}
	net.CopyFrom(best)
	loss, _ := net.EvalLoss(x, labels)
	fmt.Println("restored the best:", loss == bestLoss, "- accuracy:", net.Accuracy(x, labels))
	// Output:
	// restored the best: true - accuracy: 1
}

// The first lines of a model file in format 2, for a network with batch
// normalisation, dropout and standardised input.
func ExampleMLP_Save() {
	net, _ := nn.Build(nn.Architecture{Sizes: []int{784, 100, 10}, Activation: "relu", BatchNorm: true, Dropout: 0.5}, nil)
	net.Input = nn.Standardization{Mean: 0.1307, Std: 0.3081}
	var buf bytes.Buffer
	net.Save(&buf)
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.IndexFunc(line, unicode.IsLetter) == 0 {
			fmt.Println(line) // the header and every matrix's name and shape
		}
	}
	// Output:
	// nnfromscratch-mlp 2
	// sizes 784 100 10
	// activation relu
	// batchnorm eps 1e-05
	// dropout 0.5 input 0
	// input mean 0.1307 std 0.3081
	// W1 784 100
	// gamma1 1 100
	// beta1 1 100
	// running_mean1 1 100
	// running_var1 1 100
	// W2 100 10
	// b2 1 10
	// end
}
