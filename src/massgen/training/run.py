"""One training job: a method on the train split of its source masses, for one zoom and seed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from massgen.datasets import FEATURES, load_dataset
from massgen.files import atomic_path, write_json
from massgen.grid import METHODS
from massgen.models.pfn import PFN, build_model
from massgen.training.loop import (
    Batch,
    Objective,
    TrainSettings,
    choose_device,
    cross_entropy,
    deterministic,
    fit,
)
from massgen.training.meta import (
    FeatureCritic,
    FeatureCriticSettings,
    MetaRegSettings,
    critic_objective,
    feature_critic_train,
    glorot_init,
    make_regulariser,
    metareg_train,
    mldg_objective,
    regularised_objective,
    task_weight_names,
)
from massgen.training.methods import PENALTY_STRENGTH, penalised, planing_weights

log = logging.getLogger(__name__)


def concatenate(dirs: list[str]) -> dict[str, np.ndarray]:
    """The arrays of several dataset directories (one per source mass), joined.

    ``domain`` numbers the directories (source domains) in the given order.
    """
    parts = [load_dataset(d) for d in dirs]
    joined = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    joined["domain"] = np.concatenate([np.full(len(p["label"]), i) for i, p in enumerate(parts)])
    return joined


def prepare_method(
    method: str,
    model: nn.Module,
    train: Batch,
    settings: TrainSettings,
    options: dict,
    seed: int,
    meta_path: Path,
) -> Objective:
    """The objective of ``method``; meta-learners first meta-train their representation.

    The meta-trained state (model and regulariser or critic) is saved to ``meta_path``
    and reused when a killed job is rerun.
    """
    if method in ("baseline", "planing"):
        return cross_entropy
    if method in ("l1", "l2"):
        return penalised(method, options.get("penalty_strength", PENALTY_STRENGTH))
    if method == "mldg":
        return mldg_objective(**options.get("mldg", {}))
    if method == "metareg":
        cfg = MetaRegSettings(**options.get("metareg", {}))
        shapes = [p.shape for n, p in model.named_parameters() if n in task_weight_names(model)]

        def train_regulariser() -> nn.Module:
            regulariser = metareg_train(model, train, cfg, settings.batch_size, seed)
            reset_task_network(model, seed)  # MetaReg's final model: a fresh task network
            return regulariser

        meta = _load_or_meta_train(
            meta_path,
            model,
            train_regulariser,
            make_regulariser(cfg.regulariser, shapes).to(train.label.device),
        )
        return regularised_objective(meta.requires_grad_(False))
    if method == "feature_critic":
        cfg = FeatureCriticSettings(**options.get("feature_critic", {}))
        meta = _load_or_meta_train(
            meta_path,
            model,
            lambda: feature_critic_train(model, train, cfg, settings.batch_size, seed),
            FeatureCritic().to(train.label.device),
        )
        return critic_objective(meta.requires_grad_(False))
    raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")


def _load_or_meta_train(
    path: Path, model: nn.Module, meta_train: Callable[[], nn.Module], empty: nn.Module
) -> nn.Module:
    """The meta-representation (and the model after meta-training) from ``path`` if a
    previous run saved them, else from ``meta_train()``, saved for the next rerun."""
    if path.is_file():
        saved = torch.load(path, map_location="cpu", weights_only=False)
        model.load_state_dict(saved["model"])
        empty.load_state_dict(saved["meta"])
        return empty
    meta = meta_train()
    with atomic_path(path) as tmp:
        torch.save({"model": model.state_dict(), "meta": meta.state_dict()}, tmp)
    return meta


def reset_task_network(model: nn.Module, seed: int) -> None:
    """Give ``model`` a fresh Glorot-initialised task network F (MetaReg's final model)."""
    glorot_init(model.f, seed + 7919)


def train_job(
    method: str,
    train_dirs: list[str],
    val_dirs: list[str],
    out_dir: str,
    seed: int,
    settings: TrainSettings,
    options: dict | None = None,
    threads: int = 1,
) -> dict:
    """Train one tagger and write ``model.pt``, ``history.json`` and ``hparams.json``.

    ``options`` holds the method settings (penalty_strength, mldg, metareg,
    feature_critic). A killed job leaves ``checkpoint.pt`` (and ``meta.pt``) in
    ``out_dir``; rerunning resumes from there.
    """
    options = options or {}
    torch.set_num_threads(threads)
    device = choose_device()
    deterministic(device)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    train_arrays, val_arrays = concatenate(train_dirs), concatenate(val_dirs)
    weight = (
        planing_weights(train_arrays["jet_mass"], train_arrays["label"])
        if method == "planing"
        else None
    )
    log.info(
        "%s: training on %d jets (%s), validating on %d, device %s",
        method,
        len(train_arrays["label"]),
        ", ".join(train_dirs),
        len(val_arrays["label"]),
        device,
    )
    torch.manual_seed(seed)
    model = build_model(len(FEATURES)).to(device)
    train = Batch.from_arrays(train_arrays, device, weight)
    objective = prepare_method(method, model, train, settings, options, seed, out / "meta.pt")
    history = fit(
        model,
        train,
        Batch.from_arrays(val_arrays, device),
        settings,
        seed,
        objective,
        checkpoint=out / "checkpoint.pt",
    )
    with atomic_path(out / "model.pt") as tmp:
        torch.save(model.state_dict(), tmp)
    write_json(
        {
            "model": model.hparams,
            "method": method,
            "options": options,
            "seed": seed,
            "train": train_dirs,
            "val": val_dirs,
            "device": str(device),
        },
        out / "hparams.json",
    )
    write_json(history, out / "history.json")
    (out / "checkpoint.pt").unlink(missing_ok=True)
    return history


def load_model(model_dir: str | Path, device: torch.device | None = None) -> PFN:
    """Rebuild a trained PFN from its folder."""
    model_dir = Path(model_dir)
    hparams = json.loads((model_dir / "hparams.json").read_text())["model"]
    model = PFN(**hparams)
    model.load_state_dict(torch.load(model_dir / "model.pt", map_location=device or "cpu"))
    return model.to(device or "cpu").eval()
