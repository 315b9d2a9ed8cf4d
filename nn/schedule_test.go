package nn

import (
	"math"
	"strings"
	"testing"
)

func TestStepDecay(t *testing.T) {
	s := StepDecay{LR: 0.1, Every: 3, Factor: 0.5}
	want := []float64{0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125}
	for e, w := range want {
		if got := s.At(e); !near(got, w, 1e-17) {
			t.Errorf("StepDecay.At(%d) = %v, want %v", e, got, w)
		}
	}
}

func TestCosine(t *testing.T) {
	s := Cosine{LR: 0.1, Floor: 0.001, Epochs: 10}
	if s.At(0) != 0.1 || !near(s.At(5), (0.1+0.001)/2, 1e-16) || !near(s.At(10), 0.001, 1e-17) || s.At(25) != s.At(10) {
		t.Errorf("Cosine: %v %v %v %v; want 0.1, 0.0505, 0.001, 0.001", s.At(0), s.At(5), s.At(10), s.At(25))
	}
	for e := 1; e <= 10; e++ {
		if s.At(e) >= s.At(e-1) {
			t.Errorf("Cosine rises from epoch %d to %d: %v → %v", e-1, e, s.At(e-1), s.At(e))
		}
		want := 0.001 + (0.1-0.001)*(1+math.Cos(math.Pi*float64(e)/10))/2
		if !near(s.At(e), want, 1e-17) {
			t.Errorf("Cosine.At(%d) = %v, want %v", e, s.At(e), want)
		}
	}
}

func TestNewSchedule(t *testing.T) {
	for _, c := range []struct {
		name   string
		epochs int
		want   []float64
	}{
		{"constant", 3, []float64{0.01, 0.01, 0.01}},
		{"step", 8, []float64{0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025, 0.00125, 0.00125}},
		{"step", 10, []float64{0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.0025, 0.0025, 0.0025, 0.00125}},
		{"cosine", 2, []float64{0.01, 0.005}},
	} {
		s, err := NewSchedule(c.name, 0.01, c.epochs)
		if err != nil {
			t.Fatal(err)
		}
		for e, w := range c.want {
			if got := s.At(e); !near(got, w, 1e-17) {
				t.Errorf("%s over %d epochs: At(%d) = %v, want %v", c.name, c.epochs, e, got, w)
			}
		}
	}
	for _, bad := range []struct {
		name   string
		lr     float64
		epochs int
		want   string
	}{
		{"exponential", 0.1, 5, "want constant, step or cosine"},
		{"step", 0, 5, "positive"},
		{"cosine", 0.1, 0, "at least 1"},
	} {
		if _, err := NewSchedule(bad.name, bad.lr, bad.epochs); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("NewSchedule(%q, %g, %d): err %v, want one containing %q", bad.name, bad.lr, bad.epochs, err, bad.want)
		}
	}
}
