"""The training loop: cross-entropy, AMSGrad, mini-batches, early stopping.

Paper settings (Sec. II–IV): AMSGrad with learning rate 1e-3, batch size 200, at most
100 epochs, early stopping with patience 5 on the validation loss, restoring the
weights of the best epoch. Data are moved to the device once; batches are index
slices of device tensors, shuffled by a seeded generator.
"""

from __future__ import annotations

import copy
import ctypes
import ctypes.util
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from torch import nn
from torch.func import functional_call
from torch.nn import functional

from massgen.files import atomic_path
from massgen.weights import class_normalised

log = logging.getLogger(__name__)

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's malloc.h


@dataclass(frozen=True)
class TrainSettings:
    """Optimiser and stopping settings (config ``training``: learning_rate or
    learning_rate_schedule, batch_size, max_epochs, patience; the defaults live in the
    config schema)."""

    learning_rate: float | None
    batch_size: int
    max_epochs: int
    patience: int
    learning_rate_schedule: list[list[float]] | None = None

    def __post_init__(self) -> None:
        if (self.learning_rate is None) == (self.learning_rate_schedule is None):
            raise ValueError("set one of learning_rate and learning_rate_schedule")

    def rate(self, epoch: float) -> float:
        """The learning rate at ``epoch`` (fractional: the share of the epoch's batches
        done), linear between the schedule's points."""
        if self.learning_rate_schedule is None:
            return self.learning_rate
        epochs, rates = zip(*self.learning_rate_schedule, strict=True)
        return float(np.interp(epoch, epochs, rates))


@dataclass
class Batch:
    """Tensors of a set of jets: the representation's input (point clouds: features
    (n, p, f) and the mask (n, p) of real constituents; images: features (n, pixels,
    pixels) and an all-true mask (n,)), label (n,), weight (n,), the index of each jet's
    source domain (n,) and, where known, the jet mass (n,) in GeV (an observer: methods
    such as planing read it, the network never sees it)."""

    features: torch.Tensor
    mask: torch.Tensor
    label: torch.Tensor
    weight: torch.Tensor
    domain: torch.Tensor
    jet_mass: torch.Tensor | None = None

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, np.ndarray], device: torch.device, weight: np.ndarray | None = None
    ) -> Batch:
        """Copy numpy arrays to ``device`` once (``domain`` defaults to 0 for every jet).

        ``weight`` (per jet) defaults to the arrays' event weights normalised to unit mean
        per class (1 for every jet of unweighted samples, or without event weights).
        """
        n = len(arrays["label"])
        if weight is None and "weight" in arrays:
            weight = class_normalised(np.asarray(arrays["weight"]), np.asarray(arrays["label"]))
        w = np.ones(n, np.float32) if weight is None else np.asarray(weight, np.float32)
        domain = np.asarray(arrays["domain"]) if "domain" in arrays else np.zeros(n, np.int64)
        jet_mass = arrays.get("jet_mass")
        mask = np.asarray(arrays["mask"]) if "mask" in arrays else np.ones(n, np.bool_)
        return cls(
            features=torch.as_tensor(np.asarray(arrays["features"]), device=device),
            mask=torch.as_tensor(mask, device=device),
            label=torch.as_tensor(np.asarray(arrays["label"]), dtype=torch.long, device=device),
            weight=torch.as_tensor(w, device=device),
            domain=torch.as_tensor(domain, dtype=torch.long, device=device),
            jet_mass=None if jet_mass is None else torch.as_tensor(jet_mass, device=device),
        )

    def __len__(self) -> int:
        return len(self.label)

    def take(self, index: torch.Tensor) -> Batch:
        """The jets at ``index`` (integer indices or a boolean mask)."""
        return Batch(
            self.features[index],
            self.mask[index],
            self.label[index],
            self.weight[index],
            self.domain[index],
            None if self.jet_mass is None else self.jet_mass[index],
        )


Objective = Callable[[nn.Module, Batch], torch.Tensor]


class MethodState(Protocol):
    """State a method changes while the loop runs (an adversary and its optimiser): the
    loop saves it in each checkpoint and restores it on resuming."""

    def state_dict(self) -> dict: ...

    def load_state_dict(self, state: dict) -> None: ...


def cross_entropy(
    model: nn.Module, batch: Batch, params: dict[str, torch.Tensor] | None = None
) -> torch.Tensor:
    """Weighted mean cross-entropy of the class logits.

    The weights are normalised by the sum of their magnitudes, so that a batch whose
    event weights (negative ones included) nearly cancel cannot blow the loss up; for
    positive weights this is their sum. With ``params`` the model is evaluated with
    those parameters instead of its own (``torch.func.functional_call``), as
    meta-learners do after an inner update.
    """
    inputs = (batch.features, batch.mask)
    logits = model(*inputs) if params is None else functional_call(model, params, inputs)
    return weighted_cross_entropy(logits, batch)


def weighted_cross_entropy(logits: torch.Tensor, batch: Batch) -> torch.Tensor:
    """The weighted mean cross-entropy of ``logits`` already computed for ``batch`` (see
    :func:`cross_entropy`): for methods that also use the outputs otherwise."""
    loss = functional.cross_entropy(logits, batch.label, reduction="none")
    return (loss * batch.weight).sum() / batch.weight.abs().sum()


def choose_device() -> torch.device:
    """CUDA when present, CPU otherwise (decided at run time)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def keep_freed_memory() -> None:
    """Let glibc's malloc keep freed memory for reuse instead of handing every large block
    back to the kernel. A convolution's activations (tens of MB per batch) are otherwise
    mapped and zero-filled anew at every step: on one core the two-jet CNN (batch 500, 25
    pixels) trained at 210 events/s, 390 with this, and the PFN (batch 200) 1.4x faster
    (same arithmetic, same weights: tests/test_pfn.py).
    glibc's own mallopt sets it; no library wraps it, and preloading another allocator
    would be a second program to ship. Elsewhere (no glibc) nothing changes."""
    path = ctypes.util.find_library("c")
    libc = ctypes.CDLL(path) if path else None
    if libc is None or not hasattr(libc, "mallopt"):
        return
    libc.mallopt(M_MMAP_THRESHOLD, 1 << 30)
    libc.mallopt(M_TRIM_THRESHOLD, (1 << 31) - 1)


def deterministic(device: torch.device) -> None:
    """Make a CUDA run reproducible (same seed, same weights), as a CPU run already is:
    deterministic kernels only, and the cuBLAS workspace they need (call before the
    first CUDA operation). On an H100 this cost 14-20 % of the training time. CUDA and
    CPU weights still differ by rounding."""
    if device.type == "cuda":
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        torch.use_deterministic_algorithms(True)


@torch.no_grad()
def validation_metrics(
    model: nn.Module, data: Batch, batch_size: int = 2000
) -> tuple[float, float]:
    """Mean unweighted cross-entropy over ``data``, and the fraction of jets whose
    larger output is their class (accuracy at a signal probability of 0.5)."""
    model.eval()
    total, correct = 0.0, 0
    for start in range(0, len(data), batch_size):
        part = data.take(
            torch.arange(start, min(start + batch_size, len(data)), device=data.label.device)
        )
        logits = model(part.features, part.mask)
        total += functional.cross_entropy(logits, part.label, reduction="sum").item()
        correct += int((logits.argmax(dim=1) == part.label).sum().item())
    n = max(len(data), 1)
    return total / n, correct / n


@torch.no_grad()
def mean_objective(
    objective: Objective, model: nn.Module, data: Batch, batch_size: int = 2000
) -> float:
    """``objective`` averaged over ``data`` in batches of ``batch_size`` jets (weighted by
    their sizes), the model in evaluation mode: a method's loss on the validation jets."""
    model.eval()
    total = 0.0
    for start in range(0, len(data), batch_size):
        index = torch.arange(start, min(start + batch_size, len(data)), device=data.label.device)
        total += objective(model, data.take(index)).item() * len(index)
    return total / max(len(data), 1)


def load_checkpoint(path: Path, key: dict) -> dict | None:
    """The state saved at ``path`` by a run with the same ``key``, else None.

    On the CPU: the RNG states must stay there; the weights and the optimiser's state
    are copied to the model's device by load_state_dict.
    """
    if not path.is_file():
        return None
    saved = torch.load(path, map_location="cpu", weights_only=False)
    if saved.get("key") != key:
        log.info("%s was written with other settings: training from the start", path)
        return None
    return saved


def save_checkpoint(path: Path, state: dict) -> None:
    """Write a training checkpoint atomically."""
    with atomic_path(path) as tmp:
        torch.save(state, tmp)


def fit(
    model: nn.Module,
    train: Batch,
    val: Batch,
    settings: TrainSettings,
    seed: int,
    objective: Objective = cross_entropy,
    checkpoint: Path | str | None = None,
    parameters: list[nn.Parameter] | None = None,
    fingerprint: object = None,
    method_state: MethodState | None = None,
    validation: Objective | None = None,
    early_stopping: bool = True,
) -> dict:
    """Train ``model`` in place; returns the history with the best epoch restored.

    ``objective(model, batch)`` gives the loss to minimise (cross-entropy by default;
    methods add penalties or weights there), ``parameters`` what the optimiser moves
    (all of the model's by default). With ``checkpoint``, the model, optimiser, RNG
    states, early-stopping state and history are saved after every epoch, and a later
    call with the same arguments resumes from the last saved epoch, reaching the same
    final weights as an uninterrupted run (on CUDA too, after ``deterministic``). A
    checkpoint whose ``fingerprint`` (everything else the run depends on, e.g. the
    method's settings) or loop settings differ from this call's is not resumed.
    ``method_state`` (what the objective changes as it runs) is checkpointed with them.
    Early stopping watches the validation cross-entropy, or with ``validation`` that
    objective's mean over the validation jets (``val_objective`` in the history): a
    method that trades accuracy for decorrelation keeps its best epoch by its own loss.
    Without ``early_stopping`` every epoch runs and the last one's weights are kept (for
    a min-max game, whose losses compare poorly from one epoch to the next).
    """
    torch.manual_seed(seed)
    generator = torch.Generator(device="cpu").manual_seed(seed)
    trained = list(model.parameters()) if parameters is None else parameters
    optimiser = torch.optim.Adam(trained, lr=settings.rate(0), amsgrad=True)
    best = {"loss": float("inf"), "epoch": -1, "state": copy.deepcopy(model.state_dict())}
    history: dict = {"settings": asdict(settings), "seed": seed, "epochs": []}
    first_epoch, stopped = 0, False
    key = {"settings": asdict(settings), "seed": seed, "fingerprint": fingerprint}
    saved = load_checkpoint(Path(checkpoint), key) if checkpoint is not None else None
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        generator.set_state(saved["generator"])
        torch.set_rng_state(saved["torch_rng"])
        best, history, stopped = saved["best"], saved["history"], saved["stopped"]
        if method_state is not None:
            method_state.load_state_dict(saved["method"])
        first_epoch = len(history["epochs"])
        log.info("resuming from %s after epoch %d", checkpoint, first_epoch - 1)
    for epoch in range(first_epoch, 0 if stopped else settings.max_epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(train), generator=generator).to(train.label.device)
        losses = []
        for first in range(0, len(train), settings.batch_size):
            for group in optimiser.param_groups:
                group["lr"] = settings.rate(epoch + first / len(train))
            loss = objective(model, train.take(order[first : first + settings.batch_size]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
        val_loss, val_accuracy = validation_metrics(model, val)
        watched = val_loss if validation is None else mean_objective(validation, model, val)
        seconds = time.perf_counter() - start
        history["epochs"].append(
            {
                "epoch": epoch,
                "train_loss": float(np.mean(losses)),
                "val_loss": val_loss,
                **({} if validation is None else {"val_objective": watched}),
                "val_accuracy": val_accuracy,
                "seconds": seconds,
            }
        )
        log.info(
            "epoch %d: train loss %.4f, val loss %.4f, val accuracy %.3f, %.0f jets/s",
            epoch,
            np.mean(losses),
            val_loss,
            val_accuracy,
            len(train) / seconds,
        )
        if watched < best["loss"] or not early_stopping:
            best = {"loss": watched, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
        stopped = early_stopping and epoch - best["epoch"] >= settings.patience
        if checkpoint is not None:
            save_checkpoint(
                Path(checkpoint),
                {
                    "key": key,
                    "model": model.state_dict(),
                    "optimiser": optimiser.state_dict(),
                    "generator": generator.get_state(),
                    "torch_rng": torch.get_rng_state(),
                    "best": best,
                    "history": history,
                    "stopped": stopped,
                    "method": None if method_state is None else method_state.state_dict(),
                },
            )
        if stopped:
            break
    model.load_state_dict(best["state"])
    history["best_epoch"] = best["epoch"]
    history["best_val_loss"] = best["loss"]
    return history
