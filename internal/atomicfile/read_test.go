package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestOpenRegular(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ten.bin")
	if err := os.WriteFile(p, []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Exactly at the limit: all of it, then the end.
	r, err := OpenRegular(p, 10)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(b) != "0123456789" || r.Size() != 10 {
		t.Errorf("read %q, %v (size %d); want the ten bytes", b, err, r.Size())
	}
	// Over the limit, known from the size.
	_, err = OpenRegular(p, 9)
	wantErr(t, err, p+": 10 bytes, more than the 9 this program reads from such a file; is it the right file?")

	// Through a symbolic link: the file it leads to counts.
	link := filepath.Join(dir, "link")
	if os.Symlink(p, link) == nil {
		r, err := OpenRegular(link, 100)
		if err != nil {
			t.Errorf("OpenRegular through a link: %v", err)
		} else {
			r.Close()
		}
	}

	_, err = OpenRegular(filepath.Join(dir, "none"), 100)
	wantErr(t, err, filepath.Join(dir, "none")+": no such file or directory")
	_, err = OpenRegular(dir, 100)
	wantErr(t, err, dir+": is a folder, not a file")
	if fifo := makeFIFO(t, dir, "pipe"); fifo != "" {
		// Opening a named pipe for reading would wait for a writer
		// forever: it must be refused at once.
		_, err = OpenRegular(fifo, 100)
		wantErr(t, err, fifo+": is a named pipe (FIFO), not a regular file; copy the data into a file first")
	}
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		locked := filepath.Join(dir, "locked")
		os.WriteFile(locked, nil, 0)
		_, err = OpenRegular(locked, 100)
		wantErr(t, err, locked+": permission denied; make the file readable (chmod a+r) or copy it somewhere you can read")
	}
}

// Devices and the files of /proc: one gives bytes without end, the other
// says it is empty and then has content.
func TestOpenRegularSpecialFiles(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev here")
	}
	for _, dev := range []string{"/dev/zero", "/dev/null", "/dev/urandom"} {
		if _, err := os.Stat(dev); err != nil {
			continue
		}
		_, err := OpenRegular(dev, 1<<20)
		wantErr(t, err, dev+": is a device, not a regular file; give the path of a file")
	}
	const status = "/proc/self/status"
	if _, err := os.Stat(status); err != nil {
		t.Skip("no /proc")
	}
	r, err := OpenRegular(status, 20)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Size() != 0 {
		t.Skipf("%s reports %d bytes: not the /proc this test knows", status, r.Size())
	}
	b, err := io.ReadAll(r)
	var tooLarge *TooLargeError
	if len(b) != 20 || !errors.As(err, &tooLarge) || tooLarge.Limit != 20 {
		t.Fatalf("read %d bytes, %v; want 20, then a TooLargeError", len(b), err)
	}
	if want := "the file holds more than 20 bytes, the most this program reads from such a file"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil || err.Error() != want {
		t.Errorf("\n got %v\nwant %s", err, want)
	}
	if err != nil && strings.Contains(err.Error(), "\n") {
		t.Errorf("the error spans several lines: %q", err)
	}
}
