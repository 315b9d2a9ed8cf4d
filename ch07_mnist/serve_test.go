package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"nnfromscratch/data"
	"nnfromscratch/internal/cli"
	"nnfromscratch/internal/golden"
	"nnfromscratch/nn"
)

// dataURL is what the page's canvas.toDataURL() sends: a PNG in base64.
func dataURL(png []byte) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}

// loadedServer is the page's server for a saved network, as -serve -model
// runs it, with the first n test digits of the sample; its requests are
// answered at 127.0.0.1:8080.
func loadedServer(t testing.TB, network *nn.MLP, n int) *server {
	t.Helper()
	_, test, err := data.SampleSplit()
	if err != nil {
		t.Fatal(err)
	}
	w := newWatcher(0)
	w.loaded(network, "digits.model", testSplit(test.Head(n)), "the sample", nil)
	home, hosts := pageAddress(defaultAddr, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})
	return newServer(w, func() {}, home, hosts)
}

func loadNet(t *testing.T, path string) *nn.MLP {
	t.Helper()
	return loadSaved(t, path)
}

// ask sends one request to s and returns the status and body.
func ask(s http.Handler, method, path, contentType string, body []byte) (int, string, http.Header) {
	r := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, r)
	return rec.Code, rec.Body.String(), rec.Header()
}

func predictBody(t testing.TB, png []byte) []byte {
	b, err := json.Marshal(predictRequest{Image: dataURL(png)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Test digits, drawn dark on light at 140×140 as a person would, get the
// answer -predict gives for the same picture in a file, and the 28×28 image
// in the answer is exactly what readDigit (-predict's reader) made of it.
// The digits the network gets right as they are come back right.
func TestServePredict(t *testing.T) {
	model, _ := trainedModel(t)
	net := loadNet(t, model)
	s := loadedServer(t, net, 100)
	_, test, _ := data.SampleSplit()
	dir := t.TempDir()
	right := 0
	for i := range 8 {
		picture := encodePNG(t, blowUp(test.Image(i), 28, 5))
		code, body, h := ask(s, "POST", "/api/predict", "application/json", predictBody(t, picture))
		if code != 200 || h.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Fatalf("test digit %d: status %d, %s: %.200s", i, code, h.Get("Content-Type"), body)
		}
		var a predictAnswer
		if err := json.Unmarshal([]byte(body), &a); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, fmt.Sprintf("digit%d.png", i))
		os.WriteFile(path, picture, 0o644)
		out, err := runArgs(t, "-model", model, "-predict", path)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, fmt.Sprintf("prediction: %d, %.1f%% sure", a.Digit, 100*a.Probabilities[a.Digit])) {
			t.Errorf("test digit %d: the page says %d (%.1f%%), -predict says otherwise:\n%s", i, a.Digit, 100*a.Probabilities[a.Digit], out)
		}
		d, _ := readDigit(bytes.NewReader(picture))
		if fmt.Sprint(a.Pixels) != fmt.Sprint(byteInts(d.bytes())) {
			t.Errorf("test digit %d: the image in the answer is not what readDigit made", i)
		}
		sum := 0.0
		for _, p := range a.Probabilities {
			sum += p
		}
		if len(a.Probabilities) != 10 || math.Abs(sum-1) > 1e-9 || a.Network != net.String() || a.Version != 1 {
			t.Errorf("test digit %d: probabilities %v, network %q, version %d", i, a.Probabilities, a.Network, a.Version)
		}
		if label := int(test.Labels[i]); net.Classify(nn.FromPixels(test.Image(i), 784))[0] == label && a.Digit == label {
			right++
		}
	}
	if right < 4 {
		t.Errorf("only %d of the first 8 test digits, drawn large, were read right", right)
	}
}

// A blank drawing gets the very line -predict prints for a blank file
// (after the file's name), with status 422.
func TestServeBlankDrawing(t *testing.T) {
	model, _ := trainedModel(t)
	s := loadedServer(t, loadNet(t, model), 50)
	white := image.NewGray(image.Rect(0, 0, 280, 280))
	for i := range white.Pix {
		white.Pix[i] = 255
	}
	picture := encodePNG(t, white)
	path := filepath.Join(t.TempDir(), "blank.png")
	os.WriteFile(path, picture, 0o644)
	_, err := runArgs(t, "-model", model, "-predict", path)
	if err == nil {
		t.Fatal("-predict of a blank picture: no error")
	}
	want := strings.TrimPrefix(err.Error(), "-predict "+path+": ")
	code, body, _ := ask(s, "POST", "/api/predict", "application/json", predictBody(t, picture))
	var got map[string]string
	json.Unmarshal([]byte(body), &got)
	if code != 422 || got["error"] != want {
		t.Errorf("status %d, %s\nwant 422, {\"error\":%q}", code, body, want)
	}
}

// The pages are the embedded files, with a policy that lets them load
// nothing from elsewhere; HEAD answers as GET does, without the body.
func TestServePages(t *testing.T) {
	s := loadedServer(t, tinyNet(t), 10)
	for path, want := range map[string]string{"/": "<canvas id=\"pad\"", "/app.js": "new EventSource(\"/api/events\")", "/style.css": "#pad {"} {
		code, body, h := ask(s, "GET", path, "", nil)
		if code != 200 || !strings.Contains(body, want) || h.Get("Content-Security-Policy") != pagePolicy || h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: status %d, headers %v, the body lacks %q", path, code, h, want)
		}
		code, body, _ = ask(s, "HEAD", path, "", nil)
		if code != 200 || body != "" {
			t.Errorf("HEAD %s: status %d, a body of %d bytes", path, code, len(body))
		}
	}
	// Nothing else is served, embedded or not.
	for _, path := range []string{"/index.html", "/web/app.js", "/../main.go", "/main.go", "/api", "/api/"} {
		if code, body, _ := ask(s, "GET", path, "", nil); code != 404 || !strings.HasPrefix(body, `{"error":"`) {
			t.Errorf("GET %s: status %d, %s; want 404", path, code, body)
		}
	}
	// The figures are the ones -svg writes.
	for _, path := range []string{"/api/weights.svg", "/api/confusion.svg", "/api/mistakes.svg"} {
		code, body, h := ask(s, "GET", path, "", nil)
		if code != 200 || h.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg ") || !strings.HasSuffix(body, "</svg>\n") {
			t.Errorf("GET %s: status %d, %s: %.80s", path, code, h.Get("Content-Type"), body)
		}
	}
}

// tinyNet is an untrained 784-16-10 network.
func tinyNet(t *testing.T) *nn.MLP {
	net, err := nn.NewMLP([]int{784, 16, 10}, "relu", newRand(1))
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// A snapshot refreshed by CopyFrom is the network itself, to the last bit:
// what Save writes of both is the same, batch normalisation's running
// statistics and the input's standardisation included.
func TestSnapshotCopy(t *testing.T) {
	train, _, _ := data.SampleSplit()
	tr := &split{name: "training", images: train.Head(64), labels: nn.Labels(train.Labels[:64])}
	net, _ := nn.Build(nn.Architecture{Sizes: []int{784, 16, 16, 10}, Activation: "tanh", BatchNorm: true}, newRand(2))
	prepareInput(&config{standardize: true}, net, tr)
	clone, err := cloneNetwork(net)
	if err != nil {
		t.Fatal(err)
	}
	opt, _ := nn.NewOptimizer("adam", 0.01)
	batches := nn.NewBatches(tr.x, tr.labels, 10, 16, newRand(3))
	batches.Epoch()
	for {
		x, tt, _, ok := batches.Next()
		if !ok {
			break
		}
		net.Step(x, tt, opt)
	}
	clone.CopyFrom(net)
	var a, b bytes.Buffer
	net.Save(&a)
	clone.Save(&b)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the copy differs from the network")
	}
	if !strings.Contains(a.String(), "\ninput mean ") || !strings.Contains(a.String(), "\nrunning_var1 ") {
		t.Error("the network saved has no standardisation or no batch normalisation: the test tests nothing")
	}
}

// The PNG pictures inside the figures decode, with the image/png reader, to
// the pixels given, whether grey or with a palette, in one stored block or
// several.
func TestStoredPNG(t *testing.T) {
	for _, c := range []struct {
		w, h    int
		palette []color.RGBA
	}{{28, 28, nil}, {300, 250, divergingPalette}, {1, 1, nil}} {
		pix := make([]byte, c.w*c.h)
		for i := range pix {
			pix[i] = byte((i * 7) % 80)
		}
		img, err := png.Decode(bytes.NewReader(storedPNG(c.w, c.h, pix, c.palette)))
		if err != nil {
			t.Fatalf("%d×%d: %v", c.w, c.h, err)
		}
		for y := range c.h {
			for x := range c.w {
				var want color.Color = color.Gray{pix[y*c.w+x]}
				if c.palette != nil {
					want = c.palette[pix[y*c.w+x]]
				}
				if r1, g1, b1, _ := img.At(x, y).RGBA(); fmt.Sprint(r1, g1, b1) != fmt.Sprint(rgb(want)) {
					t.Fatalf("%d×%d: pixel (%d, %d) is %v, want %v", c.w, c.h, x, y, img.At(x, y), want)
				}
			}
		}
	}
}

func rgb(c color.Color) (uint32, uint32, uint32) {
	r, g, b, _ := c.RGBA()
	return r, g, b
}

// A port in use: the default address tries the next ones; an address given
// with -addr is refused, with one line saying so.
func TestListen(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("cannot listen on 127.0.0.1 here")
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	if port == 65535 {
		t.Skip("the free port is the last one")
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	ln, err := listen(&config{addr: addr})
	if err != nil {
		t.Skipf("the next port is not free either: %v", err)
	}
	if got := ln.Addr().(*net.TCPAddr).Port; got <= port || got >= port+portTries {
		t.Errorf("listening on port %d, want one of the %d after %d", got, portTries-1, port)
	}
	ln.Close()
	if _, err := listen(&config{addr: addr, addrGiven: true}); err == nil || !strings.Contains(err.Error(), "the port is in use") {
		t.Errorf("-addr %s in use: error %v", addr, err)
	}
}

// syncBuffer is a bytes.Buffer that a test may read while a run writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serveRun runs the program with -serve on a free port until the test's
// Ctrl-C: it returns the page's address, what the run prints, the Ctrl-C,
// and the run's error once it has returned.
func serveRun(t *testing.T, args ...string) (home string, out *syncBuffer, ctrlC func(), result <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancelCause(context.Background())
	out = &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- runContext(ctx, out, append([]string{"-serve", "-addr", "127.0.0.1:0"}, args...)) }()
	open := regexp.MustCompile(`(?m)^open (http://127\.0\.0\.1:\d+/)$`)
	for start := time.Now(); time.Since(start) < time.Minute; time.Sleep(10 * time.Millisecond) {
		if m := open.FindStringSubmatch(out.String()); m != nil {
			return m[1], out, func() { cancel(cli.ErrInterrupted) }, done
		}
		select {
		case err := <-done:
			t.Fatalf("the run ended before serving: %v\n%s", err, out.String())
		default:
		}
	}
	cancel(cli.ErrInterrupted)
	t.Fatalf("no address to open in:\n%s", out.String())
	return
}

// stream reads a page's event stream, sending each event on a channel.
type streamEvent struct {
	name string
	data map[string]any
	raw  string
}

func stream(t *testing.T, ctx context.Context, url string) <-chan streamEvent {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"api/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET /api/events: %s, %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	events := make(chan streamEvent, 1000)
	go func() {
		defer resp.Body.Close()
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		var name string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				raw := strings.TrimPrefix(line, "data: ")
				var v map[string]any
				json.Unmarshal([]byte(raw), &v) // "points" is an array: v stays nil
				events <- streamEvent{name, v, raw}
			}
		}
	}()
	return events
}

// until reads events until one satisfies ok, failing after a minute.
func until(t *testing.T, events <-chan streamEvent, what string, ok func(e streamEvent) bool) streamEvent {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case e, open := <-events:
			if !open {
				t.Fatalf("the event stream ended before %s", what)
			}
			if ok(e) {
				return e
			}
		case <-timeout:
			t.Fatalf("no %s within a minute", what)
		}
	}
}

func post(t *testing.T, url string, body []byte) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The whole -serve story while a network trains, with requests from many
// goroutines at once (run it under -race: the training goroutine owns the
// network, requests only ever see copies): predictions, the learned view
// and its figures all answer during training, from newer and newer
// snapshots; the page's Stop ends training after the batch under way and
// the run saves the network, which is the very network the page then
// answers with; Ctrl-C then ends the program with status 130.
func TestServeWhileTraining(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "digits.model")
	home, out, ctrlC, result := serveRun(t, "-train-limit", "500", "-test-limit", "200", "-layers", "784,32,10",
		"-batch", "10", "-epochs", "100000", "-notime", "-save", model)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := stream(t, ctx, home)
	until(t, events, "the first epoch's row", func(e streamEvent) bool { return e.name == "epoch" })

	// Requests from six goroutines while training goes on.
	_, test, _ := data.SampleSplit()
	picture := predictBody(t, encodePNG(t, blowUp(test.Image(0), 28, 5)))
	var mu sync.Mutex
	versions := map[float64]bool{}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 8 {
				if g%3 == 2 { // the learned view and a figure
					for _, path := range []string{"api/learned", "api/weights.svg"} {
						resp, err := http.Get(home + path)
						if err != nil {
							t.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							t.Errorf("GET /%s during training: %s", path, resp.Status)
						}
					}
					continue
				}
				code, body := post(t, home+"api/predict", picture)
				var a map[string]any
				if json.Unmarshal([]byte(body), &a); code != 200 || a["digit"] == nil {
					t.Errorf("a prediction during training: %d %s", code, body)
					return
				}
				mu.Lock()
				versions[a["version"].(float64)] = true
				mu.Unlock()
				time.Sleep(30 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if len(versions) < 2 {
		t.Errorf("every prediction came from the same snapshot %v: training should have published newer ones", versions)
	}

	// Stop, as the page's button does.
	if code, body := post(t, home+"api/stop", []byte("{}")); code != 200 || !strings.Contains(body, `"stopping":true`) {
		t.Fatalf("POST /api/stop: %d %s", code, body)
	}
	until(t, events, "the stopped phase", func(e streamEvent) bool { return e.name == "run" && e.data["phase"] == phaseStopped })
	if code, body := post(t, home+"api/stop", []byte("{}")); code != 409 || !strings.Contains(body, "nothing to stop: training is over (stopped)") {
		t.Errorf("POST /api/stop after the stop: %d %s", code, body)
	}
	for _, want := range []string{"): stopping\n", "== 7. Results ==", "saved the network to " + model, "Training stopped from the page; the page stays open at " + home} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
	// The page now answers with the saved network: the same accuracy as
	// -eval finds for the file.
	resp, err := http.Get(home + "api/learned")
	if err != nil {
		t.Fatal(err)
	}
	var learned learnedAnswer
	json.NewDecoder(resp.Body).Decode(&learned)
	resp.Body.Close()
	evalOut, err := runArgs(t, "-model", model, "-eval", "-test-limit", "200")
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("test accuracy %.4f: ", learned.Accuracy); !strings.Contains(evalOut, want) {
		t.Errorf("the page says %q for the stopped network, but -eval of the saved file says:\n%s", want, evalOut)
	}

	// Ctrl-C: the server shuts down, the stream ends, status 130.
	ctrlC()
	select {
	case err = <-result:
	case <-time.After(time.Minute):
		t.Fatal("the run did not end after Ctrl-C")
	}
	if cli.ExitCode(err) != 130 || err.Error() != "interrupted (Ctrl-C): the page is closed, and the network is saved in "+model {
		t.Errorf("after Ctrl-C: exit code %d, error %v", cli.ExitCode(err), err)
	}
	for range events { // the stream must end, not hang
	}
}

// -serve -model: no training, the page answers with the saved network
// until Ctrl-C.
func TestServeModel(t *testing.T) {
	model, _ := trainedModel(t)
	home, out, ctrlC, result := serveRun(t, "-model", model, "-test-limit", "300")
	for _, want := range []string{"== The drawing page ==\nopen " + home + "\n", "== 1. The model ==", "loaded without training", "test accuracy 0."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "warning") {
		t.Errorf("a warning for a loopback address:\n%s", out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := until(t, stream(t, ctx, home), "the run event", func(e streamEvent) bool { return e.name == "run" })
	if e.data["phase"] != phaseLoaded || e.data["stoppable"] != false || e.data["model"] != model {
		t.Errorf("the run event: %s", e.raw)
	}
	if code, body := post(t, home+"api/stop", []byte("{}")); code != 409 {
		t.Errorf("POST /api/stop with -model: %d %s", code, body)
	}
	// Another name for this machine is refused (a page elsewhere could
	// otherwise reach the server through DNS rebinding).
	req, _ := http.NewRequest("GET", home, nil)
	req.Host = "rebound.example:80"
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 403 {
		t.Errorf("a request for another host: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	ctrlC()
	if err := <-result; cli.ExitCode(err) != 130 || err.Error() != "interrupted (Ctrl-C): the page is closed" {
		t.Errorf("after Ctrl-C: exit code %d, error %v", cli.ExitCode(err), err)
	}
}

// ---- docs/errors.md: the requests ----------------------------------------------

// TestErrorsDocRequests checks the rows of docs/errors.md whose command is a
// curl request, as TestErrorsDoc checks the others: it makes the request's
// files, sends it to the server of a -serve -model run (an untrained
// 784-16-10 network) and checks that the answer is the row's, word for
// word: "HTTP status: body". With -update it rewrites them.
func TestErrorsDocRequests(t *testing.T) {
	b, err := os.ReadFile(errorsDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Split(string(b), "\n")
	changed, rows := false, 0
	for i, line := range doc {
		cells := tableCells(line)
		if len(cells) != 4 || !strings.HasPrefix(code(cells[3]), "TestErrorsDocRequests/") {
			continue
		}
		rows++
		name := strings.TrimPrefix(code(cells[3]), "TestErrorsDocRequests/")
		command, want := code(cells[1]), code(cells[2])
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if setup := requestSetups[name]; setup != nil {
				setup(t, dir)
			}
			method, path, header, body := curlRequest(t, strings.ReplaceAll(command, "<dir>", dir))
			s := loadedServer(t, tinyNet(t), 50)
			r := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, bytes.NewReader(body))
			for k, v := range header {
				r.Header.Set(k, v)
			}
			if h := header["Host"]; h != "" {
				r.Host = h
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, r)
			got := fmt.Sprintf("HTTP %d: %s", rec.Code, strings.TrimSuffix(rec.Body.String(), "\n"))
			var answer map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || len(answer) != 1 || answer["error"] == nil ||
				strings.Count(rec.Body.String(), "\n") != 1 || rec.Code < 400 || rec.Code > 499 {
				t.Errorf("the answer is not a 4xx with one line {\"error\": …}: %s", got)
			}
			if golden.Updating() {
				if got != want {
					cells[2] = codeSpan(got)
					doc[i] = "| " + strings.Join(cells, " | ") + " |"
					changed = true
				}
			} else if got != want {
				t.Errorf("%s:%d: %s\n got: %s\nwant: %s", errorsDoc, i+1, command, got, want)
			}
		})
	}
	if rows < 10 {
		t.Errorf("%s has only %d request rows", errorsDoc, rows)
	}
	if changed {
		if err := os.WriteFile(errorsDoc, []byte(strings.Join(doc, "\n")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// requestSetups write the files some request rows send.
var requestSetups = map[string]func(t *testing.T, dir string){
	"predict-blank": func(t *testing.T, dir string) {
		white := image.NewGray(image.Rect(0, 0, 280, 280))
		for i := range white.Pix {
			white.Pix[i] = 255
		}
		writeBody(t, dir, "blank.json", predictBody(t, encodePNG(t, white)))
	},
	"predict-too-large": func(t *testing.T, dir string) {
		writeBody(t, dir, "big.json", []byte(`{"image":"data:image/png;base64,`+strings.Repeat("A", 300<<10)+`"}`))
	},
	"predict-huge-picture": func(t *testing.T, dir string) {
		writeBody(t, dir, "huge.json", predictBody(t, hugePNGHeader(5000, 4000)))
	},
}

func writeBody(t *testing.T, dir, name string, b []byte) {
	if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// curlRequest reads the few curl options the doc's rows use: -s, -X
// METHOD, -H 'Name: value', -d 'DATA' or -d @FILE, --path-as-is, and the
// URL; arguments are plain words or in single quotes.
func curlRequest(t *testing.T, command string) (method, path string, header map[string]string, body []byte) {
	t.Helper()
	args := shellWords(t, command)
	if len(args) < 2 || args[0] != "curl" {
		t.Fatalf("not a curl command: %s", command)
	}
	method, header = "GET", map[string]string{}
	for i := 1; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-s" || a == "--path-as-is":
		case a == "-X":
			i++
			method = args[i]
		case a == "-H":
			i++
			k, v, _ := strings.Cut(args[i], ": ")
			header[k] = v
		case a == "-d":
			i++
			if method == "GET" {
				method = "POST"
			}
			if _, ok := header["Content-Type"]; !ok {
				header["Content-Type"] = "application/x-www-form-urlencoded" // as curl sends
			}
			if strings.HasPrefix(args[i], "@") {
				b, err := os.ReadFile(args[i][1:])
				if err != nil {
					t.Fatal(err)
				}
				body = b
			} else {
				body = []byte(args[i])
			}
		case strings.HasPrefix(a, "http://127.0.0.1:8080/"):
			path = strings.TrimPrefix(a, "http://127.0.0.1:8080")
		default:
			t.Fatalf("curl option %q is not one the test reads", a)
		}
	}
	return method, path, header, body
}

// shellWords splits a command line as a shell would, for words and
// single-quoted strings only.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, c := range s {
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			w.WriteRune(c)
		case c == '\'':
			quoted, inWord = true, true
		case c == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(c)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unclosed quote in %s", s)
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// The -serve flag rows of docs/errors.md are checked by TestErrorsDoc; these
// make what two of them need.
func init() {
	errorSetups["serve-addr-in-use"] = func(e *errorEnv) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			e.t.Skip("cannot listen on 127.0.0.1 here")
		}
		e.t.Cleanup(func() { ln.Close() })
		e.subs["<port>"] = fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	}
	errorSetups["serve-addr-elsewhere"] = func(e *errorEnv) {
		// If this machine would listen there after all, the run would
		// serve until stopped: look first.
		if ln, err := net.Listen("tcp", "192.0.2.1:0"); err == nil || !errors.Is(err, syscall.EADDRNOTAVAIL) {
			if ln != nil {
				ln.Close()
			}
			e.t.Skipf("192.0.2.1 is not refused here as an address of another machine (%v)", err)
		}
	}
	errorSetups["serve-model-196-inputs"] = func(e *errorEnv) { e.write("small.model", modelLines(e, 196, -1)) }
}
