//go:build !solutions

package exercise

// Solutions is true when the tests run with -tags solutions, against the
// reference answers.
const Solutions = false
