package main

import (
	"bytes"
	"strings"
	"testing"

	"nnfromscratch/internal/golden"
	"nnfromscratch/nn"
)

func TestGolden(t *testing.T) {
	out := golden.Run(t, run, "-seed", "1")
	golden.Check(t, "run", out)
	golden.CheckDoc(t, "../docs/ch03_forward.md", out)
}

func TestBadFlags(t *testing.T) {
	golden.CheckBadFlags(t, run, []golden.BadFlag{
		{Args: []string{"-seed", "-3"}, Want: "-seed"},
		{Args: []string{"-seed", "one"}, Want: "-seed"},
		{Args: []string{"-time=maybe"}, Want: "-time"},
		{Args: []string{"extra"}, Want: "unexpected argument"},
		{Args: []string{"-nosuchflag"}, Want: "nosuchflag"},
	}...)
}

func TestHelp(t *testing.T) {
	golden.CheckHelp(t, run, "-seed", "-time")
}

// The fast product must agree with nn.Dot to the last bit on every shape,
// including row counts that are not a multiple of four.
func TestDotFourRowsEqualsDot(t *testing.T) {
	for rows := 1; rows <= 9; rows++ {
		a := nn.New(rows, 5)
		b := nn.New(5, 3)
		for i := range a {
			for j := range a[i] {
				a[i][j] = float64(i*7+j*3)/11 - 0.4
			}
		}
		for i := range b {
			for j := range b[i] {
				b[i][j] = float64(i*5-j)/13 + 0.1
			}
		}
		if got, want := dotFourRows(a, b), nn.Dot(a, b); !nn.Equal(got, want) {
			t.Errorf("%d rows: dotFourRows differs from nn.Dot:\n%v\nwant\n%v", rows, got, want)
		}
		if got, want := dotIJK(a, b), nn.Dot(a, b); nn.RelError(got, want) > 1e-15 {
			t.Errorf("%d rows: dotIJK differs from nn.Dot", rows)
		}
	}
}

// The timing code runs (on a few digits, once), without checking the times.
func TestTimingRuns(t *testing.T) {
	var buf bytes.Buffer
	d, err := loadDigits(&buf)
	if err != nil {
		t.Fatal(err)
	}
	net := randomNetwork(&buf, d, 1)
	buf.Reset()
	timeWays(&buf, d.x[:200], ways(net), 1)
	timeLoopOrders(&buf, 20, 1)
	for _, want := range []string{"as fast as one at a time", "the time of i-k-j"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("timing output lacks %q:\n%s", want, buf.String())
		}
	}
}
