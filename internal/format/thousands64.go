package format

import "strconv"

// Thousands64 is Thousands for an int64, such as a file size, which may not
// fit an int where int has 32 bits.
func Thousands64(n int64) string {
	if int64(int(n)) == n {
		return Thousands(int(n))
	}
	s := strconv.FormatInt(n, 10)
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
