"""Reads the IDX files of MNIST and Fashion-MNIST (gzipped or not) into NumPy arrays.

An IDX file is a big-endian header (two zero bytes, a type code, the number of
dimensions, then each dimension as a 32-bit integer) followed by the data.
"""
import gzip
import os
import struct

import numpy as np


def read_idx(path):
    """Returns the array stored in one IDX file (unsigned bytes only)."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        zero, kind, ndim = struct.unpack(">HBB", f.read(4))
        if zero != 0 or kind != 0x08:
            raise ValueError(f"{path}: not an IDX file of unsigned bytes")
        shape = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
        data = np.frombuffer(f.read(), dtype=np.uint8)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: {data.size} bytes of data, the header says {shape}")
    return data.reshape(shape)


def find(folder, stem):
    """The path of stem in folder, gzipped or not."""
    for name in (stem + ".gz", stem):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise FileNotFoundError(f"no {stem}[.gz] in {folder}")


def load(folder, dtype=np.float64):
    """Training and test images (one row of 784 values in 0..1 each) and labels."""
    def images(stem):
        x = read_idx(find(folder, stem))
        return x.reshape(len(x), -1).astype(dtype) / 255

    def labels(stem):
        return read_idx(find(folder, stem)).astype(np.int64)

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))
