// Chapter 6 (ch06_sgd_adam) explains this file: learning-rate schedules.
// Large steps early cover ground; small steps late settle into a minimum
// instead of bouncing around it. A schedule gives the rate for each epoch,
// and a training loop hands it to the optimiser before the epoch starts:
//
//	for epoch := 0; epoch < epochs; epoch++ {
//		opt.SetLearningRate(schedule.At(epoch))
//		…
//	}

package nn

import (
	"fmt"
	"math"
)

// Schedule gives the learning rate of every epoch, counted from 0, the way
// PyTorch's torch.optim.lr_scheduler classes do after each scheduler.step().
type Schedule interface {
	At(epoch int) float64
}

// Constant is no schedule: lr(epoch) = LR.
type Constant struct {
	LR float64
}

// At returns LR.
func (s Constant) At(epoch int) float64 { return s.LR }

// StepDecay multiplies the rate by Factor after every Every epochs,
// PyTorch's StepLR(step_size=Every, gamma=Factor):
//
//	lr(epoch) = LR · Factor^⌊epoch / Every⌋
//
// Epochs 0 … Every−1 use LR, the next Every epochs LR·Factor, and so on.
type StepDecay struct {
	LR     float64
	Every  int
	Factor float64
}

// At returns LR · Factor^⌊epoch / Every⌋.
func (s StepDecay) At(epoch int) float64 {
	if s.Every < 1 {
		panic(fmt.Sprintf("nn.StepDecay: Every = %d; want at least 1 epoch", s.Every))
	}
	return s.LR * math.Pow(s.Factor, float64(epoch/s.Every))
}

// Cosine anneals the rate from LR down to Floor along half a cosine over
// Epochs epochs, PyTorch's CosineAnnealingLR(T_max=Epochs, eta_min=Floor):
//
//	lr(epoch) = Floor + (LR − Floor) · (1 + cos(π · epoch / Epochs)) / 2
//
// It starts at LR, falls slowly, then fast, then slowly again, and would
// reach Floor at epoch Epochs, one past the last of a run of Epochs epochs;
// it stays there after.
type Cosine struct {
	LR, Floor float64
	Epochs    int
}

// At returns Floor + (LR − Floor)·(1 + cos(π·epoch/Epochs))/2.
func (s Cosine) At(epoch int) float64 {
	if s.Epochs < 1 {
		panic(fmt.Sprintf("nn.Cosine: Epochs = %d; want at least 1", s.Epochs))
	}
	e := min(epoch, s.Epochs)
	return s.Floor + (s.LR-s.Floor)*(1+math.Cos(math.Pi*float64(e)/float64(s.Epochs)))/2
}

// ScheduleNames lists the schedules NewSchedule knows.
var ScheduleNames = []string{"constant", "step", "cosine"}

// NewSchedule returns the schedule called name for a run of epochs epochs
// that starts at rate lr:
//
//	constant  lr throughout
//	step      StepDecay: lr halved every ⌈epochs/4⌉ epochs, about a quarter of
//	          the run, so that the last quarter trains at about lr/8
//	cosine    Cosine from lr to 0 over the run
func NewSchedule(name string, lr float64, epochs int) (Schedule, error) {
	if !(lr > 0) || math.IsInf(lr, 0) {
		return nil, fmt.Errorf("learning rate %g must be a positive number", lr)
	}
	if epochs < 1 {
		return nil, fmt.Errorf("a schedule over %d epochs: want at least 1", epochs)
	}
	switch name {
	case "constant":
		return Constant{LR: lr}, nil
	case "step":
		return StepDecay{LR: lr, Every: (epochs + 3) / 4, Factor: 0.5}, nil
	case "cosine":
		return Cosine{LR: lr, Epochs: epochs}, nil
	}
	return nil, fmt.Errorf("unknown schedule %q (want %s)", name, orList(ScheduleNames))
}
