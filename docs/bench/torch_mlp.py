"""Article 002's network in PyTorch, the way a PyTorch user writes it:
nn.Sequential of Linear and ReLU, CrossEntropyLoss, optim.Adam (lr 0.001).
float32 (PyTorch's default), the whole training set held as one tensor and
each batch taken by indexing it with a slice of a shuffled permutation (no
DataLoader, whose worker processes would only add overhead here).

--threads sets torch.set_num_threads; on a 2-core machine 1 is fastest, as
more threads compete with each other for the cores.

Prints, after each epoch, one line `epoch=N train_seconds_per_epoch=S`
(training time only), and at the end the test accuracy.

usage: python3 torch_mlp.py [--data DIR] [--batch 15] [--epochs 1] [--seed 0] [--threads 1]
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.dont_write_bytecode = True  # no __pycache__ left in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx import load  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--batch", type=int, default=15)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    x_train, t_train, x_test, t_test = (torch.from_numpy(a) for a in load(args.data, np.float32))
    model = nn.Sequential(
        nn.Linear(784, 64), nn.ReLU(),
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, 64), nn.ReLU(),
        nn.Linear(64, 10),
    )
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    n = len(x_train)
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(n)
        for lo in range(0, n, args.batch):
            batch = order[lo:lo + args.batch]
            loss = loss_fn(model(x_train[batch]), t_train[batch])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        print(f"epoch={epoch} train_seconds_per_epoch={time.perf_counter() - start:.3f}", flush=True)
    with torch.no_grad():
        accuracy = (model(x_test).argmax(dim=1) == t_test).float().mean().item()
    print(f"test_accuracy={accuracy:.4f}")


if __name__ == "__main__":
    main()
