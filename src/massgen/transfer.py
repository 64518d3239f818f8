"""Seed 001's transfer and meta-transfer learning (Secs. 4-5) for the two-jet CNN.

- **Pretraining** (Sec. 4): the network learns pure background against a pure mixture of
  source benchmarks (every benchmark but the searched one, the same share of each), on
  signal-region events of simulated samples kept apart from the search's events.
- **Meta-training** (Sec. 5): the pretrained filters and biases (Theta) are fixed for
  good; a scale per filter and input channel and a shift per filter (S, S-bar, Eqs. 4-5,
  :func:`massgen.models.cnn.with_scale_shift`) and the dense layers (theta, not
  re-initialised) learn over episodes. In an episode every source benchmark is a task
  once: base learning moves a temporary copy theta' for a few epochs (Eq. 6), one
  meta-update moves theta, S and S-bar by the gradient of the task's loss at theta'
  (Eq. 7), and the task's loss with the updated parameters is evaluated; each step on
  different events. The loss averaged over tasks decides early stopping.
- **Fine-tuning** (both): the feature extractor (with its scales and shifts) is frozen,
  the dense layers are re-initialised, and they learn the CWoLa task.

The meta-update is first order: the gradient with respect to theta' is applied to theta,
as the meta-transfer learning authors' own code does (its inner-loop gradients are not
differentiated again); the seed does not say otherwise.
"""

from __future__ import annotations

import copy
import logging
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional

from massgen import cwola
from massgen.datasets import load_meta
from massgen.errors import ConfigError
from massgen.event_pools import Pool, gather
from massgen.files import atomic_path, file_digest, write_json
from massgen.models import Tagger, build_model
from massgen.models.cnn import keras_init, with_scale_shift
from massgen.training.loop import (
    Batch,
    TrainSettings,
    choose_device,
    deterministic,
    fit,
    keep_freed_memory,
    load_checkpoint,
    save_checkpoint,
)
from massgen.training.run import data_fingerprint

log = logging.getLogger(__name__)

SIGNAL_REGION = cwola.REGIONS.index("signal_region")


class SourceData:
    """The signal-region events of the source samples: the simulated background and each
    source benchmark, their train and validation splits as one :class:`Pool` each,
    numbered one after another."""

    def __init__(self, samples: dict[str, list[str]], background: str) -> None:
        self.pools: dict[str, Pool] = {}
        offset = 0
        for name in [background, *(s for s in samples if s != background)]:
            pool = Pool(samples[name], offset)
            self.pools[name] = pool
            offset += len(pool)
        self.background = background
        self.signals = [name for name in self.pools if name != background]
        self.rows = {name: pool.rows(SIGNAL_REGION) for name, pool in self.pools.items()}
        self.meta = load_meta(samples[background][0])
        self.dirs = [d for name in self.pools for d in samples[name]]

    def choose(self, name: str, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` of sample ``name``'s signal-region events, without replacement."""
        rows = self.rows[name]
        if n > len(rows):
            raise ConfigError(
                f"{name}: {n} signal-region events wanted, its train and validation splits "
                f"hold {len(rows)} (config keys dark_showers.sources.events, "
                "dark_showers.pretraining, dark_showers.meta_training.events)"
            )
        return rng.choice(rows, size=n, replace=False)

    def batch(self, signal: np.ndarray, background: np.ndarray, device: torch.device) -> Batch:
        """Features and true class (0 background, 1 signal) of the events at ``signal``
        and ``background``, as tensors on ``device``."""
        rows = np.concatenate([background, signal])
        label = np.concatenate([np.zeros(len(background), np.int8), np.ones(len(signal), np.int8)])
        features = gather(self.pools, rows, "features")
        return Batch.from_arrays({"features": features, "label": label}, device)


def _split_fifth(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(training, validation) parts of drawn rows: the first fifth validates."""
    n_val = round(0.2 * len(rows))
    return rows[n_val:], rows[:n_val]


def pretrain(
    model: dict,
    loop: dict,
    samples: dict[str, list[str]],
    background: str,
    settings: dict,
    out_path: str,
    history_path: str,
    threads: int = 1,
) -> dict:
    """Sec. 4's pretraining: the two-jet CNN on pure background (sample ``background``)
    against the pure mixture of the other ``samples`` (name -> its train and validation
    datasets), ``settings`` being config ``dark_showers.pretraining``
    (events drawn, learning rate, patience, epochs, seed) and ``loop`` the search's
    training loop (its batch size). Writes the weights and the history."""
    torch.set_num_threads(threads)
    keep_freed_memory()
    device = choose_device()
    deterministic(device)
    data = SourceData(samples, background)
    seed = settings["seed"]
    rng = np.random.default_rng(seed)
    share = settings["signal"] // len(data.signals)
    signal = [data.choose(name, share, rng) for name in data.signals]
    drawn_background = data.choose(background, settings["background"], rng)
    parts = [_split_fifth(rows) for rows in signal]
    back_train, back_val = _split_fifth(drawn_background)
    sets = {
        "train": data.batch(np.concatenate([p[0] for p in parts]), back_train, device),
        "val": data.batch(np.concatenate([p[1] for p in parts]), back_val, device),
    }
    log.info(
        "pretraining on %d events (%d per source benchmark of %s; %d background), "
        "validating on %d, device %s",
        len(sets["train"]),
        share,
        ", ".join(data.signals),
        settings["background"],
        len(sets["val"]),
        device,
    )
    train_settings = TrainSettings(
        learning_rate=settings["learning_rate"],
        batch_size=loop["batch_size"],
        max_epochs=settings["max_epochs"],
        patience=settings["patience"],
    )
    torch.manual_seed(seed)
    tagger = build_model(model["target"], data.meta, **model["hparams"]).to(device)
    out = Path(out_path)
    history = fit(
        tagger,
        sets["train"],
        sets["val"],
        train_settings,
        seed,
        checkpoint=out.with_suffix(".checkpoint"),
        fingerprint={"model": model, "settings": settings, "data": data_fingerprint(data.dirs)},
    )
    history["sources"] = data.signals
    with atomic_path(out) as tmp:
        torch.save(tagger.state_dict(), tmp)
    write_json(history, history_path)
    out.with_suffix(".checkpoint").unlink(missing_ok=True)
    return history


def _latents(encoder: nn.Module, data: Batch, batch_size: int = 2000) -> torch.Tensor:
    """The (frozen) feature extractor's output for every event of ``data``."""
    encoder.eval()
    with torch.no_grad():
        return torch.cat(
            [
                encoder(data.features[i : i + batch_size], data.mask[i : i + batch_size])
                for i in range(0, len(data), batch_size)
            ]
        )


def _as_latent(data: Batch, latents: torch.Tensor) -> Batch:
    """``data`` with its features replaced by ``latents``."""
    return Batch(latents, data.mask, data.label, data.weight, data.domain, data.jet_mass)


class HeadOnly(nn.Module):
    """A tagger's dense layers on its feature extractor's precomputed outputs: the
    extractor is frozen during fine-tuning, so its outputs are computed once."""

    def __init__(self, head: nn.Module) -> None:
        super().__init__()
        self.head = head

    def forward(self, latents: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.head(latents)


def fine_tune(
    tagger: Tagger,
    train: Batch,
    val: Batch,
    settings: TrainSettings,
    seed: int,
    checkpoint: Path,
    fingerprint: object,
) -> dict:
    """Secs. 4-5's fine-tuning: ``tagger``'s feature extractor (pretrained, with any scales
    and shifts) frozen in evaluation mode (its batch normalisation keeps the pretrained
    statistics, as a frozen Keras layer does), its dense layers re-initialised (seeded by
    ``seed``) and trained on ``train``. The extractor's outputs are computed once: the
    same arithmetic as running it at every step, without the cost."""
    for parameter in tagger.encoder.parameters():
        parameter.requires_grad_(False)
    torch.manual_seed(seed)
    keras_init(tagger.head)
    head = HeadOnly(tagger.head)
    sets = [_as_latent(part, _latents(tagger.encoder, part)) for part in (train, val)]
    return fit(head, *sets, settings, seed, checkpoint=checkpoint, fingerprint=fingerprint)


def _weighted_loss(model: nn.Module, data: Batch, start: int, stop: int) -> torch.Tensor:
    """Cross-entropy of events ``start:stop`` of ``data``, summed over them."""
    logits = model(data.features[start:stop], data.mask[start:stop])
    return functional.cross_entropy(logits, data.label[start:stop], reduction="sum")


def _base_learning(
    head: nn.Module,
    latents: Batch,
    epochs: int,
    learning_rate: float,
    batch_size: int,
    generator: torch.Generator,
) -> nn.Module:
    """Eq. 6: a copy theta' of the dense layers trained for ``epochs`` on the task's
    base-learning events (the extractor's outputs, computed with the current S, S-bar)."""
    fast = HeadOnly(copy.deepcopy(head))
    optimiser = torch.optim.Adam(fast.parameters(), lr=learning_rate, amsgrad=True)
    for _ in range(epochs):
        order = torch.randperm(len(latents), generator=generator).to(latents.label.device)
        for first in range(0, len(latents), batch_size):
            part = latents.take(order[first : first + batch_size])
            loss = functional.cross_entropy(fast(part.features, part.mask), part.label)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return fast.head


def meta_gradients(tagger: Tagger, fast: nn.Module, update: Batch, batch_size: int) -> None:
    """Eq. 7's gradients, first order: the mean cross-entropy of the ``update`` events with
    the dense layers at theta' (``fast``) and the extractor's current scales and shifts,
    differentiated with respect to S, S-bar (through the extractor) and theta' (applied
    to ``tagger``'s dense layers theta). Left in the ``.grad`` of theta, S and S-bar for
    the meta-learner's step; base learning's last gradients on theta' are cleared first."""
    for parameter in [*tagger.parameters(), *fast.parameters()]:
        parameter.grad = None
    for first in range(0, len(update), batch_size):
        stop = first + batch_size
        logits = fast(tagger.encoder(update.features[first:stop], update.mask[first:stop]))
        loss = functional.cross_entropy(logits, update.label[first:stop], reduction="sum")
        (loss / len(update)).backward()
    for slow, quick in zip(tagger.head.parameters(), fast.parameters(), strict=True):
        slow.grad = quick.grad


def largest_departure(tagger: nn.Module) -> dict[str, float]:
    """How far meta-training moved the feature extractor: the largest |S - 1| over its
    scales and |S-bar| over its shifts (0 and 0 when it is the pretrained network)."""
    named = {k: p.detach() for k, p in tagger.encoder.named_parameters()}
    return {
        "scale": max(float((p - 1).abs().max()) for k, p in named.items() if k.endswith(".scale")),
        "shift": max(float(p.abs().max()) for k, p in named.items() if k.endswith(".shift")),
    }


def meta_train(
    model: dict,
    loop: dict,
    samples: dict[str, list[str]],
    background: str,
    settings: dict,
    pretrained: str,
    out_path: str,
    history_path: str,
    threads: int = 1,
) -> dict:
    """Sec. 5's meta-training of the pretrained two-jet CNN (weights ``pretrained``) on
    the tasks of the source benchmarks (``samples`` and ``background`` as for
    :func:`pretrain`); ``settings`` is config ``dark_showers.meta_training``. Writes the
    weights with the learned scales and shifts, and the history (per episode the loss
    averaged over tasks and each task's; the kept episode's :func:`largest_departure`)."""
    torch.set_num_threads(threads)
    keep_freed_memory()
    device = choose_device()
    deterministic(device)
    data = SourceData(samples, background)
    seed, n, batch_size = settings["seed"], settings["events"], loop["batch_size"]
    tagger = build_model(model["target"], data.meta, **model["hparams"]).to(device)
    tagger.load_state_dict(torch.load(pretrained, map_location=device, weights_only=True))
    scales = with_scale_shift(tagger)
    for parameter in tagger.encoder.parameters():
        parameter.requires_grad_(False)
    for parameter in scales:
        parameter.requires_grad_(True)
    tagger.encoder.eval()  # Theta fixed for good, batch normalisation's statistics too
    meta_parameters = [*tagger.head.parameters(), *scales]
    optimiser = torch.optim.Adam(meta_parameters, lr=settings["learning_rate"], amsgrad=True)
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    generator = torch.Generator(device="cpu").manual_seed(seed)
    history: dict = {"settings": settings, "seed": seed, "tasks": data.signals, "episodes": []}
    best = {"loss": float("inf"), "episode": -1, "state": copy.deepcopy(tagger.state_dict())}
    key = {
        "settings": settings,
        "model": model,
        "batch_size": batch_size,
        "data": data_fingerprint(data.dirs),
        "pretrained": file_digest(pretrained),
    }
    checkpoint = Path(out_path).with_suffix(".checkpoint")
    saved = load_checkpoint(checkpoint, key)
    if saved is not None:
        tagger.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        rng.bit_generator.state = saved["rng"]
        generator.set_state(saved["generator"])
        torch.set_rng_state(saved["torch_rng"])
        best, history = saved["best"], saved["history"]
        log.info("resuming from %s after episode %d", checkpoint, len(history["episodes"]) - 1)
    log.info(
        "meta-training on %d tasks (%s), %d signal and %d background events per step, device %s",
        len(data.signals),
        ", ".join(data.signals),
        n,
        n,
        device,
    )
    for episode in range(len(history["episodes"]), settings["max_episodes"]):
        if episode - best["episode"] > settings["patience"]:
            break
        task_losses = {}
        for task in data.signals:
            signal = data.choose(task, 3 * n, rng)
            back = data.choose(background, 3 * n, rng)
            steps = [data.batch(signal[k::3], back[k::3], device) for k in range(3)]
            base = _as_latent(steps[0], _latents(tagger.encoder, steps[0]))
            fast = _base_learning(
                tagger.head,
                base,
                settings["base_epochs"],
                settings["base_learning_rate"],
                batch_size,
                generator,
            )
            meta_gradients(tagger, fast, steps[1], batch_size)
            optimiser.step()
            with torch.no_grad():
                total = sum(
                    _weighted_loss(tagger, steps[2], i, i + 2000).item()
                    for i in range(0, len(steps[2]), 2000)
                )
            task_losses[task] = total / len(steps[2])
        mean = float(np.mean(list(task_losses.values())))
        history["episodes"].append({"episode": episode, "loss": mean, "tasks": task_losses})
        log.info(
            "episode %d: task loss %.4f averaged over %d tasks", episode, mean, len(task_losses)
        )
        if mean < best["loss"]:
            best = {"loss": mean, "episode": episode, "state": copy.deepcopy(tagger.state_dict())}
        save_checkpoint(
            checkpoint,
            {
                "key": key,
                "model": tagger.state_dict(),
                "optimiser": optimiser.state_dict(),
                "rng": rng.bit_generator.state,
                "generator": generator.get_state(),
                "torch_rng": torch.get_rng_state(),
                "best": best,
                "history": history,
            },
        )
    tagger.load_state_dict(best["state"])
    history["best_episode"], history["best_loss"] = best["episode"], best["loss"]
    history["largest_departure"] = largest_departure(tagger)
    with atomic_path(Path(out_path)) as tmp:
        torch.save(tagger.state_dict(), tmp)
    write_json(history, history_path)
    checkpoint.unlink(missing_ok=True)
    return history


def load_pretrained(
    model: dict, dataset_meta: dict, weights: str, scheme: str, device: torch.device
) -> Tagger:
    """The two-jet CNN of a transfer scheme with its pretrained (``transfer``) or
    meta-trained (``meta_transfer``: with scales and shifts) weights."""
    tagger = build_model(model["target"], dataset_meta, **model["hparams"]).to(device)
    if scheme == "meta_transfer":
        with_scale_shift(tagger)
    tagger.load_state_dict(torch.load(weights, map_location=device, weights_only=True))
    return tagger
