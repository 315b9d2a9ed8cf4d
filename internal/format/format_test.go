package format

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestThousands(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1,000"},
		{59210, "59,210"},
		{100000, "100,000"},
		{1234567, "1,234,567"},
		{-5, "-5"},
		{-1000, "-1,000"},
		{-1234567, "-1,234,567"},
		{math.MaxInt32, "2,147,483,647"},
		{math.MinInt32, "-2,147,483,648"},
	} {
		if got := Thousands(c.n); got != c.want {
			t.Errorf("Thousands(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	// The extremes of int, whatever its size: the digits are those of
	// strconv, with commas between groups of three.
	for _, n := range []int{math.MaxInt, math.MinInt} {
		got := Thousands(n)
		if strings.ReplaceAll(got, ",", "") != strconv.Itoa(n) || !strings.HasSuffix(got, ","+strconv.Itoa(n)[len(strconv.Itoa(n))-3:]) {
			t.Errorf("Thousands(%d) = %q", n, got)
		}
	}
}

func TestThousands64(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{
		{0, "0"},
		{9_912_422, "9,912,422"},
		{-1_000, "-1,000"},
		{330_000_000_000, "330,000,000,000"},
		{math.MaxInt64, "9,223,372,036,854,775,807"},
		{math.MinInt64, "-9,223,372,036,854,775,808"},
	} {
		if got := Thousands64(c.n); got != c.want {
			t.Errorf("Thousands64(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
