"""Feature-Critic (Li et al., arXiv:1901.11448) on the encoder's latent space.

A critic h_phi (512, 128 hidden, ReLU, softplus output) on the latent vectors is
meta-trained by the improvement tanh(L_te(psi_new) - L_te(psi_old)) that its gradient
brings on held-out domains; then the model is fine-tuned with the critic frozen as an
auxiliary loss. Config ``training.feature_critic`` (paper Table I names, S = held_out;
selected in benchmarks/meta_hparams.md).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.func import functional_call
from torch.nn import functional

from massgen.training.loop import Batch, Objective, cross_entropy
from massgen.training.methods import Context, Plan
from massgen.training.methods.meta import DomainSampler, load_or_meta_train

log = logging.getLogger(__name__)
ENCODER = "encoder."  # parameter-name prefix of the encoder (the paper's F_psi)


@dataclass(frozen=True)
class FeatureCriticSettings:
    """Feature-Critic hyper-parameters: meta-steps, critic learning rate beta, inner
    learning rate gamma, model learning rate alpha, held-out domains per step (S)."""

    iterations: int
    beta: float
    gamma: float
    alpha: float
    held_out: int


class FeatureCritic(nn.Module):
    """h_phi: latent vectors (n, n_latent) -> softplus(MLP(512, 128)) averaged over jets."""

    def __init__(self, n_latent: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_latent, 512), nn.ReLU(), nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 1)
        )

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return functional.softplus(self.net(latent)).mean()


def latent(model: nn.Module, params: dict[str, torch.Tensor], batch: Batch) -> torch.Tensor:
    """The encoder's output for ``batch`` with the given (model-named) parameters."""
    encoder = {n.removeprefix("encoder."): p for n, p in params.items() if n.startswith(ENCODER)}
    return functional_call(model.encoder, encoder, (batch.features, batch.mask))


def feature_critic_step(
    model: nn.Module, critic: FeatureCritic, train: Batch, test: Batch, gamma: float
) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
    """One meta-train/meta-test pass: (loss + critic on train, meta-loss, critic gradients)."""
    params = dict(model.named_parameters())
    psi_names = [n for n in params if n.startswith(ENCODER)]
    loss_train = cross_entropy(model, train, params)
    grads = torch.autograd.grad(loss_train, [params[n] for n in psi_names], retain_graph=True)
    psi_old = {
        **params,
        **{n: (params[n] - gamma * g).detach() for n, g in zip(psi_names, grads, strict=True)},
    }
    aux = critic(latent(model, params, train))
    grads = torch.autograd.grad(aux, [params[n] for n in psi_names], create_graph=True)
    psi_new = {
        **psi_old,
        **{n: psi_old[n] - gamma * g for n, g in zip(psi_names, grads, strict=True)},
    }
    meta_loss = torch.tanh(
        cross_entropy(model, test, psi_new) - cross_entropy(model, test, psi_old)
    )
    critic_grads = torch.autograd.grad(meta_loss, list(critic.parameters()), retain_graph=True)
    return loss_train + aux, meta_loss, critic_grads


def feature_critic_train(
    model: nn.Module, data: Batch, settings: FeatureCriticSettings, batch_size: int, seed: int
) -> FeatureCritic:
    """Meta-train the critic together with the model (updated in place)."""
    torch.manual_seed(seed)
    sampler = DomainSampler(data, batch_size, seed)
    critic = FeatureCritic(model.latent_width).to(data.label.device)
    model_opt = torch.optim.Adam(model.parameters(), lr=settings.alpha, amsgrad=True)
    critic_opt = torch.optim.Adam(critic.parameters(), lr=settings.beta, amsgrad=True)
    for iteration in range(settings.iterations):
        order = torch.randperm(sampler.n_domains, generator=sampler.generator).tolist()
        test_domains, train_domains = order[: settings.held_out], order[settings.held_out :]
        total, meta_loss, critic_grads = feature_critic_step(
            model,
            critic,
            sampler.mixed(train_domains),
            sampler.mixed(test_domains),
            settings.gamma,
        )
        model_opt.zero_grad()
        total.backward(inputs=list(model.parameters()))
        model_opt.step()
        critic_opt.zero_grad()
        for p, g in zip(critic.parameters(), critic_grads, strict=True):
            p.grad = g
        critic_opt.step()
        if iteration % 100 == 0:
            log.info("Feature-Critic iteration %d: meta-loss %.4f", iteration, meta_loss.item())
    return critic.requires_grad_(False)


def critic_objective(critic: FeatureCritic) -> Objective:
    """Cross-entropy plus the frozen critic's auxiliary loss on the latent vectors."""

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        return cross_entropy(model, batch) + critic(model.encoder(batch.features, batch.mask))

    return objective


def prepare(model: nn.Module, train: Batch, settings: dict, context: Context) -> Plan:
    """Meta-train the critic with the model (or reload both), then fine-tune the model
    with the critic frozen."""
    cfg = FeatureCriticSettings(**settings)
    critic = load_or_meta_train(
        context,
        asdict(cfg),
        model,
        lambda: feature_critic_train(model, train, cfg, context.batch_size, context.seed),
        FeatureCritic(model.latent_width).to(train.label.device),
    )
    objective = critic_objective(critic.requires_grad_(False))
    return Plan(train, objective, list(model.parameters()))
