"""MetaReg (Balaji et al., NeurIPS 2018) on the head's weights.

A regulariser R_phi on the head's weights theta (weighted L1 or weighted L2, softplus
output as in the paper, or a small MLP) is meta-trained with one head per source
domain: k plain updates per domain, l regularised updates of a copied head on domain a,
and the unregularised loss on domain b as meta-loss. Then a fresh head on the trained
encoder is trained with R_phi frozen. Config ``training.metareg`` (paper Table I names;
selected in benchmarks/meta_hparams.md).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional

from massgen.models import head_weights
from massgen.training.loop import Batch, Objective, cross_entropy
from massgen.training.methods import Context, Plan
from massgen.training.methods.meta import (
    DomainSampler,
    fresh_head,
    glorot_init,
    load_or_meta_train,
    prefixed,
    sgd_step,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MetaRegSettings:
    """MetaReg hyper-parameters: meta-steps, meta learning rate beta, regulariser form,
    k plain and l regularised inner updates, inner learning rate alpha."""

    iterations: int
    beta: float
    regulariser: str
    k: int
    l: int
    alpha: float


class MLPRegulariser(nn.Module):
    """R_phi(theta) = softplus(sum_j MLP_phi(|theta_j|)): one small MLP (1 -> 16 -> 1, ReLU)
    shared by every weight of the head. The paper names an MLP regulariser without its
    form; this per-weight form keeps phi small whatever the size of the head."""

    def __init__(self, hidden: int = 16) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(1, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, weights: list[torch.Tensor]) -> torch.Tensor:
        magnitudes = torch.cat([w.abs().reshape(-1, 1) for w in weights])
        return functional.softplus(self.net(magnitudes).sum())


class WeightedRegulariser(nn.Module):
    """R_phi(theta) = softplus(sum_j phi_j |theta_j|^p), p = 1 or 2, over the head's weights."""

    def __init__(self, shapes: list[torch.Size], power: int, init: float = 1e-3) -> None:
        super().__init__()
        self.power = power
        self.phi = nn.ParameterList([nn.Parameter(torch.full(s, init)) for s in shapes])

    def forward(self, weights: list[torch.Tensor]) -> torch.Tensor:
        total = sum(
            (p * w.abs().pow(self.power)).sum() for p, w in zip(self.phi, weights, strict=True)
        )
        return functional.softplus(total)


def make_regulariser(kind: str, shapes: list[torch.Size]) -> nn.Module:
    """MetaReg's regulariser: ``weighted_l1``, ``weighted_l2`` or ``mlp``."""
    if kind == "mlp":
        return MLPRegulariser()
    return WeightedRegulariser(shapes, power={"weighted_l1": 1, "weighted_l2": 2}[kind])


def metareg_train(
    model: nn.Module, data: Batch, settings: MetaRegSettings, batch_size: int, seed: int
) -> nn.Module:
    """Meta-train the regulariser; the model's encoder ends as the shared one."""
    torch.manual_seed(seed)
    sampler = DomainSampler(data, batch_size, seed)
    names = list(head_weights(model))
    head_names = list(prefixed(model, "head."))
    heads = [fresh_head(model, seed + i) for i in range(sampler.n_domains)]
    regulariser = make_regulariser(
        settings.regulariser, [p.shape for p in head_weights(model).values()]
    ).to(data.label.device)
    encoder = list(prefixed(model, "encoder.").values())
    base_opt = torch.optim.Adam(
        encoder + [p for h in heads for p in h.values()], lr=settings.alpha, amsgrad=True
    )
    meta_opt = torch.optim.Adam(regulariser.parameters(), lr=settings.beta, amsgrad=True)
    for iteration in range(settings.iterations):
        for domain, head in enumerate(heads):
            for _ in range(settings.k):
                params = {**dict(model.named_parameters()), **head}
                loss = cross_entropy(model, sampler.batch(domain), params)
                base_opt.zero_grad()
                loss.backward()
                base_opt.step()
        a, b = sampler.pair()
        params = {
            **{n: p.detach() for n, p in model.named_parameters()},
            **{n: p.detach().clone().requires_grad_() for n, p in heads[a].items()},
        }
        for _ in range(settings.l):
            loss = cross_entropy(model, sampler.batch(a), params) + regulariser(
                [params[n] for n in names]
            )
            params = sgd_step(params, loss, settings.alpha, head_names, create_graph=True)
        meta_loss = cross_entropy(model, sampler.batch(b), params)
        meta_opt.zero_grad()
        meta_loss.backward(inputs=list(regulariser.parameters()))
        meta_opt.step()
        if iteration % 100 == 0:
            log.info("MetaReg iteration %d: meta-loss %.4f", iteration, meta_loss.item())
    return regulariser.requires_grad_(False)


def regularised_objective(regulariser: nn.Module) -> Objective:
    """Cross-entropy plus the frozen learned regulariser on the head's weights."""

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        return cross_entropy(model, batch) + regulariser(list(head_weights(model).values()))

    return objective


def prepare(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """Meta-train the regulariser (or reload it), give the model a fresh head (MetaReg's
    final model), and train with the regulariser frozen."""
    cfg = MetaRegSettings(**settings)
    shapes = [p.shape for p in head_weights(model).values()]

    def train_regulariser() -> nn.Module:
        regulariser = metareg_train(model, train, cfg, context.batch_size, context.seed)
        glorot_init(model.head, context.seed + 7919)
        return regulariser

    regulariser = load_or_meta_train(
        context,
        asdict(cfg),
        model,
        train_regulariser,
        make_regulariser(cfg.regulariser, shapes).to(train.label.device),
    )
    objective = regularised_objective(regulariser.requires_grad_(False))
    return Plan(train, objective, list(model.parameters()))
