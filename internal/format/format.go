// Package format holds the small number-formatting helpers that nn, data
// and the chapters share, so that each is written once.
package format

import "strconv"

// Thousands formats n with comma separators: 59210 → "59,210", -1000 → "-1,000".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}
