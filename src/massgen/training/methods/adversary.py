"""An adversarial pivot (Louppe, Kagan & Cranmer, arXiv:1611.01046; seed 002): the tagger
f minimises E = L_f - lambda * L_r, where an adversary r, a mixture density network,
models the jet mass given f's class probabilities and L_r is its negative
log-likelihood. Where r cannot predict the mass, f's output does not depend on it.

As in the paper's Algorithm 1, every step of f follows ``steps`` steps of r (f frozen),
each on a fresh batch of r's jets drawn with the job's seed. r sees the QCD jets (config
``classes``: the labels it learns from; [0, 1] for a nuisance that shifts every class,
as in the paper's toy) and reads the mass standardised with their mean and spread. The
loop checkpoints r, its optimiser and its batch generator with the model. E compares
poorly from one epoch to the next (r changes with f), so as in the paper the pivot
trains every epoch of ``training.max_epochs`` and keeps the last. Config ``training.adversary``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional

from massgen.training.loop import Batch, weighted_cross_entropy
from massgen.training.methods import Context, Plan


@dataclass(frozen=True)
class AdversarySettings:
    """lambda (``strength``), Gaussian ``components`` and ``hidden`` layer widths of r,
    r's ``steps`` per step of f and its ``learning_rate``, the ``classes`` r sees."""

    strength: float
    components: int
    hidden: tuple[int, ...]
    steps: int
    learning_rate: float
    classes: tuple[int, ...]


class MixtureDensity(nn.Module):
    """r: class probabilities (n, K) -> a mixture of Gaussians in the standardised mass."""

    def __init__(self, n_inputs: int, hidden: tuple[int, ...], components: int) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = n_inputs
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(width, 3 * components)

    def nll(self, probs: torch.Tensor, z: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """Weighted mean negative log-likelihood of ``z`` under the mixture at ``probs``."""
        logit, mean, log_sigma = self.out(self.body(probs)).chunk(3, dim=1)
        log_sigma = log_sigma.clamp(-7.0, 7.0)
        log_gauss = (
            -0.5 * ((z[:, None] - mean) / log_sigma.exp()) ** 2
            - log_sigma
            - 0.5 * math.log(2 * math.pi)
        )
        log_like = torch.logsumexp(functional.log_softmax(logit, dim=1) + log_gauss, dim=1)
        return -(log_like * weight).sum() / weight.abs().sum()


class Pivot:
    """The objective E = L_f - lambda L_r and the adversary's state (checkpointed)."""

    def __init__(
        self, n_classes: int, settings: AdversarySettings, train: Batch, context: Context
    ) -> None:
        self.settings = settings
        seen = self._seen(train)
        if int(seen.sum()) < 2:
            raise ValueError(
                f"training.adversary.classes: {list(settings.classes)} selects "
                f"{int(seen.sum())} training jets (labels present: "
                f"{sorted(set(train.label.tolist()))})"
            )
        self.pool = train.take(seen)  # the jets r learns from
        mass = self.pool.jet_mass.double()
        self.centre, self.scale = float(mass.mean()), float(mass.std().clamp_min(1e-9))
        self.batch_size = context.batch_size
        self.generator = torch.Generator(device="cpu").manual_seed(context.seed)
        self.adversary = MixtureDensity(n_classes, settings.hidden, settings.components).to(
            train.label.device
        )
        self.optimiser = torch.optim.Adam(
            self.adversary.parameters(), lr=settings.learning_rate, amsgrad=True
        )

    def _seen(self, batch: Batch) -> torch.Tensor:
        return torch.isin(
            batch.label, torch.tensor(self.settings.classes, device=batch.label.device)
        )

    def _adversary_loss(self, probs: torch.Tensor, batch: Batch) -> torch.Tensor:
        z = ((batch.jet_mass - self.centre) / self.scale).to(probs.dtype)
        return self.adversary.nll(probs, z, batch.weight)

    def _adversary_step(self, model: nn.Module) -> None:
        """One step of r on a fresh batch of its jets, f frozen (Algorithm 1's inner loop)."""
        index = torch.randint(len(self.pool), (self.batch_size,), generator=self.generator)
        batch = self.pool.take(index.to(self.pool.label.device))
        with torch.no_grad():
            probs = torch.softmax(model(batch.features, batch.mask), dim=1)
        self.optimiser.zero_grad()
        self._adversary_loss(probs, batch).backward()
        self.optimiser.step()

    def __call__(self, model: nn.Module, batch: Batch) -> torch.Tensor:
        """L_f - lambda L_r on ``batch`` after ``steps`` steps of r."""
        for _ in range(self.settings.steps):
            self._adversary_step(model)
        logits = model(batch.features, batch.mask)
        loss = weighted_cross_entropy(logits, batch)
        seen = self._seen(batch)
        if int(seen.sum()) < 2:
            return loss
        probs = torch.softmax(logits[seen], dim=1)
        return loss - self.settings.strength * self._adversary_loss(probs, batch.take(seen))

    def state_dict(self) -> dict:
        return {
            "adversary": self.adversary.state_dict(),
            "optimiser": self.optimiser.state_dict(),
            "generator": self.generator.get_state(),
        }

    def load_state_dict(self, state: dict) -> None:
        self.adversary.load_state_dict(state["adversary"])
        self.optimiser.load_state_dict(state["optimiser"])
        self.generator.set_state(state["generator"])


def prepare(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """The pivot's objective, its adversary built from ``settings`` (config
    ``training.adversary``) for the model's number of classes."""
    if train.jet_mass is None:
        raise ValueError("adversary needs the jets' masses: the training data has no jet_mass")
    values = AdversarySettings(
        **{**settings, "hidden": tuple(settings["hidden"]), "classes": tuple(settings["classes"])}
    )
    was_training = model.training
    with torch.no_grad():
        n_classes = model.eval()(train.features[:2], train.mask[:2]).shape[1]
    model.train(was_training)
    pivot = Pivot(n_classes, values, train, context)
    return Plan(train, pivot, list(model.parameters()), state=pivot, early_stopping=False)
