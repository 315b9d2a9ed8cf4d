package main

// A PNG written by hand, for the pictures inside the figures (figures.go).
// The standard library's image/png compresses with compress/flate, whose
// output may change from one Go release to the next; these figures are
// golden files that must come out byte for byte the same on every machine
// and every Go version. So the pixels are stored uncompressed: deflate's
// "stored" blocks, which copy bytes as they are. The file is larger than a
// compressed one (a byte per pixel), and its bytes never change.
//
// A PNG file is a signature and a list of chunks, each its length, a
// four-letter type, its data and a CRC-32 of type and data:
//
//	IHDR  width, height, 8 bits per value, the colour type (0 grey, 3 palette)
//	PLTE  the palette, 3 bytes (red, green, blue) per colour
//	IDAT  the rows, each a filter byte (0: none) then a byte per pixel,
//	      as a zlib stream: a 2-byte header, the deflate blocks, an Adler-32
//	IEND  the end

import (
	"bytes"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image/color"
)

// pngSignature opens every PNG file.
const pngSignature = "\x89PNG\r\n\x1a\n"

// maxStored is the most bytes one stored deflate block holds.
const maxStored = 65535

// storedPNG returns the PNG file of a width×height picture with one byte
// per pixel, row by row: an index into palette, or a grey level (0 black,
// 255 white) when palette is nil.
func storedPNG(width, height int, pix []byte, palette []color.RGBA) []byte {
	var file bytes.Buffer
	file.WriteString(pngSignature)

	colorType := byte(0) // grey
	if palette != nil {
		colorType = 3 // indexes into the palette
	}
	var header [13]byte
	binary.BigEndian.PutUint32(header[0:], uint32(width))
	binary.BigEndian.PutUint32(header[4:], uint32(height))
	header[8], header[9] = 8, colorType // bit depth, colour type; then compression, filter, interlace: all 0
	writeChunk(&file, "IHDR", header[:])

	if palette != nil {
		plte := make([]byte, 0, 3*len(palette))
		for _, c := range palette {
			plte = append(plte, c.R, c.G, c.B)
		}
		writeChunk(&file, "PLTE", plte)
	}

	// The rows, each after its filter byte.
	raw := make([]byte, 0, height*(width+1))
	for y := range height {
		raw = append(raw, 0)
		raw = append(raw, pix[y*width:(y+1)*width]...)
	}
	writeChunk(&file, "IDAT", zlibStored(raw))
	writeChunk(&file, "IEND", nil)
	return file.Bytes()
}

// writeChunk appends one chunk: length, type, data, CRC-32 of type and data.
func writeChunk(file *bytes.Buffer, kind string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	file.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(kind))
	crc.Write(data)
	file.WriteString(kind)
	file.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	file.Write(n[:])
}

// zlibStored wraps data in a zlib stream of stored (uncompressed) deflate
// blocks: the header 0x78 0x01 (deflate, no preset dictionary), then blocks
// of at most 65,535 bytes, each a byte saying whether it is the last, its
// length and the length's complement (little-endian), then the data; last,
// the Adler-32 checksum of data (big-endian).
func zlibStored(data []byte) []byte {
	sum := adler32.Checksum(data)
	out := make([]byte, 0, len(data)+len(data)/maxStored*5+16)
	out = append(out, 0x78, 0x01)
	for first := true; first || len(data) > 0; first = false {
		n := min(len(data), maxStored)
		final := byte(0)
		if n == len(data) {
			final = 1
		}
		out = append(out, final, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	return binary.BigEndian.AppendUint32(out, sum)
}
