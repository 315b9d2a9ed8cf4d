package format

import (
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{
		0: "0", 7: "7", 999: "999", 1000: "1,000", 59210: "59,210", 100000: "100,000",
		1234567: "1,234,567", -1: "-1", -999: "-999", -1000: "-1,000", -987654321: "-987,654,321",
	} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
	for _, n := range []int{math.MaxInt, math.MinInt} {
		got := Thousands(n)
		if strings.ReplaceAll(got, ",", "") != strconv.Itoa(n) || strings.HasPrefix(got, "-,") {
			t.Errorf("Thousands(%d) = %q", n, got)
		}
	}
}
