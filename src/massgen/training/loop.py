"""The training loop: cross-entropy, AMSGrad, mini-batches, early stopping.

Paper settings (Sec. II–IV): AMSGrad with learning rate 1e-3, batch size 200, at most
100 epochs, early stopping with patience 5 on the validation loss, restoring the
weights of the best epoch. Data are moved to the device once; batches are index
slices of device tensors, shuffled by a seeded generator.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainSettings:
    """Optimiser and stopping settings."""

    learning_rate: float = 1e-3
    batch_size: int = 200
    max_epochs: int = 100
    patience: int = 5


@dataclass
class Batch:
    """Tensors of a set of jets: features (n, p, f), mask (n, p), label (n,), weight (n,)."""

    features: torch.Tensor
    mask: torch.Tensor
    label: torch.Tensor
    weight: torch.Tensor

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, np.ndarray], device: torch.device, weight: np.ndarray | None = None
    ) -> Batch:
        """Copy numpy arrays to ``device`` once."""
        n = len(arrays["label"])
        w = np.ones(n, np.float32) if weight is None else np.asarray(weight, np.float32)
        return cls(
            features=torch.as_tensor(np.asarray(arrays["features"]), device=device),
            mask=torch.as_tensor(np.asarray(arrays["mask"]), device=device),
            label=torch.as_tensor(np.asarray(arrays["label"]), dtype=torch.long, device=device),
            weight=torch.as_tensor(w, device=device),
        )

    def __len__(self) -> int:
        return len(self.label)

    def take(self, index: torch.Tensor) -> Batch:
        return Batch(self.features[index], self.mask[index], self.label[index], self.weight[index])


Objective = Callable[[nn.Module, Batch], torch.Tensor]


def cross_entropy(model: nn.Module, batch: Batch) -> torch.Tensor:
    """Weighted mean cross-entropy of the 2-class logits."""
    loss = functional.cross_entropy(
        model(batch.features, batch.mask), batch.label, reduction="none"
    )
    return (loss * batch.weight).sum() / batch.weight.sum()


def choose_device() -> torch.device:
    """CUDA when present, CPU otherwise (decided at run time)."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@torch.no_grad()
def evaluate_loss(model: nn.Module, data: Batch, batch_size: int = 2000) -> float:
    """Mean unweighted cross-entropy over ``data``."""
    model.eval()
    total = 0.0
    for start in range(0, len(data), batch_size):
        part = data.take(
            torch.arange(start, min(start + batch_size, len(data)), device=data.label.device)
        )
        logits = model(part.features, part.mask)
        total += functional.cross_entropy(logits, part.label, reduction="sum").item()
    return total / max(len(data), 1)


def fit(
    model: nn.Module,
    train: Batch,
    val: Batch,
    settings: TrainSettings,
    seed: int,
    objective: Objective = cross_entropy,
) -> dict:
    """Train ``model`` in place; returns the history with the best epoch restored.

    ``objective(model, batch)`` gives the loss to minimise (cross-entropy by default;
    methods add penalties or weights there).
    """
    torch.manual_seed(seed)
    generator = torch.Generator(device="cpu").manual_seed(seed)
    optimiser = torch.optim.Adam(model.parameters(), lr=settings.learning_rate, amsgrad=True)
    best = {"loss": float("inf"), "epoch": -1, "state": copy.deepcopy(model.state_dict())}
    history: dict = {"settings": asdict(settings), "seed": seed, "epochs": []}
    for epoch in range(settings.max_epochs):
        start = time.perf_counter()
        model.train()
        order = torch.randperm(len(train), generator=generator).to(train.label.device)
        losses = []
        for first in range(0, len(train), settings.batch_size):
            loss = objective(model, train.take(order[first : first + settings.batch_size]))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
        val_loss = evaluate_loss(model, val)
        seconds = time.perf_counter() - start
        history["epochs"].append(
            {
                "epoch": epoch,
                "train_loss": float(np.mean(losses)),
                "val_loss": val_loss,
                "seconds": seconds,
            }
        )
        log.info(
            "epoch %d: train loss %.4f, val loss %.4f, %.0f jets/s",
            epoch,
            np.mean(losses),
            val_loss,
            len(train) / seconds,
        )
        if val_loss < best["loss"]:
            best = {"loss": val_loss, "epoch": epoch, "state": copy.deepcopy(model.state_dict())}
        elif epoch - best["epoch"] >= settings.patience:
            break
    model.load_state_dict(best["state"])
    history["best_epoch"] = best["epoch"]
    history["best_val_loss"] = best["loss"]
    return history
