package main

// -serve: the drawing page. Draw a digit in the browser and see what the
// network makes of it, watch the curves grow while it trains, and see what
// it learned. The page, its script and style are in web/, embedded in the
// program; the requests it makes are in api.go; how it follows the training
// run without touching the network being trained is in watch.go.
//
//	go run ./ch07_mnist -serve                          # train as usual, and serve the page meanwhile
//	go run ./ch07_mnist -serve -model digits.model      # a saved network, no training
//
// The page is served on this machine only (127.0.0.1) unless -addr says
// otherwise. Ctrl-C, or SIGTERM, ends it: training stops after the batch
// under way and is saved as -save says, the server finishes the requests
// under way, and the program exits as after any Ctrl-C (status 130).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"nnfromscratch/data"
	"nnfromscratch/internal/cli"
	"nnfromscratch/nn"
)

// defaultAddr is where -serve listens unless -addr says otherwise; when
// that port is taken it tries the next ones, up to portTries in all.
const (
	defaultAddr = "127.0.0.1:8080"
	portTries   = 10
)

// The server's limits: the time a client may take to send its headers, its
// whole request, and to read the answer; how long a connection may wait
// between requests; and how large the headers may be.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 16 << 10
	shutdownTimeout   = 5 * time.Second
)

// errStopped is why training stopped when the page's Stop button asked: it
// ends the training, not the program (runServe goes on serving).
var errStopped = &cli.Stopped{What: "stopped", How: "from the page", Code: 1}

// runServe serves the page until Ctrl-C (or SIGTERM): for a network loaded
// with -model, or while training one as a plain run does (and on after it).
func runServe(ctx context.Context, w io.Writer, cfg *config) error {
	// Everything that can refuse the run comes before the first line printed.
	var model *loadedModel
	if cfg.model != "" {
		var err error
		if model, err = loadForServe(cfg); err != nil {
			return err
		}
	} else if err := checkOutputs(cfg, nil); err != nil {
		return err
	}
	ln, err := listen(cfg)
	if err != nil {
		return err
	}

	// Ctrl-C and SIGTERM (ctx, from cli.MainContext) end the program; the
	// page's Stop button ends only the training.
	trainCtx, stopTraining := context.WithCancelCause(ctx)
	defer stopTraining(nil)

	watch := newWatcher(cfg.epochs)
	home, hosts := pageAddress(cfg.addr, ln.Addr().(*net.TCPAddr))
	s := newServer(watch, func() { stopTraining(errStopped) }, home, hosts)
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          log.New(io.Discard, "", 0), // a client's broken connection is not the learner's problem
	}
	srv.RegisterOnShutdown(s.close)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer shutdown(srv)

	fmt.Fprintln(w, "== The drawing page ==")
	if hosts == nil {
		fmt.Fprintf(w, "warning: -addr %s can be reached from other machines: anyone who can reach this one can use the page and stop the training; leave -addr out to keep it to this machine\n", cfg.addr)
	}
	fmt.Fprintf(w, "open %s\n", home)

	if model != nil {
		model.show(w, watch)
		fmt.Fprintln(w, "\nThe page shows this network; Ctrl-C to quit.")
	} else {
		fmt.Fprint(w, "It follows the training below as it runs, and stays open after it: Ctrl-C to quit.\n\n")
		cfg.watch = watch
		err := runTrain(trainCtx, w, cfg)
		var stopped *cli.Stopped
		interrupted := errors.As(err, &stopped)
		cause := cli.Cause(trainCtx)
		switch {
		case err == nil:
			fmt.Fprintf(w, "\nTraining is over; the page stays open at %s: Ctrl-C to quit.\n", home)
			watch.finish(phaseFinished, "")
		case interrupted && cause == errStopped:
			fmt.Fprintf(w, "\nTraining stopped from the page; the page stays open at %s: Ctrl-C to quit.\n", home)
			watch.finish(phaseStopped, "stopped from the page")
		case interrupted && cause == cli.ErrTerminated:
			watch.finish(phaseStopped, "the program was terminated (SIGTERM)")
			return err
		case interrupted:
			watch.finish(phaseStopped, cause.How+": the program is ending")
			return err
		default:
			watch.finish(phaseFailed, err.Error())
			return err
		}
	}

	select {
	case <-ctx.Done():
	case err := <-served:
		return fmt.Errorf("-serve: the server stopped: %v", err)
	}
	after := "the page is closed"
	if cfg.model == "" {
		after += ", and " + saved(cfg)
	}
	c := cli.Cause(ctx)
	return fmt.Errorf("%w (%s): %s", c, c.How, after)
}

// saved says where the trained network went.
func saved(cfg *config) string {
	if cfg.save != "" {
		return "the network is saved in " + cfg.save
	}
	return "the network was not saved (give -save FILE to keep it)"
}

// shutdown stops the server: no new connections, the event streams end,
// and the requests under way get a few seconds to finish.
func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if srv.Shutdown(ctx) != nil {
		srv.Close()
	}
}

// ---- Where the page is served ----------------------------------------------

// checkAddr checks -addr's form (whether it can be listened on is known only
// by trying, in listen).
func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %s: want HOST:PORT, such as 127.0.0.1:8080", addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("-addr %s: the port must be a number from 0 to 65535 (0: any free port)", addr)
	}
	return nil
}

// listen opens -addr; when it is the default and its port is taken, the
// next ports are tried.
func listen(cfg *config) (net.Listener, error) {
	host, port, _ := net.SplitHostPort(cfg.addr)
	first, _ := strconv.Atoi(port)
	tries := 1
	if !cfg.addrGiven && first != 0 {
		tries = min(portTries, 65536-first)
	}
	for i := range tries {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(first+i)))
		if err == nil {
			return ln, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) || i+1 == tries {
			return nil, listenError(cfg.addr, err, first, tries)
		}
	}
	panic("unreachable")
}

// listenError says why -addr cannot be listened on, and what to do.
func listenError(addr string, err error, first, tries int) error {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.EADDRINUSE) && tries > 1:
		return fmt.Errorf("-addr %s: ports %d to %d are all in use; choose a free one with -addr HOST:PORT (port 0: any free port)", addr, first, first+tries-1)
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("-addr %s: the port is in use (by another program, or another -serve); choose another, or port 0 for any free one", addr)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("-addr %s: this machine has no such address; use 127.0.0.1 (this machine only) or 0.0.0.0 (every network it is on)", addr)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("-addr %s: permission denied (ports below 1024 are for the system); choose a port from 1024 up, such as 8080", addr)
	case errors.As(err, &dns):
		return fmt.Errorf("-addr %s: no such host (%s); use an address such as 127.0.0.1", addr, dns.Err)
	}
	return fmt.Errorf("-addr %s: %v", addr, err)
}

// pageAddress is the address to open in a browser, and the Host headers the
// server answers: on a loopback address only this machine's names (nil,
// any, on an address other machines can reach).
func pageAddress(addr string, at *net.TCPAddr) (home string, hosts []string) {
	port := strconv.Itoa(at.Port)
	host, _, _ := net.SplitHostPort(addr)
	switch {
	case at.IP.IsLoopback():
		hosts = []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port}
		if host != "" && net.ParseIP(host) == nil {
			hosts = append(hosts, host+":"+port) // a name of this machine, as given
		}
		return "http://" + net.JoinHostPort(at.IP.String(), port) + "/", hosts
	case at.IP.IsUnspecified():
		return "http://127.0.0.1:" + port + "/", nil
	}
	return "http://" + net.JoinHostPort(at.IP.String(), port) + "/", nil
}

// ---- -serve -model ------------------------------------------------------------

// loadedModel is a saved network and the test images it is shown on.
type loadedModel struct {
	net  *nn.MLP
	path string
	ds   *data.Dataset
	te   *split
	ev   *evaluation // its verdict on te
}

// loadForServe reads -model and the test images of -data, and checks that
// they fit each other and the page's 28×28 drawings.
func loadForServe(cfg *config) (*loadedModel, error) {
	drawings := func(net *nn.MLP) error {
		if net.Sizes[0] != side*side {
			return fmt.Errorf("-model %s: the network takes %d inputs, but a drawing becomes %d×%d = %d pixels; -serve needs a network trained on %d×%d digits",
				cfg.model, net.Sizes[0], side, side, side*side, side, side)
		}
		return nil
	}
	net, ds, err := loadModelAndTests(cfg, "use data like the data it was trained on", drawings)
	if err != nil {
		return nil, err
	}
	te := testSplit(ds.Test)
	ev, err := evaluateModel(cfg, net, te)
	if err != nil {
		return nil, err
	}
	return &loadedModel{net: net, path: cfg.model, ds: ds, te: te, ev: ev}, nil
}

// show prints what the page shows, and hands it to the watcher.
func (m *loadedModel) show(w io.Writer, watch *watcher) {
	section(w, 1, "The model")
	fmt.Fprintf(w, "%s: %s, loaded without training\n", m.path, m.net)
	section(w, 2, "The test images")
	fmt.Fprintln(w, m.ds.Name)
	printAccuracy(w, m.ev)
	watch.loaded(m.net, m.path, m.te, m.ds.Name, classNames(m.ds))
}
