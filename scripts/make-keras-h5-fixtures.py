#!/usr/bin/python3
"""Writes test/fixtures/keras/*.weights.h5 in the layout Keras 3's `model.save_weights` uses,
with Debian's python3-h5py (no Keras needed). Run once with /usr/bin/python3; the files are
committed. The layout, from keras/src/saving/saving_lib.py (save_weights_only, _save_state,
_save_container_state, H5Entry) and Layer.save_own_variables:

- the model's own variables in the root group `vars` (empty for Sequential and functional models);
- a Sequential or functional model's layers under `layers/<name>/vars`, where <name> is the
  snake_case of the layer's CLASS name, suffixed `_1`, `_2`, ... for repeats in model.layers
  order (not the layer's `name`, which Keras says is not reproducible);
- in each `vars` group the layer's variables as datasets `0`, `1`, ...: trainable variables
  first, then non-trainable ones, each in creation order (Dense: kernel, bias;
  BatchNormalization: gamma, beta, moving_mean, moving_variance; Conv2D: kernel, bias);
- a compiled model's optimizer under `optimizer/vars` (ignored by tapeflow's import).

The values are small exact binary fractions so that tests can state them."""
from pathlib import Path

import h5py
import numpy as np

OUT = Path(__file__).resolve().parent.parent / "test" / "fixtures" / "keras"


def values(shape, start, step=0.125):
    n = int(np.prod(shape))
    return (start + step * np.arange(n, dtype=np.float64)).reshape(shape).astype(np.float32)


def write(path, layers):
    with h5py.File(path, "w") as f:
        f.create_group("vars")
        for name, arrays in layers:
            group = f.create_group(f"layers/{name}").create_group("vars")
            for i, a in enumerate(arrays):
                group[str(i)] = a
        f.create_group("optimizer").create_group("vars")["0"] = np.array(7, dtype=np.int64)  # iterations


OUT.mkdir(parents=True, exist_ok=True)
# Sequential: Dense(4, relu) on 3 inputs -> BatchNormalization -> Dense(2)
write(OUT / "mlp.weights.h5", [
    ("dense", [values((3, 4), -0.75), values((4,), 0.0625, 0.0625)]),
    ("batch_normalization", [values((4,), 1.0, 0.25), values((4,), -0.5, 0.25),
                             values((4,), 0.125, 0.125), values((4,), 0.5, 0.5)]),
    ("dense_1", [values((4, 2), 0.5, -0.125), values((2,), -0.25, 0.5)]),
])
print("wrote", OUT / "mlp.weights.h5")
