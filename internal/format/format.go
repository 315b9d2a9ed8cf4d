// Package format writes numbers the way the programs print them for people.
package format

import "strconv"

// Thousands writes n with a comma between groups of three digits:
// 59210 → "59,210", -1234567 → "-1,234,567".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return sign + string(out)
}
