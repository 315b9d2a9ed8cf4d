package data

import (
	"bytes"
	"path/filepath"
	"runtime"
	"testing"
)

func TestIDXRoundTrip(t *testing.T) {
	raw := idxImages(3, 4, 5)
	labels := idxLabels(7, 0, 9)
	dir := t.TempDir()
	for _, c := range []struct {
		name           string
		images, labels []byte
	}{
		{"raw", raw, labels},
		{"gzipped", gzipped(raw), gzipped(labels)},
	} {
		t.Run(c.name, func(t *testing.T) {
			imgPath := filepath.Join(dir, c.name+"-images")
			lblPath := filepath.Join(dir, c.name+"-labels")
			writeFile(t, imgPath, c.images)
			writeFile(t, lblPath, c.labels)

			images, n, rows, cols, err := ReadIDXImages(imgPath)
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 || rows != 4 || cols != 5 {
				t.Errorf("got %d images of %dx%d, want 3 of 4x5", n, rows, cols)
			}
			if !bytes.Equal(images, raw[16:]) {
				t.Errorf("pixels differ from those written")
			}
			got, err := ReadIDXLabels(lblPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, []byte{7, 0, 9}) {
				t.Errorf("labels %v, want [7 0 9]", got)
			}
		})
	}
}

func TestIDXImagesErrors(t *testing.T) {
	good := idxImages(3, 4, 5) // 16-byte header, 60 bytes of pixels
	gz := gzipped(good)
	badCRC := append([]byte(nil), gz...)
	badCRC[len(badCRC)-6] ^= 0xff // a byte of the CRC-32 at the end
	for _, c := range []struct {
		name  string
		input []byte
		want  []string
	}{
		{"empty", nil, []string{"empty file"}},
		{"gzipped empty", gzipped(nil), []string{"empty file (after decompressing)"}},
		{"three bytes", []byte{0, 0, 8}, []string{"not an IDX file: only 3 bytes long"}},
		{"truncated header", good[:10], []string{"truncated header: 10 of 16 bytes"}},
		{"truncated data", good[:71], []string{"truncated: header says 3 images of 4x5 (60 bytes) but the file holds only 55 after the header"}},
		{"truncated gzipped data", gzipped(good[:71]), []string{"truncated: header says 3 images of 4x5 (60 bytes)"}},
		{"extra data", append(append([]byte(nil), good...), 1, 2), []string{"more data than the header says"}},
		{"labels file", idxLabels(1, 2, 3), []string{"not an IDX image file (magic 2049, want 2051)", "labels file"}},
		{"other magic", header(0x00000d03, 1, 1, 1), []string{"not an IDX image file (magic 3331, want 2051)"}},
		{"html page", []byte("<!DOCTYPE html><html><body>Not Found</body></html>"), []string{"not an IDX image file", "looks like text"}},
		{"bad gzip header", []byte{0x1f, 0x8b, 0, 0, 0, 0}, []string{"corrupt gzip stream"}},
		{"bad gzip data", append(append([]byte(nil), gz[:10]...), bytes.Repeat([]byte{0xff}, 40)...), []string{"corrupt gzip stream"}},
		{"gzip cut short", gz[:len(gz)/2], []string{"corrupt gzip stream", "cut short"}},
		{"gzip bad checksum", badCRC, []string{"corrupt gzip stream", "checksum"}},
		{"huge dimensions", header(magicImages, 0xffffffff, 0xffffffff, 0xffffffff), []string{"corrupt header", "more than 2 GiB"}},
		{"huge count", header(magicImages, 0xffffffff, 28, 28), []string{"corrupt header", "4294967295 images of 28x28"}},
		{"zero-size images", header(magicImages, 5, 0, 28), []string{"5 images of 0x28 pixels"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, _, _, err := DecodeIDXImages(bytes.NewReader(c.input), "dir/x-images.gz")
			wantError(t, err, append([]string{"dir/x-images.gz: "}, c.want...)...)
		})
	}
}

func TestIDXLabelsErrors(t *testing.T) {
	good := idxLabels(1, 2, 3, 4)
	for _, c := range []struct {
		name  string
		input []byte
		want  []string
	}{
		{"empty", nil, []string{"empty file"}},
		{"truncated header", good[:6], []string{"truncated header: 6 of 8 bytes"}},
		{"truncated data", good[:10], []string{"truncated: header says 4 labels but the file holds only 2 after the header"}},
		{"images file", idxImages(1, 2, 2), []string{"not an IDX label file (magic 2051, want 2049)", "images file"}},
		{"huge count", header(magicLabels, 0xffffffff), []string{"more than 2 GiB"}},
		{"bad gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}, []string{"corrupt gzip stream"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeIDXLabels(bytes.NewReader(c.input), "y-labels")
			wantError(t, err, append([]string{"y-labels: "}, c.want...)...)
		})
	}
}

// A header may announce far more data than the file holds. The reader must
// find out by reading, not by first allocating what the header announces.
func TestIDXHeaderDoesNotDecideAllocation(t *testing.T) {
	lying := header(magicImages, 1_000_000, 28, 28) // 784 MB announced, none present
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, _, _, err := DecodeIDXImages(bytes.NewReader(lying), "lying")
	runtime.ReadMemStats(&after)
	wantError(t, err, "lying: truncated: header says 1000000 images of 28x28 (784000000 bytes) but the file holds only 0")
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("reading a 16-byte file allocated %d MB", grew>>20)
	}
}

func TestReadIDXMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nothing-here")
	_, _, _, _, err := ReadIDXImages(path)
	wantError(t, err, path+": no such file or directory")
	_, err = ReadIDXLabels(t.TempDir())
	wantError(t, err, "is a folder, not a file")
}
