"""One training job: a model and a method on the train split of its source masses, for one
zoom and seed."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np
import torch

from massgen.datasets import load_dataset, load_meta
from massgen.errors import ConfigError, InputFileError
from massgen.files import atomic_path, file_digest, write_json
from massgen.models import build_model
from massgen.training import methods
from massgen.training.loop import (
    Batch,
    TrainSettings,
    choose_device,
    deterministic,
    fit,
    keep_freed_memory,
)

log = logging.getLogger(__name__)


def concatenate(dirs: list[str]) -> dict[str, np.ndarray]:
    """The arrays of several dataset directories (one per source mass), joined.

    ``domain`` numbers the directories (source domains) in the given order.
    """
    parts = [load_dataset(d) for d in dirs]
    joined = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    joined["domain"] = np.concatenate([np.full(len(p["label"]), i) for i, p in enumerate(parts)])
    return joined


def common_meta(dirs: list[str]) -> dict:
    """The meta data shared by several datasets (all must have the same inputs)."""
    metas = [load_meta(d) for d in dirs]
    inputs = [{k: m[k] for k in m if k not in ("n_jets", "zoom")} for m in metas]
    for directory, other in zip(dirs[1:], inputs[1:], strict=True):
        if other != inputs[0]:
            raise InputFileError(f"{directory}: other inputs than {dirs[0]} ({other})")
    return inputs[0]


def jets_per_class(arrays: dict[str, np.ndarray], n: int, seed: int) -> dict[str, np.ndarray]:
    """``n`` jets of each class of ``arrays``, in dataset order: the first ``n`` of a
    permutation seeded by ``seed``, so that for one seed a smaller ``n`` takes a subset of
    a larger one's jets (a learning curve's points differ by their data, not their draw)."""
    rng = np.random.default_rng(seed)
    label = np.asarray(arrays["label"])
    keep = []
    for value in np.unique(label):
        rows = np.flatnonzero(label == value)
        if len(rows) < n:
            raise ConfigError(
                f"learning_curve.jets: {n} jets per class asked, the train split holds "
                f"{len(rows)} of class {value} (raise events, or lower the ladder)"
            )
        keep.append(rng.permutation(rows)[:n])
    rows = np.sort(np.concatenate(keep))
    return {name: values[rows] for name, values in arrays.items()}


def data_fingerprint(dirs: list[str]) -> str:
    """A digest of the datasets' contents (every file of each directory, in order): state
    saved by a killed job is reused only on the same data."""
    digest = hashlib.blake2b(digest_size=16)
    for directory in dirs:
        for path in sorted(Path(directory).iterdir()):
            digest.update(f"{path.name}:{file_digest(path)}".encode())
    return digest.hexdigest()


def train_job(
    model: dict,
    method: dict,
    train_dirs: list[str],
    val_dirs: list[str],
    out_dir: str,
    seed: int,
    loop: dict,
    threads: int = 1,
    train_jets: int | None = None,
) -> dict:
    """Train one tagger and write ``model.pt``, ``history.json`` and ``hparams.json``.

    ``model`` (name, target, hparams) and ``method`` (name, target, settings) are the
    registry entries the job uses with their settings (:func:`massgen.params.training`),
    ``loop`` the training loop's settings (learning_rate, batch_size, max_epochs,
    patience). With ``train_jets``, the job trains on that many jets per class of the
    train split (:func:`jets_per_class`; a learning-curve point). A killed job leaves
    ``checkpoint.pt`` (and ``meta.pt``) in ``out_dir``; rerunning with the same settings on
    the same data resumes from there.
    """
    torch.set_num_threads(threads)
    keep_freed_memory()
    device = choose_device()
    deterministic(device)
    settings = TrainSettings(**loop)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = common_meta(train_dirs + val_dirs)
    train_arrays, val_arrays = concatenate(train_dirs), concatenate(val_dirs)
    if train_jets is not None:
        train_arrays = jets_per_class(train_arrays, train_jets, seed)
    log.info(
        "%s %s: training on %d jets (%s), validating on %d, device %s",
        model["name"],
        method["name"],
        len(train_arrays["label"]),
        ", ".join(train_dirs),
        len(val_arrays["label"]),
        device,
    )
    fingerprint = {
        "model": model,
        "method": method,
        "data": data_fingerprint(train_dirs + val_dirs),
        **({} if train_jets is None else {"train_jets": train_jets}),
    }
    torch.manual_seed(seed)
    tagger = build_model(model["target"], meta, **model["hparams"]).to(device)
    context = methods.Context(settings.batch_size, seed, out / "meta.pt", fingerprint)
    train = Batch.from_arrays(train_arrays, device)
    plan = methods.prepare(method["target"], tagger, train, method["settings"], context)
    history = fit(
        tagger,
        plan.train,
        Batch.from_arrays(val_arrays, device),
        settings,
        seed,
        plan.objective,
        checkpoint=out / "checkpoint.pt",
        parameters=plan.parameters,
        fingerprint=fingerprint,
        method_state=plan.state,
        validation=plan.validation,
        early_stopping=plan.early_stopping,
    )
    with atomic_path(out / "model.pt") as tmp:
        torch.save(tagger.state_dict(), tmp)
    write_json(
        {
            "model": {**model, "dataset": meta},
            "method": method,
            "loop": loop,
            "seed": seed,
            "train": train_dirs,
            **({} if train_jets is None else {"train_jets": train_jets}),
            "val": val_dirs,
            "device": str(device),
        },
        out / "hparams.json",
    )
    write_json(history, out / "history.json")
    for state in ("checkpoint.pt", "meta.pt"):
        (out / state).unlink(missing_ok=True)
    return history
