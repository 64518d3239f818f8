"""Meta-learning for domain generalisation across source masses (paper Sec. II D).

The PFN splits into the feature extractor F_psi (``model.phi`` and the sum) and the
task network T_theta (``model.f``). Gradients through inner updates use
``torch.func.functional_call``, so the meta-parameters see second-order terms.

- MLDG (Li et al., arXiv:1710.03463): each batch is split into meta-train domains and
  one held-out domain; the loss is L_tr(theta) + beta L_te(theta - alpha grad L_tr).
  alpha = 1e-3 (the paper's learning rate), beta = 1 (the MLDG paper's default).
- MetaReg (Balaji et al., NeurIPS 2018): a regulariser R_phi on theta (weighted L1 or
  weighted L2, softplus output as in the paper) is meta-trained with per-domain task
  networks, k plain updates per domain, l regularised updates of a copied task network
  on domain a and the unregularised loss on domain b as meta-loss; then a new model
  with the trained feature extractor and a fresh task network is trained with R_phi
  frozen. The MLP regulariser is a small MLP shared by all weights (our choice).
- Feature-Critic (Li et al., arXiv:1901.11448): a critic h_phi (512, 128 hidden, ReLU,
  softplus output) on the latent features is meta-trained by the improvement tanh(L_te(
  psi_new) - L_te(psi_old)) its gradient brings on held-out domains; then the model is
  fine-tuned with the critic frozen as an auxiliary loss.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass

import torch
from torch import nn
from torch.func import functional_call
from torch.nn import functional

from massgen.training.loop import Batch, Objective, cross_entropy

log = logging.getLogger(__name__)


def loss_with(model: nn.Module, params: dict[str, torch.Tensor], batch: Batch) -> torch.Tensor:
    """Weighted cross-entropy of ``model`` evaluated with the parameters ``params``."""
    logits = functional_call(model, params, (batch.features, batch.mask))
    loss = functional.cross_entropy(logits, batch.label, reduction="none")
    return (loss * batch.weight).sum() / batch.weight.sum()


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


def mldg_objective(alpha: float = 1e-3, beta: float = 1.0) -> Objective:
    """MLDG loss on a mixed-domain batch: one domain held out per batch at random.

    The held-out domain is drawn from torch's global generator, which the training
    loop seeds and checkpoints.
    """

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        domains = batch.domain.unique()
        if len(domains) < 2:
            return cross_entropy(model, batch)
        held_out = domains[torch.randint(len(domains), (1,))]
        return mldg_loss(
            model,
            batch.take(batch.domain != held_out),
            batch.take(batch.domain == held_out),
            alpha,
            beta,
        )

    return objective


def mldg_loss(
    model: nn.Module, train: Batch, test: Batch, alpha: float, beta: float
) -> torch.Tensor:
    """L_tr(theta) + beta * L_te(theta - alpha * grad L_tr(theta)), second order."""
    params = dict(model.named_parameters())
    loss_train = loss_with(model, params, train)
    updated = sgd_step(params, loss_train, alpha, list(params), create_graph=True)
    return loss_train + beta * loss_with(model, updated, test)


class MLPRegulariser(nn.Module):
    """R_phi(theta) = softplus(sum_j MLP_phi(|theta_j|)): one small MLP (1 -> 16 -> 1, ReLU)
    shared by every weight of F. The paper names an MLP regulariser without its form;
    this per-weight form keeps phi small whatever the size of F."""

    def __init__(self, hidden: int = 16) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(1, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, weights: list[torch.Tensor]) -> torch.Tensor:
        magnitudes = torch.cat([w.abs().reshape(-1, 1) for w in weights])
        return functional.softplus(self.net(magnitudes).sum())


def make_regulariser(kind: str, shapes: list[torch.Size]) -> nn.Module:
    """MetaReg's regulariser: ``weighted_l1``, ``weighted_l2`` or ``mlp``."""
    if kind == "mlp":
        return MLPRegulariser()
    return WeightedRegulariser(shapes, power={"weighted_l1": 1, "weighted_l2": 2}[kind])


class WeightedRegulariser(nn.Module):
    """R_phi(theta) = softplus(sum_j phi_j |theta_j|^p), p = 1 or 2, over F's weights."""

    def __init__(self, shapes: list[torch.Size], power: int, init: float = 1e-3) -> None:
        super().__init__()
        self.power = power
        self.phi = nn.ParameterList([nn.Parameter(torch.full(s, init)) for s in shapes])

    def forward(self, weights: list[torch.Tensor]) -> torch.Tensor:
        total = sum(
            (p * w.abs().pow(self.power)).sum() for p, w in zip(self.phi, weights, strict=True)
        )
        return functional.softplus(total)


class FeatureCritic(nn.Module):
    """h_phi: latent features (n, 256) -> softplus(MLP(512, 128)) averaged over jets."""

    def __init__(self, n_latent: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(n_latent, 512), nn.ReLU(), nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 1)
        )

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return functional.softplus(self.net(latent)).mean()


def task_weight_names(model: nn.Module) -> list[str]:
    """Parameter names of the weight matrices of the task network F."""
    return [n for n, p in model.named_parameters() if n.startswith("f.") and p.dim() == 2]


@torch.no_grad()
def glorot_init(network: nn.Module, seed: int) -> None:
    """Glorot-uniform weights and zero biases for each linear layer of ``network``, drawn
    on the CPU from ``seed`` and copied to the network's device, so that a CUDA run
    starts from the same weights as a CPU run."""
    generator = torch.Generator().manual_seed(seed)
    for layer in network.modules():
        if isinstance(layer, nn.Linear):
            weight = torch.empty(layer.weight.shape)
            layer.weight.copy_(nn.init.xavier_uniform_(weight, generator=generator))
            layer.bias.zero_()


def fresh_task(model: nn.Module, seed: int) -> dict[str, torch.Tensor]:
    """Parameters of an independent, newly initialised task network (Glorot, zero bias)."""
    task = copy.deepcopy(model.f)
    glorot_init(task, seed)
    return {f"f.{n}": p.detach().clone().requires_grad_() for n, p in task.named_parameters()}


@dataclass(frozen=True)
class MetaRegSettings:
    """MetaReg hyper-parameters (paper Table I names)."""

    iterations: int = 1000
    beta: float = 1e-4
    regulariser: str = "weighted_l1"
    k: int = 4
    l: int = 1
    alpha: float = 1e-3


def metareg_train(
    model: nn.Module, data: Batch, settings: MetaRegSettings, batch_size: int, seed: int
) -> nn.Module:
    """Meta-train the regulariser; ``model.phi`` ends as the shared feature extractor."""
    torch.manual_seed(seed)
    sampler = DomainSampler(data, batch_size, seed)
    names = task_weight_names(model)
    task_names = [n for n, _ in model.named_parameters() if n.startswith("f.")]
    tasks = [fresh_task(model, seed + i) for i in range(sampler.n_domains)]
    regulariser = make_regulariser(
        settings.regulariser, [dict(model.named_parameters())[n].shape for n in names]
    ).to(data.label.device)
    psi = [p for n, p in model.named_parameters() if n.startswith("phi.")]
    base_opt = torch.optim.Adam(
        psi + [p for t in tasks for p in t.values()], lr=settings.alpha, amsgrad=True
    )
    meta_opt = torch.optim.Adam(regulariser.parameters(), lr=settings.beta, amsgrad=True)
    for iteration in range(settings.iterations):
        for domain, task in enumerate(tasks):
            for _ in range(settings.k):
                params = {**dict(model.named_parameters()), **task}
                loss = loss_with(model, params, sampler.batch(domain))
                base_opt.zero_grad()
                loss.backward()
                base_opt.step()
        a, b = sampler.pair()
        params = {
            **{n: p.detach() for n, p in model.named_parameters()},
            **{n: p.detach().clone().requires_grad_() for n, p in tasks[a].items()},
        }
        for _ in range(settings.l):
            loss = loss_with(model, params, sampler.batch(a)) + regulariser(
                [params[n] for n in names]
            )
            params = sgd_step(params, loss, settings.alpha, task_names, create_graph=True)
        meta_loss = loss_with(model, params, sampler.batch(b))
        meta_opt.zero_grad()
        meta_loss.backward(inputs=list(regulariser.parameters()))
        meta_opt.step()
        if iteration % 100 == 0:
            log.info("MetaReg iteration %d: meta-loss %.4f", iteration, meta_loss.item())
    return regulariser.requires_grad_(False)


def regularised_objective(regulariser: nn.Module) -> Objective:
    """Cross-entropy plus the frozen learned regulariser on F's weights."""

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        weights = [m.weight for m in model.f.modules() if isinstance(m, nn.Linear)]
        return cross_entropy(model, batch) + regulariser(weights)

    return objective


@dataclass(frozen=True)
class FeatureCriticSettings:
    """Feature-Critic hyper-parameters (paper Table I names; S = held-out domains)."""

    iterations: int = 1000
    beta: float = 1e-2
    gamma: float = 1e-3
    alpha: float = 1e-3
    held_out: int = 1


def _mixed_batch(sampler: DomainSampler, domains: list[int]) -> Batch:
    parts = [sampler.batch(d) for d in domains]
    return Batch(
        *(
            torch.cat([getattr(p, f) for p in parts])
            for f in ("features", "mask", "label", "weight", "domain")
        )
    )


def feature_critic_step(
    model: nn.Module, critic: FeatureCritic, train: Batch, test: Batch, gamma: float
) -> tuple[torch.Tensor, torch.Tensor, list[torch.Tensor]]:
    """One meta-train/meta-test pass: (loss + critic on train, meta-loss, critic gradients)."""
    params = dict(model.named_parameters())
    psi_names = [n for n in params if n.startswith("phi.")]
    loss_train = loss_with(model, params, train)
    grads = torch.autograd.grad(loss_train, [params[n] for n in psi_names], retain_graph=True)
    psi_old = {
        **params,
        **{n: (params[n] - gamma * g).detach() for n, g in zip(psi_names, grads, strict=True)},
    }
    aux = critic(_latent(model, params, train))
    grads = torch.autograd.grad(aux, [params[n] for n in psi_names], create_graph=True)
    psi_new = {
        **psi_old,
        **{n: psi_old[n] - gamma * g for n, g in zip(psi_names, grads, strict=True)},
    }
    meta_loss = torch.tanh(loss_with(model, psi_new, test) - loss_with(model, psi_old, test))
    critic_grads = torch.autograd.grad(meta_loss, list(critic.parameters()), retain_graph=True)
    return loss_train + aux, meta_loss, critic_grads


def _latent(model: nn.Module, params: dict[str, torch.Tensor], batch: Batch) -> torch.Tensor:
    """F_psi(x) with the given parameters."""
    phi = {n[len("phi.") :]: p for n, p in params.items() if n.startswith("phi.")}
    jet_of = batch.mask.nonzero(as_tuple=True)[0]
    per_particle = functional_call(model.phi, phi, (batch.features[batch.mask],))
    return per_particle.new_zeros(len(batch), per_particle.shape[1]).index_add(
        0, jet_of, per_particle
    )


def feature_critic_train(
    model: nn.Module,
    data: Batch,
    settings: FeatureCriticSettings,
    batch_size: int,
    seed: int,
    n_latent: int = 256,
) -> FeatureCritic:
    """Meta-train the critic together with the model (updated in place)."""
    torch.manual_seed(seed)
    sampler = DomainSampler(data, batch_size, seed)
    critic = FeatureCritic(n_latent).to(data.label.device)
    model_opt = torch.optim.Adam(model.parameters(), lr=settings.alpha, amsgrad=True)
    critic_opt = torch.optim.Adam(critic.parameters(), lr=settings.beta, amsgrad=True)
    for iteration in range(settings.iterations):
        order = torch.randperm(sampler.n_domains, generator=sampler.generator).tolist()
        test_domains, train_domains = order[: settings.held_out], order[settings.held_out :]
        total, meta_loss, critic_grads = feature_critic_step(
            model,
            critic,
            _mixed_batch(sampler, train_domains),
            _mixed_batch(sampler, test_domains),
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
    """Cross-entropy plus the frozen critic's auxiliary loss on the latent features."""

    def objective(model: nn.Module, batch: Batch) -> torch.Tensor:
        return cross_entropy(model, batch) + critic(model.latent(batch.features, batch.mask))

    return objective
