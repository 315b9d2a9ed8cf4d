package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// suggested finds the flags a message suggests: "try -lr 0.02", "give
// -test-limit 10000 -train-limit 75598", "use -batch 7468 or less", "try
// -act relu -lr 0.1".
var suggested = regexp.MustCompile(`(?:try|give|use) ((?:-[a-z-]+ ` + value + `)(?: -[a-z-]+ ` + value + `)*)`)

// value is what a flag is given: a number, a list of sizes, or a name.
const value = `(?:[0-9][0-9.e+,-]*[0-9]|[0-9]|relu|sigmoid|tanh)`

// suggestion returns the flags msg suggests, or nil.
func suggestion(msg string) []string {
	m := suggested.FindStringSubmatch(msg)
	if m == nil {
		return nil
	}
	return strings.Fields(m[1])
}

// flagValue is the value of the last -name in args, or "".
func flagValue(args []string, name string) string {
	v := ""
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "-"+name {
			v = args[i+1]
		}
	}
	return v
}

// Every suggestion a row of docs/errors.md makes is accepted by the
// program's flag checks and moves the right way: a smaller learning rate
// after "too large", a larger one after "too small", a smaller batch, more
// epochs, a -layers that fits the data, and limits that make the data fit
// (those rows are run again with the limits: the size error is gone).
func TestErrorsDocSuggestions(t *testing.T) {
	rows, _ := errorRows(t)
	checked := 0
	for _, row := range rows {
		try := suggestion(row.message)
		if try == nil {
			continue
		}
		checked++
		t.Run(row.test, func(t *testing.T) {
			args := strings.Fields(row.command)[3:]
			before, _, err := parseFlags(&strings.Builder{}, dummyDir(args))
			if err != nil {
				t.Fatalf("the row's own flags: %v", err)
			}
			after, _, err := parseFlags(&strings.Builder{}, dummyDir(append(append([]string(nil), args...), try...)))
			if err != nil {
				t.Fatalf("the suggestion %s is refused: %v", strings.Join(try, " "), err)
			}
			for i := 0; i+1 < len(try); i += 2 {
				name, value := strings.TrimPrefix(try[i], "-"), try[i+1]
				switch name {
				case "lr":
					if strings.Contains(row.message, "too small") != (after.lr > before.lr) {
						t.Errorf("-lr %g after -lr %g: the wrong way for %q", after.lr, before.lr, row.message)
					}
				case "batch":
					if after.batch >= before.batch {
						t.Errorf("-batch %d after -batch %d is not smaller", after.batch, before.batch)
					}
					if err := after.checkMemory(8000); err != nil {
						t.Errorf("-batch %d: %v", after.batch, err)
					}
				case "epochs":
					if after.epochs <= before.epochs {
						t.Errorf("-epochs %d after -epochs %d is not more", after.epochs, before.epochs)
					}
				case "act":
					if after.act == before.act {
						t.Errorf("-act %s is no change", after.act)
					}
				case "layers":
					m := regexp.MustCompile(`must be (\d+), one per (pixel|class)`).FindStringSubmatch(row.message)
					if m == nil {
						t.Fatalf("cannot tell which size %q asks for", row.message)
					}
					want, _ := strconv.Atoi(m[1])
					if got := after.layers[0]; m[2] == "pixel" && got != want {
						t.Errorf("-layers %s: input %d, want %d", value, got, want)
					}
					if got := after.layers[len(after.layers)-1]; m[2] == "class" && got != want {
						t.Errorf("-layers %s: output %d, want %d", value, got, want)
					}
				case "test-limit", "train-limit":
					if n, err := strconv.Atoi(value); err != nil || n < 1 {
						t.Errorf("-%s %s is not a number of images", name, value)
					}
				default:
					t.Errorf("no check for the suggested -%s", name)
				}
			}
			if flagValue(try, "test-limit") == "" && flagValue(try, "train-limit") == "" {
				return
			}
			// Run it again with the limits (and no training): the data
			// must now fit.
			env := &errorEnv{t: t, dir: t.TempDir(), ctx: context.Background(), subs: map[string]string{}}
			env.subs["<dir>"] = env.dir
			errorSetups[row.test](env)
			again := append(append([]string(nil), args...), try...)
			again = append(again, "-epochs", "0", "-layers", "784,16,10")
			for i := range again {
				again[i] = env.expand(again[i])
			}
			var out strings.Builder
			err = runContext(context.Background(), &out, again)
			if err != nil && strings.Contains(err.Error(), "this program reads for one data set") {
				t.Errorf("with %s the data still does not fit: %v", strings.Join(try, " "), err)
			}
			t.Logf("with %s: %v", strings.Join(try, " "), err)
		})
	}
	if checked < 10 {
		t.Errorf("only %d rows suggest flags", checked)
	}
}

// dummyDir replaces <dir> so that the flags parse.
func dummyDir(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, "<dir>", "d")
	}
	return out
}

// A run that learns nothing, or diverges, suggests what to change; doing
// so, the same run learns.
func TestChanceAdvice(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a dozen small networks")
	}
	for _, c := range []struct {
		args string
		want string // the suggestion
	}{
		{"-lr 50 -epochs 1 -train-limit 2000 -test-limit 300 -layers 784,64,10", "-lr 0.05"},
		{"-batchnorm=false -lr 5 -epochs 1 -train-limit 2000 -test-limit 300 -layers 784,64,10", "-lr 0.05"},
		{"-lr 1e-7 -epochs 1 -train-limit 1000 -test-limit 300", "-lr 0.05"},
		{"-batchnorm=false -opt adam -lr 3 -epochs 1 -train-limit 1000 -test-limit 300", "-lr 0.001"},
		{"-batchnorm=false -opt sgd -act sigmoid -lr 0.05 -epochs 1 -train-limit 1000 -test-limit 300", "-act relu"},
		{"-batchnorm=false -opt sgd -act sigmoid -lr 2 -epochs 1 -train-limit 1000 -test-limit 300", "-act relu -lr 0.1"},
		{"-preset article004 -lr 1e100 -epochs 1 -test-limit 300", "-lr 2"}, // saturated sigmoids: no gradient at all
		{"-batchnorm=false -train-limit 64 -batch 64 -epochs 1 -test-limit 100 -layers 784,64,10", "-epochs 250"},
		// Divergence suggests a rate too.
		{"-lr 1000 -epochs 1 -train-limit 2000 -test-limit 300", "-lr 0.05"},
		{"-opt sgd -lr 1e200 -epochs 1 -train-limit 1000 -test-limit 300", "-lr 0.1"},
	} {
		args := strings.Fields(c.args)
		_, err := runArgs(t, args...)
		if err == nil {
			t.Errorf("%s: learned; the case needs a run that fails", c.args)
			continue
		}
		try := suggestion(err.Error())
		if strings.Join(try, " ") != c.want {
			t.Errorf("%s: %v\nsuggests %q, want %q", c.args, err, try, c.want)
			continue
		}
		out, err := runArgs(t, append(args, try...)...)
		if err != nil {
			t.Errorf("%s %s: the suggestion did not help: %v", c.args, c.want, err)
			continue
		}
		acc := regexp.MustCompile(`test_accuracy=(0\.\d+)`).FindStringSubmatch(out)
		if v, _ := strconv.ParseFloat(acc[1], 64); nn.AtChance(v, 10) || v < 0.3 {
			t.Errorf("%s %s: accuracy %v", c.args, c.want, v)
		}
	}
}

// steadyLR's rate for each optimiser learns with the default network.
func TestSuggestedRates(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network per optimiser")
	}
	for _, name := range nn.OptimizerNames {
		lr, ok := steadyLR[name]
		if !ok {
			t.Errorf("steadyLR has no rate for %s", name)
			continue
		}
		out, err := runArgs(t, "-opt", name, "-lr", strconv.FormatFloat(lr, 'g', -1, 64), "-epochs", "1", "-train-limit", "1000", "-test-limit", "300")
		if err != nil {
			t.Errorf("%s, lr %g: %v", name, lr, err)
			continue
		}
		acc := regexp.MustCompile(`test_accuracy=(0\.\d+)`).FindStringSubmatch(out)
		if v, _ := strconv.ParseFloat(acc[1], 64); v < 0.4 {
			t.Errorf("%s, lr %g: accuracy %v after an epoch of 1,000 images", name, lr, v)
		}
	}
	// Every preset learns at its own rate: goodLR may suggest it.
	for _, p := range presets {
		if got := goodLR(&config{preset: p, opt: p.opt, act: p.act, layers: p.layers}); got != p.lr {
			t.Errorf("goodLR of preset %s = %g, want its own %g", p.name, got, p.lr)
		}
	}
}

// The stop causes a run reports: which signal, or the output.
func TestStopCauses(t *testing.T) {
	for _, c := range []struct {
		cause *cli.Stopped
		want  string
	}{
		{cli.ErrInterrupted, "interrupted (Ctrl-C) before training started"},
		{cli.ErrTerminated, "terminated (SIGTERM) before training started"},
		{cli.ErrBrokenPipe, "stopped (broken pipe: the output was closed) before training started"},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(c.cause)
		err := runContext(ctx, &strings.Builder{}, small)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) || cli.ExitCode(err) != c.cause.Code {
			t.Errorf("%v: %v (exit %d)", c.cause.How, err, cli.ExitCode(err))
		}
	}
}

// After -save, the program suggests a use of the model it accepts:
// -predict only for a network of 28×28 digits.
func TestUseHint(t *testing.T) {
	for _, c := range []struct {
		sizes []int
		data  string
		want  string
	}{
		{[]int{784, 64, 10}, "", "try it on your own digit:\n  go run ./ch07_mnist -model 'my model' -predict my7.png"},
		{[]int{196, 64, 10}, "small", "evaluate it again with:\n  go run ./ch07_mnist -model 'my model' -eval -data small"},
		{[]int{784, 64, 10}, "/data/fashion-mnist", "evaluate it again with:\n  go run ./ch07_mnist -model 'my model' -eval -data /data/fashion-mnist"},
	} {
		net, err := nn.NewMLP(c.sizes, "relu", newRand(1))
		if err != nil {
			t.Fatal(err)
		}
		if got := useHint(&config{save: "my model", data: c.data}, net); got != c.want {
			t.Errorf("%v on %q:\n got %q\nwant %q", c.sizes, c.data, got, c.want)
		}
	}
}
