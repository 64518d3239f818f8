"""One training job: a method on the train split of its source masses, for one zoom and seed."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import torch

from massgen.datasets import FEATURES, load_dataset
from massgen.files import atomic_path, write_json
from massgen.models.pfn import PFN, build_model
from massgen.training.loop import Batch, TrainSettings, choose_device, fit

log = logging.getLogger(__name__)


def concatenate(dirs: list[str]) -> dict[str, np.ndarray]:
    """The arrays of several dataset directories (one per source mass), joined."""
    parts = [load_dataset(d) for d in dirs]
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def train_job(
    train_dirs: list[str],
    val_dirs: list[str],
    out_dir: str,
    seed: int,
    settings: TrainSettings,
    model_hparams: dict,
    threads: int = 1,
) -> dict:
    """Train a baseline PFN and write ``model.pt``, ``history.json`` and ``hparams.json``."""
    torch.set_num_threads(threads)
    device = choose_device()
    train_arrays, val_arrays = concatenate(train_dirs), concatenate(val_dirs)
    log.info(
        "training on %d jets (%s), validating on %d, device %s",
        len(train_arrays["label"]),
        ", ".join(train_dirs),
        len(val_arrays["label"]),
        device,
    )
    model = build_model(len(FEATURES), **model_hparams).to(device)
    history = fit(
        model,
        Batch.from_arrays(train_arrays, device),
        Batch.from_arrays(val_arrays, device),
        settings,
        seed,
    )
    out = Path(out_dir)
    with atomic_path(out / "model.pt") as tmp:
        torch.save(model.state_dict(), tmp)
    write_json(
        {
            "model": model.hparams,
            "seed": seed,
            "train": train_dirs,
            "val": val_dirs,
            "device": str(device),
        },
        out / "hparams.json",
    )
    write_json(history, out / "history.json")
    return history


def load_model(model_dir: str | Path, device: torch.device | None = None) -> PFN:
    """Rebuild a trained PFN from its folder."""
    model_dir = Path(model_dir)
    hparams = json.loads((model_dir / "hparams.json").read_text())["model"]
    model = PFN(**hparams)
    model.load_state_dict(torch.load(model_dir / "model.pt", map_location=device or "cpu"))
    return model.to(device or "cpu").eval()
