package data

import "bytes"

// Set is a labelled collection of grey images, all the same size.
//
// Images holds every pixel of every image, one byte per pixel (0 is the
// background, 255 is full ink), image after image, each image row after row.
// Image i starts at byte i*Rows*Cols. Labels holds one label per image, from
// 0 to the number of classes minus one (for digits: the digit shown); it is
// nil in a Set of images read without their labels (ReadIDXImages).
type Set struct {
	Images     []byte // Len()*Rows*Cols bytes
	Labels     []byte // one per image, or nil
	Rows, Cols int
}

// Len returns the number of images.
func (s *Set) Len() int {
	if s.Labels != nil {
		return len(s.Labels)
	}
	if size := s.Rows * s.Cols; size > 0 {
		return len(s.Images) / size
	}
	return 0
}

// Image returns the pixels of image i. The slice points into s.Images, so
// changing it changes the set.
func (s *Set) Image(i int) []byte {
	size := s.Rows * s.Cols
	return s.Images[i*size : (i+1)*size : (i+1)*size]
}

// Subset returns a new Set holding the images at the given indexes, in that
// order. The pixels are copied, so the two sets can be changed independently.
// An index may appear more than once; one out of range panics, as indexing
// a slice does.
func (s *Set) Subset(idx []int) *Set {
	size := s.Rows * s.Cols
	out := &Set{
		Images: make([]byte, 0, len(idx)*size),
		Rows:   s.Rows,
		Cols:   s.Cols,
	}
	if s.Labels != nil {
		out.Labels = make([]byte, 0, len(idx))
	}
	for _, i := range idx {
		out.Images = append(out.Images, s.Image(i)...)
		if s.Labels != nil {
			out.Labels = append(out.Labels, s.Labels[i])
		}
	}
	return out
}

// Head returns the first n images, or all of them if the set holds fewer.
// The result shares its memory with s: no pixels are copied.
func (s *Set) Head(n int) *Set {
	n = max(0, min(n, s.Len()))
	size := s.Rows * s.Cols
	out := &Set{
		Images: s.Images[: n*size : n*size],
		Rows:   s.Rows,
		Cols:   s.Cols,
	}
	if s.Labels != nil {
		out.Labels = s.Labels[:n:n]
	}
	return out
}

// clone returns a deep copy of s.
func (s *Set) clone() *Set {
	return &Set{
		Images: bytes.Clone(s.Images),
		Labels: bytes.Clone(s.Labels),
		Rows:   s.Rows,
		Cols:   s.Cols,
	}
}
