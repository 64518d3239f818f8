"""Training throughput of each tagger against its reference implementation, on the same
synthetic jets, so that a slow model (or a fast one) is known for what it is.

Every row is jets per second of training (forward, backward and optimiser step; batch
200; one CPU thread), after a warm-up epoch, measured in one run: absolute rates vary
between machines (2.6x seen), the ratio ours / reference is the result.

- PFN and EFN against EnergyFlow's Keras models (``energyflow.archs``), run in a
  subprocess with a separate interpreter that has EnergyFlow and TensorFlow
  (``--energyflow-python``; TensorFlow has no place in the project's venv). Same sizes
  (Phi 100, 100, 256; F 100, 100, 100), PFN on the 4 features, EFN on (eta', phi')
  weighted by pT fraction, Adam (AMSGrad, lr 1e-3, as ours) through Keras' own ``fit``
  (no metrics), TensorFlow limited to one intra-op and one inter-op thread.
- ParticleNet and ParticleNet-Lite against weaver-core's torch ``ParticleNet``,
  configured like ours (k, EdgeConv channels, dense layers and dropout, fusion, input
  batch norm, mean over real constituents; no sequence trimming, which drops particles
  in training) and trained through the same loop (:func:`massgen.training.loop.fit`),
  so that only the model differs. The full ParticleNet takes seconds per batch on one
  thread, so it trains on the first ``--particlenet-jets`` jets (400) only.
- The CNN at 25 and 50 pixels has no reference: its rate is given as a ratio to our PFN.

Ours are trained by :func:`massgen.training.loop.fit` (AMSGrad, shuffled index-sliced
batches; its one-jet validation pass is inside the epoch time). Synthetic jets: 20 to
100 real constituents of 100 slots, features (pt_fraction, eta_rot, phi_rot, g_pid),
zero padding; the images are the same jets pixelated over [-1, 1]^2. Where CUDA is
present our models and weaver's are measured on it too (EnergyFlow's only on CPU)::

    .venv/bin/python benchmarks/bench_models.py [--jets 4000] [--epochs 2] \
        [--particlenet-jets 400] [--energyflow-python /tmp/efvenv/bin/python]

About 8 minutes on a 2-core machine; benchmarks/models.md records a run.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import torch
from torch import nn

from massgen.config import defaults
from massgen.models import build_model
from massgen.preprocess import GPID, pixelate
from massgen.registry import MODELS
from massgen.training.loop import Batch, TrainSettings, fit

FEATURES = ("pt_fraction", "eta_rot", "phi_rot", "g_pid")
POINT_META = {"features": FEATURES, "n_classes": 2}
N_PARTICLES = 100
BATCH = 200
SEED = 0
PARTICLENETS = {"particlenet": "ParticleNet", "particlenet_lite": "ParticleNet-Lite"}

# Run by the EnergyFlow interpreter: argv = data.npz, epochs (timed), batch, seed. Prints one JSON
# line: {"versions": {...}, "pfn": [seconds per epoch], "efn": [...]}, warm-up first.
EF_WORKER = r"""
import json, os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
import tf_keras
import energyflow
from energyflow.archs import EFN, PFN

path, epochs, batch, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
data = np.load(path)
x, y = data["features"], tf_keras.utils.to_categorical(data["label"], 2)
sizes = {"Phi_sizes": (100, 100, 256), "F_sizes": (100, 100, 100)}


class Clock(tf_keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self.start)


def train(arch, input_dim, inputs):
    tf_keras.utils.set_random_seed(seed)
    optimizer = tf_keras.optimizers.Adam(learning_rate=1e-3, amsgrad=True)
    model = arch(input_dim=input_dim, optimizer=optimizer, metrics=[], summary=False, **sizes)
    clock = Clock()
    model.fit(inputs, y, epochs=1 + epochs, batch_size=batch, verbose=0, callbacks=[clock])
    return clock.seconds


result = {
    "versions": {
        "energyflow": energyflow.__version__,
        "tensorflow": tf.__version__,
        "tf_keras": tf_keras.__version__,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    },
    "pfn": train(PFN, 4, x),
    "efn": train(EFN, 2, [x[..., 0], x[..., 1:3]]),
}
print(json.dumps(result))
"""


def synthetic_jets(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Zero-padded point clouds (n, 100, 4) with 20-100 real constituents, positive pT
    fractions summing to 1 per jet, narrow (eta', phi') and g_pid class values; the
    signal class is a little wider, so that the loss has something to learn."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(20, N_PARTICLES + 1, n)
    mask = np.arange(N_PARTICLES)[None] < counts[:, None]
    label = rng.integers(0, 2, n)
    pt = rng.exponential(size=(n, N_PARTICLES)) * mask
    width = np.where(label == 1, 0.25, 0.15)[:, None]
    features = np.stack(
        [
            pt / pt.sum(1, keepdims=True),
            rng.normal(size=(n, N_PARTICLES)) * width,
            rng.normal(size=(n, N_PARTICLES)) * width,
            rng.choice(np.array(sorted(set(GPID.values()))), size=(n, N_PARTICLES)),
        ],
        axis=-1,
    )
    features = (features * mask[..., None]).astype(np.float32)
    return {"features": features, "mask": mask, "label": label}


def images(jets: dict[str, np.ndarray], pixels: int) -> dict[str, np.ndarray]:
    """The same jets as images: pT fraction summed over (eta', phi') in [-1, 1]^2."""
    x = jets["features"]
    image = pixelate(x[..., 1], x[..., 2], x[..., 0], jets["mask"], pixels, 1.0)
    return {"features": image, "mask": np.ones(len(image), bool), "label": jets["label"]}


def train_torch(model: nn.Module, data: dict, epochs: int, device: torch.device) -> list[float]:
    """Seconds per epoch (warm-up first) of our training loop on ``model``."""
    train = Batch.from_arrays(data, device)
    tiny_val = Batch.from_arrays({k: v[:1] for k, v in data.items()}, device)
    settings = TrainSettings(1e-3, BATCH, max_epochs=1 + epochs, patience=1 + epochs)
    history = fit(model.to(device), train, tiny_val, settings, seed=SEED)
    return [e["seconds"] for e in history["epochs"]]


def rate(n: int, seconds: list[float]) -> float:
    """Jets per second over the timed epochs (the first, warm-up, left out)."""
    return n * len(seconds[1:]) / sum(seconds[1:])


def ours(name: str, meta: dict) -> nn.Module:
    torch.manual_seed(SEED)
    hparams = defaults()["models"].get(name, {})
    return build_model(MODELS[name].target, meta, **hparams)


class WeaverParticleNet(nn.Module):
    """weaver-core's ParticleNet set up like ``model`` (our ParticleNet), called as ours:
    ``(x (n, P, C), mask (n, P)) -> logits``; its inputs are (n, C, P) views."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        from weaver.nn.model.ParticleNet import ParticleNet

        encoder = model.encoder
        linears = [m for m in model.head if isinstance(m, nn.Linear)]
        dropouts = [m.p for m in model.head if isinstance(m, nn.Dropout)]
        self.coordinates = list(encoder.coordinate_columns)
        torch.manual_seed(SEED)
        self.net = ParticleNet(
            input_dims=len(FEATURES),
            num_classes=linears[-1].out_features,
            conv_params=[
                (encoder.k, tuple(layer[0].out_features for layer in block.mlp))
                for block in encoder.blocks
            ],
            fc_params=[(m.out_features, p) for m, p in zip(linears[:-1], dropouts, strict=True)],
            use_fusion=encoder.fusion is not None,
            use_fts_bn=encoder.input_bn is not None,
            use_counts=True,
            trim=False,
        )

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        features = x.transpose(1, 2)
        return self.net(features[:, self.coordinates], features, mask[:, None, :])


def weaver_like(name: str) -> nn.Module:
    """weaver-core's ParticleNet configured as our model ``name``."""
    return WeaverParticleNet(ours(name, POINT_META))


def energyflow_side(python: str | None, jets: dict, epochs: int) -> tuple[dict, str]:
    """(EnergyFlow's seconds per epoch by model plus its versions, or {}; why not)."""
    if not python:
        return {}, "no --energyflow-python"
    with tempfile.TemporaryDirectory(prefix="bench-models-") as tmp:
        path = Path(tmp) / "jets.npz"
        np.savez(path, features=jets["features"], label=jets["label"])
        env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
        command = [python, "-c", EF_WORKER, str(path), str(epochs), str(BATCH), str(SEED)]
        try:
            done = subprocess.run(
                command, check=False, capture_output=True, text=True, env=env, timeout=1800
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {}, f"{python}: {exc}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {}, f"{python} failed ({done.returncode}): {last[:200]}"
    return json.loads(done.stdout.strip().splitlines()[-1]), ""


def measured(
    label: str, build: Callable[[], nn.Module], data: dict, epochs: int, device: torch.device
) -> float | str:
    """Jets/s of training ``build()`` on ``data``, or why it could not be measured (a model
    being written, or an uninstalled reference, is a row, not a crash)."""
    start = time.perf_counter()
    try:
        seconds = train_torch(build(), data, epochs, device)
    except (ImportError, AttributeError, TypeError, ValueError, RuntimeError) as exc:
        print(f"  {label}: not measured ({type(exc).__name__}: {exc})", file=sys.stderr)
        return f"not measured: {type(exc).__name__}: {str(exc)[:120]}"
    n = len(data["label"])
    print(
        f"  {label}: {rate(n, seconds):.0f} jets/s ({time.perf_counter() - start:.0f} s)",
        file=sys.stderr,
        flush=True,
    )
    return rate(n, seconds)


def cell(value: float | str) -> str:
    return f"{value:.0f}" if isinstance(value, float) else value


def ratio(a: float | str, b: float | str) -> str:
    return f"{a / b:.2f}" if isinstance(a, float) and isinstance(b, float) else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jets", type=int, default=4000, help="training jets per model")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs (after 1 warm-up)")
    parser.add_argument(
        "--energyflow-python", help="interpreter with energyflow and tensorflow (e.g. a venv's)"
    )
    parser.add_argument(
        "--particlenet-jets",
        type=int,
        default=400,
        help="training jets for the full ParticleNet (ours and weaver's; ~5-30 s a batch here)",
    )
    parser.add_argument("--pixels", type=int, nargs="+", default=[25, 50], help="CNN sizes")
    args = parser.parse_args()
    torch.set_num_threads(1)
    start = time.perf_counter()
    n, epochs = args.jets, args.epochs
    jets = synthetic_jets(n)

    print(f"EnergyFlow (subprocess: {args.energyflow_python or 'none'}) ...", file=sys.stderr)
    ef, ef_missing = energyflow_side(args.energyflow_python, jets, epochs)
    ef_rate = {
        name: rate(n, ef[name]) if ef else f"not measured: {ef_missing}" for name in ("pfn", "efn")
    }
    ef_label = (
        f"EnergyFlow {ef['versions']['energyflow']} (TF {ef['versions']['tensorflow']})"
        if ef
        else "EnergyFlow"
    )
    try:
        weaver_label = f"weaver-core {importlib.metadata.version('weaver-core')}"
    except importlib.metadata.PackageNotFoundError:
        weaver_label = "weaver-core (not installed)"

    devices = [torch.device("cpu")]
    if torch.cuda.is_available():
        devices.append(torch.device("cuda"))
    rows = []
    for device in devices:
        where = "CPU, 1 thread" if device.type == "cpu" else torch.cuda.get_device_name()
        print(f"{where}:", file=sys.stderr)

        on_cpu = device.type == "cpu"
        pfn = measured("pfn", partial(ours, "pfn", POINT_META), jets, epochs, device)
        efn = measured("efn", partial(ours, "efn", POINT_META), jets, epochs, device)
        rows.append(("PFN", where, n, pfn, ef_label, ef_rate["pfn"] if on_cpu else "CPU only"))
        rows.append(("EFN", where, n, efn, ef_label, ef_rate["efn"] if on_cpu else "CPU only"))
        for name, title in PARTICLENETS.items():
            m = min(n, args.particlenet_jets) if name == "particlenet" else n
            subset = {key: value[:m] for key, value in jets.items()}
            ours_pn = measured(name, partial(ours, name, POINT_META), subset, epochs, device)
            theirs = measured(
                f"{name} (weaver)", partial(weaver_like, name), subset, epochs, device
            )
            rows.append((title, where, m, ours_pn, weaver_label, theirs))
        for pixels in args.pixels:
            meta = {"pixels": pixels, "n_classes": 2}
            data = images(jets, pixels)
            cnn = measured(f"cnn {pixels} px", partial(ours, "cnn", meta), data, epochs, device)
            rows.append((f"CNN {pixels}x{pixels}", where, n, cnn, "our PFN (no reference)", pfn))

    print(
        f"Training throughput, {n} synthetic jets, batch {BATCH}, 1 warm-up + {epochs} timed "
        f"epochs; {os.cpu_count()} cores, torch.set_num_threads(1); Python "
        f"{platform.python_version()}, torch {torch.__version__}"
    )
    if not torch.cuda.is_available():
        print("No CUDA device (torch.cuda.is_available() is False): GPU not measured.")
    print()
    print(
        "| model | device | jets | ours (jets/s) | reference | reference (jets/s) "
        "| ours / reference |"
    )
    print("|---|---|---|---|---|---|---|")
    for title, where, jets_used, mine_rate, reference, theirs in rows:
        print(
            f"| {title} | {where} | {jets_used} | {cell(mine_rate)} | {reference} | {cell(theirs)} "
            f"| {ratio(mine_rate, theirs)} |"
        )
    print(f"\n{time.perf_counter() - start:.0f} s in all")


if __name__ == "__main__":
    main()
