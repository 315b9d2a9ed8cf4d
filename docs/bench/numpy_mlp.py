"""Article 002's network in NumPy, written in the layer style of the best-known
NumPy "from scratch" book: layer classes with forward and backward, kept in an
ordered dict, softmax and cross-entropy fused in the last layer, and the book's
form of Adam. 784-64-64-64-10 ReLU, He initialisation, float64 (OpenBLAS does
the products), one shuffled pass over the training set per epoch.

As in the book, every Affine layer's backward pass also computes dx, the first
layer's included (the Go code skips that one: nothing needs it).

Prints, after each epoch, one line `epoch=N train_seconds_per_epoch=S`
(training time only), and at the end the test accuracy.

usage: python3 numpy_mlp.py [--data DIR] [--batch 15] [--epochs 1] [--seed 0]
"""
import argparse
import os
import sys
import time
from collections import OrderedDict

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ left in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx import load  # noqa: E402


class Affine:
    """out = x·W + b; it keeps x for dW = xᵀ·dout."""

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T


class Relu:
    """max(0, x); it keeps where x ≤ 0, where the gradient is blocked."""

    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class SoftmaxWithLoss:
    """Softmax and the mean cross-entropy; their joint gradient is (y − t)/batch."""

    def __init__(self):
        self.y = self.t = None

    def forward(self, x, t):
        z = x - x.max(axis=1, keepdims=True)
        e = np.exp(z)
        self.y = e / e.sum(axis=1, keepdims=True)
        self.t = t
        rows = np.arange(len(t))
        return -np.log(self.y[rows, t] + 1e-7).mean()

    def backward(self):
        dx = self.y.copy()
        dx[np.arange(len(self.t)), self.t] -= 1
        return dx / len(self.t)


class Adam:
    """The book's Adam: the bias corrections folded into one step size lr_t."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.t, self.m, self.v = 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = {k: np.zeros_like(p) for k, p in params.items()}
            self.v = {k: np.zeros_like(p) for k, p in params.items()}
        self.t += 1
        lr_t = self.lr * np.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
        for k in params:
            g = grads[k]
            self.m[k] += (1 - self.beta1) * (g - self.m[k])
            self.v[k] += (1 - self.beta2) * (g ** 2 - self.v[k])
            params[k] -= lr_t * self.m[k] / (np.sqrt(self.v[k]) + 1e-7)


class MLP:
    def __init__(self, sizes, rng):
        self.depth = len(sizes) - 1  # Affine layers
        self.params = {}
        self.layers = OrderedDict()
        for i in range(1, len(sizes)):
            std = np.sqrt(2 / sizes[i - 1])  # He, for ReLU
            self.params[f"W{i}"] = std * rng.standard_normal((sizes[i - 1], sizes[i]))
            self.params[f"b{i}"] = np.zeros(sizes[i])
            self.layers[f"Affine{i}"] = Affine(self.params[f"W{i}"], self.params[f"b{i}"])
            if i < len(sizes) - 1:
                self.layers[f"Relu{i}"] = Relu()
        self.last = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def gradient(self, x, t):
        self.last.forward(self.predict(x), t)
        dout = self.last.backward()
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads = {}
        for i in range(1, self.depth + 1):
            grads[f"W{i}"] = self.layers[f"Affine{i}"].dW
            grads[f"b{i}"] = self.layers[f"Affine{i}"].db
        return grads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--batch", type=int, default=15)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    x_train, t_train, x_test, t_test = load(args.data)
    rng = np.random.default_rng(args.seed)
    net = MLP([784, 64, 64, 64, 10], rng)
    opt = Adam(lr=0.001)
    n = len(x_train)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = rng.permutation(n)
        for lo in range(0, n, args.batch):
            batch = order[lo:lo + args.batch]
            opt.update(net.params, net.gradient(x_train[batch], t_train[batch]))
        print(f"epoch={epoch} train_seconds_per_epoch={time.perf_counter() - start:.3f}", flush=True)
    accuracy = (net.predict(x_test).argmax(axis=1) == t_test).mean()
    print(f"test_accuracy={accuracy:.4f}")


if __name__ == "__main__":
    main()
