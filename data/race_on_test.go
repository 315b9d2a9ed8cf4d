//go:build race

package data

// raceEnabled is true under go test -race, which makes the heaviest tests
// ten times slower: they skip.
const raceEnabled = true
