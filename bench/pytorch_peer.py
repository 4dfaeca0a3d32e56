# The PyTorch peer of bench/run.ts: times the `torch` jobs of bench/workloads.ts on PyTorch's CPU
# backend and prints one JSON list of seconds per call (null for a job that failed). Reads the jobs
# as JSON on stdin; argv: thread count, seconds of timing per job. Tensors are PyTorch's own NCHW
# layout of the same NHWC shapes; values uniform in [-1, 1]. Timing mirrors bench/lib.ts: warm
# up for a third of the budget, batch calls to ~1/10 of it, median of 7 batches.
# (Not named torch.py: Python puts the script's folder first on sys.path, so that name would
# shadow the torch package it imports.)
import json
import sys
import time

import torch
import torch.nn.functional as F

jobs = json.load(sys.stdin)
threads = int(sys.argv[1])
budget = float(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(0)


def uniform(*shape):
    return torch.rand(*shape) * 2 - 1


def seconds(fn):
    end = time.perf_counter() + budget / 3
    fn()
    while time.perf_counter() < end:
        fn()
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        dt = time.perf_counter() - t0
        if dt > budget / 10 or reps >= 1 << 20:
            break
        reps *= 2
    samples = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - t0) / reps)
    samples.sort()
    return samples[len(samples) // 2]


def make(job):
    if job["kind"] == "lstm":
        # the same loss as the tapeflow row: the sum of the last step's output, gradients for
        # the input and every weight (PyTorch's LSTM has two bias vectors where Keras has one)
        batch, steps, features = job["x"]
        lstm = torch.nn.LSTM(features, job["units"], batch_first=True)
        xs = uniform(batch, steps, features).requires_grad_(True)
        sources = [xs, *lstm.parameters()]

        def lstm_grads():
            out, _ = lstm(xs)
            torch.autograd.grad(out[:, -1].sum(), sources)
        return lstm_grads
    if job["kind"] == "matmul":
        a, b = uniform(*job["x"]), uniform(*job["b"])
        ta, tb = job["transpose"]

        def product():
            with torch.no_grad():
                torch.matmul(a.t() if ta else a, b.t() if tb else b)
        return product
    n, h, w, c = job["x"]
    x = uniform(n, c, h, w)
    if job["kind"] == "maxPool":
        def pool():
            with torch.no_grad():
                F.max_pool2d(x, 2, 2)
        return pool
    fh, fw, ci, co = job["filter"]
    wt = uniform(co, ci, fh, fw) * 0.2
    pad = (fh // 2, fw // 2)  # 'same' for odd 3x3 at stride 1
    if job["kind"] == "conv2d":
        def forward():
            with torch.no_grad():
                F.conv2d(x, wt, padding=pad)
        return forward
    x.requires_grad_(True)
    wt.requires_grad_(True)
    dy = uniform(n, co, h, w)

    def grads():
        y = F.conv2d(x, wt, padding=pad)
        torch.autograd.grad(y, [x, wt], dy)
    return grads


out = []
for job in jobs:
    try:
        out.append(seconds(make(job)))
    except Exception as e:  # report, keep going
        sys.stderr.write(f"torch job {job}: {e}\n")
        out.append(None)
print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "seconds": out}))
