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

			s, err := ReadIDXImages(imgPath)
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != 3 || s.Rows != 4 || s.Cols != 5 || s.Labels != nil {
				t.Errorf("got %d images of %dx%d (labels %v), want 3 of 4x5 and no labels", s.Len(), s.Rows, s.Cols, s.Labels)
			}
			if !bytes.Equal(s.Images, raw[16:]) {
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
		{"huge dimensions", header(magicImages, 0xffffffff, 0xffffffff, 0xffffffff), []string{"header says images of 4294967295x4294967295 pixels, 18446744065119617025 bytes each, more than the 67,108,864 bytes (64 MiB) this program reads for a whole data set: the header is corrupt"}},
		{"huge count", header(magicImages, 0xffffffff, 28, 28), []string{"header says 4294967295 images, more than any data set this program can read: the header is corrupt"}},
		{"over the cap", header(magicImages, 640_000, 28, 28), []string{"header says 640000 images of 28x28 (501,760,000 bytes), more than the 67,108,864 bytes (64 MiB) this program reads for one data set: the header is corrupt (download or copy it again), or the data set is too large for this program"}},
		{"one image over the cap", header(magicImages, 1, 8193, 8193), []string{"header says images of 8193x8193 pixels, 67125249 bytes each, more than the 67,108,864 bytes (64 MiB)"}},
		{"zero-size images", header(magicImages, 5, 0, 28), []string{"5 images of 0x28 pixels"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeIDXImages(bytes.NewReader(c.input), "dir/x-images.gz")
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
		{"huge count", header(magicLabels, 0xffffffff), []string{"header says 4294967295 labels, more than any data set this program can read: the header is corrupt"}},
		{"over the cap", header(magicLabels, MaxImageBytes+1), []string{"header says 67108865 labels, more than the 67,108,864 this program reads for one data set"}},
		{"bad gzip", []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}, []string{"corrupt gzip stream"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeIDXLabels(bytes.NewReader(c.input), "y-labels")
			wantError(t, err, append([]string{"y-labels: "}, c.want...)...)
		})
	}
}

// A header may announce far more data than the file holds. The reader must
// find out by reading, not by first allocating what the header announces:
// here 80,000 images (62,720,000 bytes, under MaxImageBytes) are announced
// and none are there.
func TestIDXHeaderDoesNotDecideAllocation(t *testing.T) {
	lying := header(magicImages, 80_000, 28, 28)
	var err error
	grew := allocated(func() { _, err = DecodeIDXImages(bytes.NewReader(lying), "lying") })
	wantError(t, err, "lying: truncated: header says 80000 images of 28x28 (62720000 bytes) but the file holds only 0 after the header")
	if grew > 1<<20 {
		t.Errorf("reading a 16-byte file allocated %d KB", grew>>10)
	}
}

// A small gzip file whose header announces 640,000 blank images (half a
// gigabyte once decompressed) is refused from its header: nothing is
// decompressed, nothing allocated for it.
func TestIDXGzipBomb(t *testing.T) {
	var raw bytes.Buffer
	raw.Write(header(magicImages, 640_000, 28, 28))
	raw.Write(make([]byte, 8<<20)) // the first 8 MB of blank pixels
	bomb := gzipped(raw.Bytes())
	if len(bomb) > 64<<10 {
		t.Fatalf("the test's bomb is %d bytes, want a small file", len(bomb))
	}
	var err error
	grew := allocated(func() { _, err = DecodeIDXImages(bytes.NewReader(bomb), "bomb.gz") })
	wantError(t, err, "bomb.gz: header says 640000 images of 28x28 (501,760,000 bytes), more than the 67,108,864 bytes (64 MiB)")
	if grew > 1<<20 {
		t.Errorf("refusing a %d-byte file allocated %d KB", len(bomb), grew>>10)
	}
}

// allocated returns how many bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestReadIDXMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nothing-here")
	_, err := ReadIDXImages(path)
	wantError(t, err, path+": no such file or directory")
	_, err = ReadIDXLabels(t.TempDir())
	wantError(t, err, "is a folder, not a file")
}
