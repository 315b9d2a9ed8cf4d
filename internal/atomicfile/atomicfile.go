// Package atomicfile is how the programs touch files safely.
//
// Writing: Write puts the bytes in a temporary file in the same folder,
// syncs it and renames it over the target, so an interrupted run never
// leaves a half-written file under the final name. It writes only regular
// files: a target that is a folder, a device (such as /dev/null), a named
// pipe or a symbolic link is refused, never replaced. A file it replaces
// keeps its permissions (a 0600 file stays 0600); a new file gets 0644.
// CheckTarget makes the same checks before any long work starts, and also
// refuses a target that is one of the run's own inputs; CheckKind refuses to
// replace a file that does not hold what the program writes there (a model,
// an SVG image), so that a slip of the keyboard cannot destroy a document.
// Files that belong together (a model and its figures) are written with
// PrepareAll and CommitAll: none takes its name unless all could be written.
//
// Reading: OpenRegular opens a file only once it is known to be a regular
// file, so a named pipe cannot make the program wait forever and a device
// such as /dev/zero cannot feed it without end, and it caps how many bytes
// may be read.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// newFileMode is the permission of a file Write creates: readable by
// everyone, writable by its owner.
const newFileMode fs.FileMode = 0o644

// Write creates or replaces path by calling fill with a buffered writer. The
// file appears under its final name only if fill and every write, sync and
// close succeed; otherwise the temporary file is removed and the error
// returned. A path that exists and is not a regular file (a folder, a
// device, a named pipe, a symbolic link) is refused: links are not followed
// on purpose, so that a link planted where a file is expected cannot redirect
// the write elsewhere. A replaced file keeps its permission bits.
//
// Write is Prepare followed by Commit; a program that writes several files
// which belong together uses those two, so that none is replaced unless all
// could be written.
func Write(path string, fill func(w io.Writer) error) error {
	p, err := Prepare(path, fill)
	if err != nil {
		return err
	}
	return p.Commit()
}

// Pending is a file written in full under a temporary name in its target's
// folder, waiting either to take the target's name (Commit) or to be thrown
// away (Discard). Until Commit, the target is untouched.
type Pending struct {
	path, tmp string
}

// Prepare does all of Write's work but the final rename: it refuses a target
// that is not a regular file, writes what fill writes into a temporary file
// next to path, flushes, syncs and closes it, and gives it the mode the
// target will have (that of the file it replaces, or 0644). On any error the
// temporary file is removed and nothing is left behind.
func Prepare(path string, fill func(w io.Writer) error) (_ *Pending, err error) {
	mode := newFileMode
	if st, err := os.Lstat(path); err == nil {
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("cannot write %s: %w", path, refuseWrite(path, st))
		}
		mode = st.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, UnwrapPathError(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = fill(bw); err != nil {
		return nil, err
	}
	if err = bw.Flush(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, UnwrapPathError(err))
	}
	if err = tmp.Sync(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, UnwrapPathError(err))
	}
	if err = tmp.Close(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, UnwrapPathError(err))
	}
	if err = os.Chmod(tmp.Name(), mode); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, UnwrapPathError(err))
	}
	return &Pending{path: path, tmp: tmp.Name()}, nil
}

// Path is the name the file takes on Commit.
func (p *Pending) Path() string { return p.path }

// Commit renames the temporary file to the target's name. Between Prepare
// and Commit something else may have put a folder or a device there: it is
// looked at again just before the rename, and refused. On error the
// temporary file is removed.
func (p *Pending) Commit() (err error) {
	defer func() {
		if err != nil {
			os.Remove(p.tmp)
		}
	}()
	if st, lerr := os.Lstat(p.path); lerr == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("cannot write %s: %w", p.path, refuseWrite(p.path, st))
	}
	if err = os.Rename(p.tmp, p.path); err != nil {
		return fmt.Errorf("writing %s: %w", p.path, UnwrapPathError(err))
	}
	return nil
}

// Discard removes the temporary file: the target stays as it was.
func (p *Pending) Discard() { os.Remove(p.tmp) }

// PrepareAll prepares every file of a set that belongs together (path i is
// filled by fills[i]). Either all are prepared, or none is left behind and
// the first error is returned.
func PrepareAll(paths []string, fills []func(w io.Writer) error) ([]*Pending, error) {
	if len(paths) != len(fills) {
		panic("atomicfile.PrepareAll: as many fills as paths are needed")
	}
	var done []*Pending
	for i, path := range paths {
		p, err := Prepare(path, fills[i])
		if err != nil {
			for _, d := range done {
				d.Discard()
			}
			return nil, err
		}
		done = append(done, p)
	}
	return done, nil
}

// CommitAll commits the files PrepareAll prepared, in order. If one fails,
// the ones not yet committed are discarded and its error returned: a rename
// in the same folder fails only in rare cases (the folder removed meanwhile).
func CommitAll(ps []*Pending) error {
	for i, p := range ps {
		if err := p.Commit(); err != nil {
			for _, rest := range ps[i+1:] {
				rest.Discard()
			}
			return err
		}
	}
	return nil
}

// CheckKind checks that the file at path, if there is one, holds what the
// program is about to write there again: it must be empty or start, after
// white space, with one of the prefixes (such as "<svg" for a figure). A
// program thus replaces only files of its own kind, and never, through a
// slip of the keyboard, a document, a data file or a program (-save
// README.md). what names the kind in the message: "a model file". An
// absent path is fine. The error does not repeat path (see CheckTarget).
func CheckKind(path, what string, prefixes ...string) error {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("cannot look at the file already there (%v); choose another name", UnwrapPathError(err))
	case !st.Mode().IsRegular():
		return refuseWrite(path, st)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return fmt.Errorf("the file already there cannot be read (%v), so whether writing would destroy it cannot be told; choose another name", UnwrapPathError(err))
	}
	defer f.Close()
	head := make([]byte, 256)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return fmt.Errorf("the file already there cannot be read (%v), so whether writing would destroy it cannot be told; choose another name", UnwrapPathError(err))
	}
	start := strings.TrimLeft(string(head[:n]), " \t\r\n")
	if start == "" {
		return nil // an empty file: nothing to lose
	}
	for _, p := range prefixes {
		if strings.HasPrefix(start, p) {
			return nil
		}
	}
	first, _, _ := strings.Cut(start, "\n")
	if len(first) > 40 {
		first = first[:40] + "…"
	}
	return fmt.Errorf("holds something that is not %s (it starts with %q); writing would destroy it: choose another name, or move the file away first", what, first)
}

// WriteBytes is Write for content already in memory.
func WriteBytes(path string, b []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// CheckWritable reports, before any long work starts, whether Write could
// create path: path must be absent or a regular file (see Write), and a file
// must be creatable in its directory, which CheckWritable finds out by
// creating and removing a temporary file there. The error wraps the reason
// (errors.Is finds fs.ErrNotExist, fs.ErrPermission, syscall.ENOTDIR…).
// CheckTarget makes the same checks with messages that say what to do.
func CheckWritable(path string) error {
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		return fmt.Errorf("cannot write %s: %w", path, refuseWrite(path, st))
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".check-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, UnwrapPathError(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// CheckTarget checks, before any long work starts, everything about path
// that would make a later Write fail or do harm:
//
//   - path must be absent or a regular file: not a folder, a device, a named
//     pipe or a symbolic link (see Write);
//   - a file can be created in its folder: the folder exists, is a folder,
//     and may be written in;
//   - it is none of the files in reads, the inputs of the same run, compared
//     with os.SameFile, so another name for the same file (a hard link,
//     ./x for x) is caught too.
//
// A program calls it for each file it will write (a model, each figure)
// with the files it reads, and stops at the first error. The error does not
// repeat path: the caller puts it in front, with its flag, as in
// "-save digits.model: is a folder; give a file name". It wraps the
// underlying error, if any, for errors.Is.
func CheckTarget(path string, reads ...string) error {
	if st, err := os.Lstat(path); err == nil {
		if !st.Mode().IsRegular() {
			return refuseWrite(path, st)
		}
		for _, in := range reads {
			if ist, err := os.Stat(in); err == nil && os.SameFile(st, ist) {
				if in == path {
					return errors.New("is also an input of this run; writing it would destroy what is being read: choose another name")
				}
				return fmt.Errorf("is the same file as %s, an input of this run; writing it would destroy what is being read: choose another name", in)
			}
		}
	}
	if err := CheckWritable(path); err != nil {
		return folderError(filepath.Dir(path), err)
	}
	return nil
}

// CheckFolder reports, before any long work starts, whether files can be
// created in dir, with a message that says what to do (see CheckTarget)
// and does not repeat dir in front.
func CheckFolder(dir string) error {
	if err := CheckWritable(filepath.Join(dir, ".check")); err != nil {
		return folderError(dir, err)
	}
	return nil
}

// folderError explains why no file can be created in dir, and what to do.
func folderError(dir string, err error) error {
	why := errors.Unwrap(err) // the reason, without "cannot write PATH"
	if why == nil {
		why = err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return wrapped{fmt.Sprintf("the folder %s does not exist; create it first (mkdir -p %s) or choose another", dir, dir), err}
	case errors.Is(err, syscall.ENOTDIR):
		return wrapped{fmt.Sprintf("%s is not a folder (a file is in the way); choose another place", dir), err}
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return wrapped{fmt.Sprintf("cannot write in the folder %s (%v); choose a folder you can write to", dir, why), err}
	}
	return wrapped{fmt.Sprintf("cannot create a file in %s (%v)", dir, why), err}
}

// refuseWrite says why Write will not replace st, the file at path, which is
// not a regular file.
func refuseWrite(path string, st fs.FileInfo) error {
	m := st.Mode()
	switch {
	case m&fs.ModeSymlink != 0:
		to, err := os.Readlink(path)
		if err != nil {
			to = "?"
		}
		return fmt.Errorf("is a symbolic link (to %s); files are never written through a link: give the file's own path, or remove the link", to)
	case m.IsDir():
		return errors.New("is a folder; give a file name")
	}
	return fmt.Errorf("is %s, not a regular file, and is never replaced; give the name of a file", KindOf(m))
}

// KindOf names, for a message, what a file that is not a regular file is:
// "a folder", "a named pipe (FIFO)", "a device"...
func KindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// UnwrapPathError keeps only the reason of an *os.PathError or
// *os.LinkError ("no such file or directory"), for messages that already
// name the file. Any other error is returned as it is.
func UnwrapPathError(err error) error {
	switch e := err.(type) {
	case *fs.PathError:
		return e.Err
	case *os.LinkError:
		return e.Err
	}
	return err
}

// wrapped is an error with its own message that still unwraps to the error
// it explains, for errors.Is.
type wrapped struct {
	msg string
	err error
}

func (w wrapped) Error() string { return w.msg }
func (w wrapped) Unwrap() error { return w.err }
