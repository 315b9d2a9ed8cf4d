// Package atomicfile is how the programs touch files safely.
//
// Writing: Write puts the bytes in a temporary file in the same folder,
// syncs it and renames it over the target, so an interrupted run never
// leaves a half-written file under the final name. It writes only regular
// files: a target that is a folder, a device (such as /dev/null), a named
// pipe or a symbolic link is refused, never replaced. A file it replaces
// keeps its permissions (a 0600 file stays 0600); a new file gets 0644.
// CheckTarget makes the same checks before any long work starts, and also
// refuses a target that is one of the run's own inputs.
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
func Write(path string, fill func(w io.Writer) error) (err error) {
	mode := newFileMode
	if st, err := os.Lstat(path); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("cannot write %s: %w", path, refuseWrite(path, st))
		}
		mode = st.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, UnwrapPathError(err))
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err = fill(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), mode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// Between the check above and here, something else may have put a
	// folder or a device at path; look again just before the rename.
	if st, lerr := os.Lstat(path); lerr == nil && !st.Mode().IsRegular() {
		err = fmt.Errorf("cannot write %s: %w", path, refuseWrite(path, st))
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
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
