"""What the meta-learners (MLDG, MetaReg, Feature-Critic) share: differentiable inner
steps, per-domain mini-batches, fresh heads and the meta-trained state kept for reruns.

Inner updates evaluate the model with updated parameters through
``torch.func.functional_call`` (:func:`massgen.training.loop.cross_entropy` with
``params``), so meta-parameters see second-order terms and no model code is copied.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import fields

import torch
from torch import nn

from massgen.files import atomic_path
from massgen.training.loop import Batch
from massgen.training.methods import Context

log = logging.getLogger(__name__)


def sgd_step(
    params: dict[str, torch.Tensor],
    loss: torch.Tensor,
    lr: float,
    names: list[str],
    create_graph: bool,
) -> dict[str, torch.Tensor]:
    """params with ``names`` moved by -lr * gradient of ``loss`` (differentiable if asked)."""
    grads = torch.autograd.grad(loss, [params[n] for n in names], create_graph=create_graph)
    return {**params, **{n: params[n] - lr * g for n, g in zip(names, grads, strict=True)}}


class DomainSampler:
    """Random mini-batches of one source domain, drawn with a seeded generator."""

    def __init__(self, data: Batch, batch_size: int, seed: int) -> None:
        self.parts = [data.take(data.domain == d) for d in sorted(data.domain.unique().tolist())]
        self.batch_size = batch_size
        self.generator = torch.Generator().manual_seed(seed)

    @property
    def n_domains(self) -> int:
        return len(self.parts)

    def batch(self, domain: int) -> Batch:
        part = self.parts[domain]
        index = torch.randint(len(part), (self.batch_size,), generator=self.generator)
        return part.take(index.to(part.label.device))

    def pair(self) -> tuple[int, int]:
        """Two distinct domains (a, b), at random."""
        perm = torch.randperm(self.n_domains, generator=self.generator)
        return int(perm[0]), int(perm[1])

    def mixed(self, domains: list[int]) -> Batch:
        """One mini-batch from each of ``domains``, joined."""
        parts = [self.batch(d) for d in domains]
        joined = {
            f.name: None
            if getattr(parts[0], f.name) is None
            else torch.cat([getattr(p, f.name) for p in parts])
            for f in fields(Batch)
        }
        return Batch(**joined)


@torch.no_grad()
def glorot_init(network: nn.Module, seed: int) -> None:
    """Re-initialise ``network`` from ``seed``: Glorot-uniform weights and zero biases for
    each linear layer, drawn on the CPU and copied to the network's device (so that a
    CUDA run starts from the same weights as a CPU run); any other layer with parameters
    by its own ``reset_parameters`` under the seeded global generator."""
    generator = torch.Generator().manual_seed(seed)
    for layer in network.modules():
        if isinstance(layer, nn.Linear):
            weight = torch.empty(layer.weight.shape)
            layer.weight.copy_(nn.init.xavier_uniform_(weight, generator=generator))
            if layer.bias is not None:
                layer.bias.zero_()
        elif hasattr(layer, "reset_parameters") and any(layer.parameters(recurse=False)):
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed + 1)
                layer.reset_parameters()


def fresh_head(model: nn.Module, seed: int) -> dict[str, torch.Tensor]:
    """Parameters (by the model's names) of an independent, newly initialised head."""
    head = copy.deepcopy(model.head)
    glorot_init(head, seed)
    return {f"head.{n}": p.detach().clone().requires_grad_() for n, p in head.named_parameters()}


def prefixed(model: nn.Module, prefix: str) -> dict[str, nn.Parameter]:
    """The model's parameters whose names start with ``prefix`` (``encoder.``, ``head.``)."""
    return {n: p for n, p in model.named_parameters() if n.startswith(prefix)}


def load_or_meta_train(
    context: Context,
    settings: dict,
    model: nn.Module,
    meta_train: Callable[[], nn.Module],
    empty: nn.Module,
) -> nn.Module:
    """The meta-trained module (and the model after meta-training) from
    ``context.state_path`` if a killed run with the same key (the method's ``settings``,
    the batch size, the seed and the job's fingerprint: model, method, data) saved them,
    else from ``meta_train()``, saved with its key for a rerun. The training job deletes
    the file when it finishes."""
    path = context.state_path
    key = {
        "settings": settings,
        "batch_size": context.batch_size,
        "seed": context.seed,
        "job": context.fingerprint,
    }
    if path.is_file():
        saved = torch.load(path, map_location="cpu", weights_only=False)
        if saved.get("key") == key:
            model.load_state_dict(saved["model"])
            empty.load_state_dict(saved["meta"])
            return empty
        log.info("%s was meta-trained with other settings: meta-training again", path)
    meta = meta_train()
    with atomic_path(path) as tmp:
        torch.save({"key": key, "model": model.state_dict(), "meta": meta.state_dict()}, tmp)
    return meta
