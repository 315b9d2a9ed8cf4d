package main

// The drawing page's requests (-serve). JSON in, JSON out; anything wrong
// gets a 4xx status and one line of JSON, {"error":"…"}, saying what is
// wrong and what to do. docs/ch07_mnist.md shows each with curl.
//
//	GET  /                 the page; /app.js and /style.css: its script and style (embedded, the only files served)
//	POST /api/predict      {"image": "data:image/png;base64,…"} → the 28×28 image the network saw, the probabilities, the digit
//	GET  /api/events       Server-Sent Events: the run, the curves' points, each epoch, the progress, each new snapshot
//	POST /api/stop         {} → training stops after the batch under way, as after Ctrl-C
//	GET  /api/learned      the accuracy, the confusion matrix, the worst mistakes with their pixels, on the held-out images (validation while training, test after)
//	GET  /api/weights.svg  /api/confusion.svg  /api/mistakes.svg: the figures -svg writes, for the network now

import (
	"bytes"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"nnfromscratch/nn"
)

// The page, its script and its style.
//
//go:embed web/index.html web/app.js web/style.css
var webFiles embed.FS

// pages are the only files served: a path names one of them or nothing.
var pages = map[string]struct{ file, kind string }{
	"/":          {"web/index.html", "text/html; charset=utf-8"},
	"/app.js":    {"web/app.js", "text/javascript; charset=utf-8"},
	"/style.css": {"web/style.css", "text/css; charset=utf-8"},
}

// pagePolicy lets the page use its own script, style and requests, and
// pictures inside the figures (data: URLs); nothing from anywhere else.
const pagePolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const (
	maxBody          = 256 << 10 // bytes of a request body: a drawing is a few KB
	maxPicturePixels = 1 << 20   // a drawing of at most 1024×1024 pixels
	pageMistakes     = 10        // the mistakes the page shows
	streamTimeout    = 30 * time.Second
	keepAlive        = 15 * time.Second // an event stream says something this often
)

// server answers the page's requests.
type server struct {
	watch *watcher
	stop  func()   // asks training to stop after the batch under way
	hosts []string // the Host headers answered; nil: any
	home  string   // the page's address: http://127.0.0.1:8080/

	quit     chan struct{} // closed when the server shuts down: event streams end
	quitOnce sync.Once
}

func newServer(watch *watcher, stop func(), home string, hosts []string) *server {
	return &server{watch: watch, stop: stop, home: home, hosts: hosts, quit: make(chan struct{})}
}

// close ends the event streams (http.Server.Shutdown waits for them).
func (s *server) close() { s.quitOnce.Do(func() { close(s.quit) }) }

// route is what a path answers: its method and handler.
type route struct {
	method string // GET (which also answers HEAD) or POST
	handle func(s *server, w http.ResponseWriter, r *http.Request)
}

var routes = map[string]route{
	"/api/predict":       {http.MethodPost, (*server).predict},
	"/api/events":        {http.MethodGet, (*server).events},
	"/api/stop":          {http.MethodPost, (*server).stopTraining},
	"/api/learned":       {http.MethodGet, (*server).learned},
	"/api/weights.svg":   {http.MethodGet, figureRoute(weightsFile)},
	"/api/confusion.svg": {http.MethodGet, figureRoute(confusionFile)},
	"/api/mistakes.svg":  {http.MethodGet, figureRoute(mistakesFile)},
}

func init() {
	for path := range pages {
		routes[path] = route{http.MethodGet, (*server).page}
	}
}

// apiError is a request's failure: its HTTP status and the line saying why.
type apiError struct {
	status int
	msg    string
}

func failf(status int, format string, args ...any) *apiError {
	return &apiError{status, fmt.Sprintf(format, args...)}
}

// ServeHTTP checks the request's host, path and method, then hands it to
// its route.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			fail(w, failf(http.StatusInternalServerError, "the server failed on this request (%v); please report it", v))
		}
	}()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	// A page elsewhere on the web could make the browser send requests to
	// 127.0.0.1 under another name (DNS rebinding): on loopback, only the
	// names of this machine are answered.
	if s.hosts != nil && !slices.Contains(s.hosts, strings.ToLower(r.Host)) {
		fail(w, failf(http.StatusForbidden, "this page answers only at %s, not at %s", s.home, shorten(r.Host)))
		return
	}
	rt, ok := routes[r.URL.Path]
	switch {
	case !ok:
		fail(w, failf(http.StatusNotFound, "%s: no such page; the drawing page is at /", shorten(r.URL.Path)))
	case r.Method != rt.method && !(rt.method == http.MethodGet && r.Method == http.MethodHead):
		allow := rt.method
		if allow == http.MethodGet {
			allow = "GET, HEAD"
		}
		w.Header().Set("Allow", allow)
		fail(w, failf(http.StatusMethodNotAllowed, "%s %s: use %s", shorten(r.Method), r.URL.Path, rt.method))
	default:
		rt.handle(s, w, r)
	}
}

// shorten cuts what a request sent to a length a message can show.
func shorten(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

// reply writes v as one line of JSON with the status.
func reply(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"the answer could not be written as JSON"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// fail answers {"error": "…"}.
func fail(w http.ResponseWriter, e *apiError) {
	reply(w, e.status, map[string]string{"error": e.msg})
}

// readJSON decodes the body into v, strictly: sent as JSON, at most maxBody
// bytes, exactly one value, and no field v does not have (fields names
// them, for the message).
func readJSON(w http.ResponseWriter, r *http.Request, v any, fields string) *apiError {
	if kind, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || kind != "application/json" {
		return failf(http.StatusUnsupportedMediaType, "the body must be JSON, sent with the header Content-Type: application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, next := dec.Token(); next != io.EOF {
			err = errors.New("more")
			var tooLong *http.MaxBytesError
			if errors.As(next, &tooLong) {
				err = next
			}
		}
	}
	var (
		tooLong *http.MaxBytesError
		syntax  *json.SyntaxError
		kind    *json.UnmarshalTypeError
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLong):
		return failf(http.StatusRequestEntityTooLarge, "the body is over %d KiB; a drawing is a few KB, so send the canvas at its own size", maxBody>>10)
	case err == io.EOF:
		return failf(http.StatusBadRequest, "the body is empty; send a JSON object with %s", fields)
	case err == io.ErrUnexpectedEOF:
		return failf(http.StatusBadRequest, "the JSON of the body ends early: it is cut short")
	case errors.As(err, &syntax):
		return failf(http.StatusBadRequest, "the body is not JSON: %v (at byte %d)", err, syntax.Offset)
	case errors.As(err, &kind) && kind.Field == "":
		return failf(http.StatusBadRequest, "the body is a JSON %s; send a JSON object with %s", kind.Value, fields)
	case errors.As(err, &kind):
		return failf(http.StatusBadRequest, "%s is a JSON %s; it must be a %s", kind.Field, kind.Value, kind.Type)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return failf(http.StatusBadRequest, "unknown field %s; send a JSON object with %s", strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`), fields)
	case err.Error() == "more":
		return failf(http.StatusBadRequest, "the body holds more than one JSON value; send one object with %s", fields)
	}
	return failf(http.StatusBadRequest, "the body cannot be read: %v", err)
}

// ---- POST /api/predict ----------------------------------------------------

type predictRequest struct {
	Image string `json:"image"` // the drawing, as a data URL: data:image/png;base64,…
}

type predictAnswer struct {
	Digit         int       `json:"digit"`         // the most probable class
	Probabilities []float64 `json:"probabilities"` // one per class
	Pixels        []int     `json:"pixels"`        // the 28×28 image the network saw, row by row: 0 background … 255 full ink
	Network       string    `json:"network"`
	Version       int       `json:"version"` // of the snapshot that answered
	Epochs        float64   `json:"epochs"`  // how far training had got when it was copied
}

// predict reads the drawing exactly as -predict reads a file (readDigit,
// predict.go) and asks the latest snapshot of the network what it is.
func (s *server) predict(w http.ResponseWriter, r *http.Request) {
	var req predictRequest
	if e := readJSON(w, r, &req, "the field image, the drawing as a data URL"); e != nil {
		fail(w, e)
		return
	}
	picture, e := pictureOf(req.Image)
	if e != nil {
		fail(w, e)
		return
	}
	d, err := readDigit(bytes.NewReader(picture))
	if err != nil {
		fail(w, failf(http.StatusUnprocessableEntity, "%v", err))
		return
	}
	snap := s.watch.acquire()
	if snap == nil {
		fail(w, s.noNetwork())
		return
	}
	defer s.watch.release(snap)
	if in := snap.net.Sizes[0]; in != side*side {
		fail(w, failf(http.StatusConflict, "the network takes %d inputs, but a drawing becomes %d×%d = %d pixels: drawings need a network trained on %d×%d images",
			in, side, side, side*side, side, side))
		return
	}
	x := inputOf(snap.net, d.bytes(), side*side) // as the network's input: ÷255, or standardised as it was trained
	snap.busy.Lock()
	_, _, err = snap.net.Evaluate(x)
	var probs []float64
	if err == nil {
		probs = snap.net.Predict(x)[0]
	}
	snap.busy.Unlock()
	if err != nil {
		fail(w, failf(http.StatusServiceUnavailable, "%v: training is diverging; try a smaller -lr", err))
		return
	}
	reply(w, http.StatusOK, predictAnswer{Digit: nn.Argmax(probs), Probabilities: probs, Pixels: byteInts(d.bytes()),
		Network: snap.net.String(), Version: snap.version, Epochs: snap.epochs})
}

// pictureOf returns the bytes of the picture in a data URL, as the canvas's
// toDataURL() writes it: data:image/png;base64, then the file in base64.
func pictureOf(url string) ([]byte, *apiError) {
	if url == "" {
		return nil, failf(http.StatusBadRequest, "image is missing: send the drawing as a data URL, as canvas.toDataURL() gives")
	}
	head, body, ok := strings.Cut(url, ",")
	if !ok || !strings.HasPrefix(head, "data:image/") || !strings.HasSuffix(head, ";base64") {
		return nil, failf(http.StatusBadRequest, "image must be a data URL (data:image/png;base64, then the picture in base64), as canvas.toDataURL() gives")
	}
	b, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, failf(http.StatusBadRequest, "image: the base64 after the comma is damaged (%v)", err)
	}
	// A small PNG can unpack to a huge picture: look at its size first.
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(b)); err == nil && cfg.Width > maxPicturePixels/max(1, cfg.Height) {
		return nil, failf(http.StatusRequestEntityTooLarge, "the picture is %d×%d pixels, more than the page reads (1024×1024); draw on a smaller canvas",
			cfg.Width, cfg.Height)
	}
	return b, nil
}

// byteInts writes pixels as numbers for JSON (a []byte would become base64).
func byteInts(pixels []byte) []int {
	out := make([]int, len(pixels))
	for i, v := range pixels {
		out[i] = int(v)
	}
	return out
}

// ---- GET /api/events --------------------------------------------------------

// events streams the run to the page as Server-Sent Events: first all of it
// so far, then each change as it comes, until the page goes away or the
// server shuts down. Each event is a line "event: NAME", a line "data: JSON"
// and a blank line:
//
//	run       the phase (loading, training, finished, stopped, failed, loaded), the network, the data
//	points    new points of the training curves: [epoch, loss, accuracy on the batches], each tenth of an epoch
//	epoch     a row of the epoch table: {"epoch":1,"loss":0.54,"accuracy":0.90}
//	progress  the epoch under way: {"epoch":2,"batch":120,"perEpoch":534,"loss":0.23}
//	model     a new snapshot answers predictions: {"version":3,"epochs":1.4}
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	// The stream outlives the server's read and write timeouts: it has no
	// body to read, and it pushes its write deadline on before every write.
	rc.SetReadDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	var c cursor
	for {
		evs, changed := s.watch.news(&c)
		rc.SetWriteDeadline(time.Now().Add(streamTimeout))
		for _, e := range evs {
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, e.data)
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-changed:
		case <-tick.C:
			rc.SetWriteDeadline(time.Now().Add(streamTimeout))
			io.WriteString(w, ": still here\n\n") // a comment line: keeps the connection alive
		case <-r.Context().Done():
			return
		case <-s.quit:
			evs, _ = s.watch.news(&c) // the last news: how the run ended
			for _, e := range evs {
				fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.name, e.data)
			}
			rc.Flush()
			return
		}
	}
}

// ---- POST /api/stop ---------------------------------------------------------

// stopTraining is the page's Stop button: the same as Ctrl-C for the
// training loop (it stops after the batch under way; the run reports,
// and saves as -save says), but the page stays open.
func (s *server) stopTraining(w http.ResponseWriter, r *http.Request) {
	if e := readJSON(w, r, &struct{}{}, "no fields, {}"); e != nil {
		fail(w, e)
		return
	}
	var refusal string
	s.watch.update(func() {
		switch run := &s.watch.run; {
		case run.Phase == phaseLoaded:
			refusal = "nothing to stop: this network was loaded with -model, not trained here"
		case run.Phase != phaseLoading && run.Phase != phaseTraining:
			refusal = "nothing to stop: training is over (" + run.Phase + ")"
		case run.Stoppable:
			run.Stoppable, run.Message = false, "stopping after the batch under way"
			s.watch.runSeq++
		}
	})
	if refusal != "" {
		fail(w, failf(http.StatusConflict, "%s", refusal))
		return
	}
	s.stop()
	reply(w, http.StatusOK, map[string]any{"stopping": true, "message": "training stops after the batch under way; the network is kept (and saved, if -save was given)"})
}

// ---- What the network learned ------------------------------------------------

// learnedView is a snapshot's verdict on the images of its view (validation
// while training runs, test after), worked out once.
type learnedView struct {
	ev    *evaluation
	cm    [][]int
	worst []int       // the pageMistakes worst mistakes
	probs [][]float64 // the probabilities the network gives each of them
}

// view works out what snap learned, or returns it if done already.
func (s *server) view(snap *snapshot) (*learnedView, *apiError) {
	snap.busy.Lock()
	defer snap.busy.Unlock()
	if snap.view != nil {
		return snap.view, nil
	}
	te := snap.test
	ev, err := evaluate(snap.net, te)
	if err != nil {
		return nil, failf(http.StatusServiceUnavailable, "%v: training is diverging; try a smaller -lr", err)
	}
	v := &learnedView{ev: ev, cm: confusionMatrix(ev.pred, te.labels, snap.net.Sizes[len(snap.net.Sizes)-1])}
	v.worst = worstMistakes(ev, te.labels, pageMistakes)
	if len(v.worst) > 0 {
		var pixels []byte
		for _, i := range v.worst {
			pixels = append(pixels, te.images.Image(i)...)
		}
		size := te.images.Rows * te.images.Cols
		for _, p := range snap.net.Predict(inputOf(snap.net, pixels, size)) {
			v.probs = append(v.probs, p)
		}
	}
	snap.view = v
	return v, nil
}

// noNetwork is the answer while there is no snapshot: before training
// starts, or for good when it was stopped before it started.
func (s *server) noNetwork() *apiError {
	s.watch.mu.Lock()
	phase := s.watch.run.Phase
	s.watch.mu.Unlock()
	if phase == phaseLoading {
		return failf(http.StatusServiceUnavailable, "there is no network yet: the data is still loading; try again in a moment")
	}
	return failf(http.StatusConflict, "there is no network: training ended before it started (%s)", phase)
}

// withView runs f with the latest snapshot and what it learned.
func (s *server) withView(w http.ResponseWriter, f func(snap *snapshot, v *learnedView)) {
	snap := s.watch.acquire()
	if snap == nil {
		fail(w, s.noNetwork())
		return
	}
	defer s.watch.release(snap)
	v, e := s.view(snap)
	if e != nil {
		fail(w, e)
		return
	}
	f(snap, v)
}

type mistake struct {
	Index         int       `json:"index"` // in the test set
	Truth         int       `json:"truth"`
	Said          int       `json:"said"`
	Confidence    float64   `json:"confidence"`
	Probabilities []float64 `json:"probabilities"`
	Pixels        []int     `json:"pixels"` // 0 background … 255 full ink, row by row
}

type learnedAnswer struct {
	Version   int       `json:"version"`
	Epochs    float64   `json:"epochs"`
	Network   string    `json:"network"`
	Set       string    `json:"set"` // the images: "validation" while training runs, "test" after it and for -model
	Accuracy  float64   `json:"accuracy"`
	Right     int       `json:"right"`
	Total     int       `json:"total"`
	Confusion [][]int   `json:"confusion"` // [truth][said]
	Mistakes  []mistake `json:"mistakes"`  // most confident first
	Rows      int       `json:"rows"`      // of an image
	Cols      int       `json:"cols"`
	Units     int       `json:"units"` // of the first layer
	Tiles     int       `json:"tiles"` // how many of them the weights figure shows
}

// learned answers the page's "what it learned" view.
func (s *server) learned(w http.ResponseWriter, r *http.Request) {
	s.withView(w, func(snap *snapshot, v *learnedView) {
		te := snap.test
		units := snap.net.Sizes[1]
		a := learnedAnswer{Version: snap.version, Epochs: snap.epochs, Network: snap.net.String(), Set: te.name,
			Accuracy: v.ev.accuracy(), Right: v.ev.correct, Total: len(v.ev.pred), Confusion: v.cm,
			Rows: te.images.Rows, Cols: te.images.Cols, Units: units, Tiles: min(units, maxTiles), Mistakes: []mistake{}}
		for k, i := range v.worst {
			img := te.images.Image(i)
			pixels := make([]int, len(img))
			for p, b := range img {
				pixels[p] = int(b)
			}
			a.Mistakes = append(a.Mistakes, mistake{Index: i, Truth: te.labels[i], Said: v.ev.pred[i],
				Confidence: v.ev.confidence[i], Probabilities: v.probs[k], Pixels: pixels})
		}
		reply(w, http.StatusOK, a)
	})
}

// figureRoute answers one of the figures -svg writes, drawn by the same
// function for the latest snapshot.
func figureRoute(name string) func(s *server, w http.ResponseWriter, r *http.Request) {
	return func(s *server, w http.ResponseWriter, r *http.Request) {
		s.withView(w, func(snap *snapshot, v *learnedView) {
			var draw func(io.Writer) error
			switch name {
			case weightsFile:
				draw = weightsSVG(snap.net, snap.test.images.Rows, snap.test.images.Cols)
			case confusionFile:
				draw = confusionSVG(v.cm, snap.names)
			default:
				draw = mistakesSVG(snap.test, v.worst[:min(len(v.worst), mistakesShown)], v.ev, snap.names)
			}
			var b bytes.Buffer
			snap.busy.Lock()
			err := draw(&b)
			snap.busy.Unlock()
			if err != nil {
				fail(w, failf(http.StatusInternalServerError, "drawing %s: %v", name, err))
				return
			}
			w.Header().Set("Content-Type", "image/svg+xml")
			if r.Method != http.MethodHead {
				w.Write(b.Bytes())
			}
		})
	}
}

// ---- The page ---------------------------------------------------------------

// page answers one of the embedded files.
func (s *server) page(w http.ResponseWriter, r *http.Request) {
	p := pages[r.URL.Path]
	b, err := webFiles.ReadFile(p.file)
	if err != nil {
		fail(w, failf(http.StatusInternalServerError, "%v", err))
		return
	}
	w.Header().Set("Content-Type", p.kind)
	w.Header().Set("Content-Security-Policy", pagePolicy)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}
