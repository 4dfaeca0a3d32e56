# The PyTorch peer of bench/mnist.ts: the same CNN and MLP trained on the same digits, batch 64,
# Adam, one shuffled pass per epoch as Keras' fit makes, and the seconds of one epoch after a
# warm-up epoch. argv: the digits file bench/mnist.ts wrote (n·784 float32 pixels, then n int32
# labels), n, thread count. Prints one JSON object {version, threads, cnn, mlp} (seconds).
# Layout is PyTorch's own NCHW for the same [28, 28, 1] images.
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

path, n, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(threads)
torch.manual_seed(0)
raw = np.fromfile(path, dtype=np.uint8)
pixels = torch.from_numpy(raw[: n * 784 * 4].view(np.float32).copy()).reshape(n, 1, 28, 28)
labels = torch.from_numpy(raw[n * 784 * 4 :].view(np.int32).astype(np.int64))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def epoch_seconds(model):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def epoch():
        order = torch.randperm(n)
        for at in range(0, n, 64):
            batch = order[at:at + 64]
            optimizer.zero_grad()
            loss = F.cross_entropy(model(pixels[batch]), labels[batch])
            loss.backward()
            optimizer.step()

    epoch()
    t0 = time.perf_counter()
    epoch()
    return time.perf_counter() - t0


print(json.dumps({"version": torch.__version__, "threads": threads, "cnn": epoch_seconds(cnn()), "mlp": epoch_seconds(mlp())}))
