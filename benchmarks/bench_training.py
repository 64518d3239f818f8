"""PFN training throughput against a plain torch reference, and preprocessing memory.

Training: our loop (device-resident tensors, index-sliced batches, AMSGrad) against a
plain PyTorch loop over a DataLoader(TensorDataset) with an equivalent PFN written from
scratch, same data, batch size, optimiser and thread count. Target: ours >= 1.0x.
Preprocessing: peak traced memory (tracemalloc) of point_clouds + zoom for 10^5 jets
taken from the default study's selected QCD jets (replicated if fewer).

Run by hand after the default study: ``.venv/bin/python benchmarks/bench_training.py``.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import awkward as ak
import numpy as np
import torch
from torch import nn

from massgen.config import defaults
from massgen.files import read_parquet
from massgen.models.pfn import PFN
from massgen.params import LOOP_KEYS
from massgen.preprocess import point_clouds
from massgen.training.loop import Batch, TrainSettings, fit

SELECTED = "results/default/jets/qcd/selected"


class PlainPFN(nn.Module):
    """The same network without our helpers: Phi, masked sum, F."""

    def __init__(self) -> None:
        super().__init__()
        self.phi = nn.Sequential(
            nn.Linear(4, 100),
            nn.ReLU(),
            nn.Linear(100, 100),
            nn.ReLU(),
            nn.Linear(100, 256),
            nn.ReLU(),
        )
        self.f = nn.Sequential(
            nn.Linear(256, 100),
            nn.ReLU(),
            nn.Linear(100, 100),
            nn.ReLU(),
            nn.Linear(100, 100),
            nn.ReLU(),
            nn.Linear(100, 2),
        )

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.f((self.phi(x) * mask.unsqueeze(-1)).sum(1))


def plain_loop(arrays: dict, epochs: int) -> float:
    """Seconds for ``epochs`` epochs of a textbook DataLoader training loop."""
    torch.manual_seed(0)
    model = PlainPFN()
    data = torch.utils.data.TensorDataset(
        torch.as_tensor(arrays["features"]),
        torch.as_tensor(arrays["mask"]).float(),
        torch.as_tensor(arrays["label"]).long(),
    )
    loader = torch.utils.data.DataLoader(data, batch_size=200, shuffle=True)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, amsgrad=True)
    start = time.perf_counter()
    for _ in range(epochs):
        for x, m, y in loader:
            loss = nn.functional.cross_entropy(model(x, m), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return time.perf_counter() - start


def ours(arrays: dict, epochs: int) -> float:
    """Seconds for ``epochs`` epochs of massgen's loop (validation pass excluded)."""
    cpu = torch.device("cpu")
    train = Batch.from_arrays(arrays, cpu)
    tiny_val = Batch.from_arrays({k: v[:1] for k, v in arrays.items()}, cpu)
    cfg = defaults()
    loop = {key: cfg["training"][key] for key in LOOP_KEYS}
    settings = TrainSettings(**{**loop, "max_epochs": epochs, "patience": epochs})
    history = fit(PFN(4, 2, **cfg["models"]["pfn"]), train, tiny_val, settings, seed=0)
    return sum(e["seconds"] for e in history["epochs"])


def toy_arrays(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    mask = np.arange(100)[None] < rng.integers(20, 100, n)[:, None]
    return {
        "features": (rng.normal(size=(n, 100, 4)) * mask[..., None]).astype(np.float32),
        "mask": mask,
        "label": rng.integers(0, 2, n),
    }


def preprocessing_memory(n_jets: int = 100_000) -> None:
    jets = ak.concatenate([read_parquet(p) for p in sorted(Path(SELECTED).glob("chunk*.parquet"))])
    jets = ak.concatenate([jets] * int(np.ceil(n_jets / len(jets))))[:n_jets]
    tracemalloc.start()
    start = time.perf_counter()
    features, _ = point_clouds(jets.constituents, ak.to_numpy(jets.jet_pt), 100, zoom=True)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"preprocessing {n_jets} jets (zoom): {seconds:.1f} s, {n_jets / seconds:.0f} jets/s, "
        f"peak traced memory {peak / 2**20:.0f} MiB (output {features.nbytes / 2**20:.0f} MiB)"
    )


def main(n: int = 4000, epochs: int = 3) -> None:
    torch.set_num_threads(1)
    arrays = toy_arrays(n)
    t_plain = min(plain_loop(arrays, epochs) for _ in range(2))
    t_ours = min(ours(arrays, epochs) for _ in range(2))
    print(f"PFN training, {n} jets x {epochs} epochs, 1 thread, batch 200")
    print(f"  ours  {n * epochs / t_ours:7.0f} jets/s")
    print(f"  plain {n * epochs / t_plain:7.0f} jets/s   ratio ours/plain {t_plain / t_ours:.3f}")
    preprocessing_memory()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
