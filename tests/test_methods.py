"""The training methods: planing, L1/L2, MLDG, MetaReg and Feature-Critic."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from massgen.models import head_weights
from massgen.registry import METHODS
from massgen.training import methods
from massgen.training.loop import Batch, cross_entropy
from massgen.training.methods.feature_critic import (
    FeatureCritic,
    FeatureCriticSettings,
    feature_critic_step,
    feature_critic_train,
)
from massgen.training.methods.metareg import MetaRegSettings, metareg_train
from massgen.training.methods.mldg import mldg_loss
from massgen.training.methods.penalty import penalised
from massgen.training.methods.planing import planing_weights

from .conftest import default_pfn, method_settings
from .devices import DEVICES

CPU = torch.device("cpu")


def toy(n: int = 120, n_domains: int = 3, seed: int = 0, device: torch.device = CPU) -> Batch:
    rng = np.random.default_rng(seed)
    mask = np.arange(12)[None] < rng.integers(3, 12, n)[:, None]
    label = rng.integers(0, 2, n)
    features = (rng.normal(size=(n, 12, 4)) + label[:, None, None] * 0.5) * mask[..., None]
    return Batch.from_arrays(
        {
            "features": features.astype(np.float32),
            "mask": mask,
            "label": label,
            "domain": np.arange(n) % n_domains,
        },
        device,
    )


def small_pfn(seed: int = 0):
    torch.manual_seed(seed)
    return default_pfn(phi_sizes=(16, 16, 32), f_sizes=(16, 16))


def test_planing_flattens_each_class():
    rng = np.random.default_rng(1)
    mass = np.concatenate([rng.normal(150, 20, 4000), rng.exponential(100, 4000) + 50])
    label = np.repeat([1, 0], 4000)
    bins = method_settings("planing")["bins"]
    w = planing_weights(mass, label, bins)
    assert w.mean() == pytest.approx(1.0)
    edges = np.linspace(mass.min(), mass.max() + 1e-9, bins + 1)
    for value in (0, 1):
        sel = label == value
        hist, _ = np.histogram(mass[sel], edges, weights=w[sel])
        filled = hist[np.histogram(mass[sel], edges)[0] > 0]
        assert np.allclose(filled, filled[0], rtol=1e-3)


def test_batch_weights_have_unit_mean_in_the_loss():
    data = toy()
    weights = torch.rand(len(data)) * 5
    weighted = Batch(data.features, data.mask, data.label, weights, data.domain)
    model = small_pfn()
    per_jet = torch.nn.functional.cross_entropy(
        model(data.features, data.mask), data.label, reduction="none"
    )
    expected = (weights / weights.mean() * per_jet).mean()
    assert cross_entropy(model, weighted).item() == pytest.approx(expected.item(), rel=1e-5)


@pytest.mark.parametrize(("kind", "power"), [("l1", 1), ("l2", 2)])
def test_penalty_in_loss_and_gradient(kind, power):
    data, model = toy(), small_pfn()
    strength = 0.1
    assert len(head_weights(model)) == 3
    plain, penal = cross_entropy(model, data), penalised(power, strength)(model, data)
    weights = [m.weight for m in model.head.modules() if isinstance(m, torch.nn.Linear)]
    assert (penal - plain).item() == pytest.approx(
        strength * sum(w.abs().pow(power).sum() for w in weights).item(), rel=1e-5
    )
    first_phi = model.encoder.phi[0].weight
    g_plain = torch.autograd.grad(plain, [weights[0], first_phi])
    g_penal = torch.autograd.grad(penalised(power, strength)(model, data), [weights[0], first_phi])
    expected = strength * (torch.sign(weights[0]) if power == 1 else 2 * weights[0])
    assert torch.allclose(g_penal[0] - g_plain[0], expected, atol=1e-6)
    assert torch.allclose(g_penal[1], g_plain[1])  # the per-particle network is not penalised


def test_mldg_gradient_matches_known_answer():
    """alpha = 0: plain multi-domain gradient; alpha > 0: adds -alpha*beta*H_tr grad L_te(theta')."""
    data, model = toy(), small_pfn().double()
    data.features = data.features.double()
    data.weight = data.weight.double()
    train, test = data.take(data.domain != 2), data.take(data.domain == 2)
    params = list(model.parameters())

    def grad_of(loss):
        return torch.cat([g.flatten() for g in torch.autograd.grad(loss, params)])

    plain = grad_of(cross_entropy(model, train) + cross_entropy(model, test))
    assert torch.allclose(grad_of(mldg_loss(model, train, test, 0.0, 1.0)), plain, atol=1e-6)

    alpha = 0.5
    mldg = grad_of(mldg_loss(model, train, test, alpha, 1.0))
    assert not torch.allclose(mldg, plain, atol=1e-4)
    # Independent check: theta' by hand, Hessian-vector product by finite differences.
    names = [n for n, _ in model.named_parameters()]
    g_tr = torch.autograd.grad(cross_entropy(model, train), params)
    shifted = {n: (p - alpha * g).detach() for n, p, g in zip(names, params, g_tr, strict=True)}
    v = [
        g.detach()
        for g in torch.autograd.grad(
            cross_entropy(model, test, {n: t.requires_grad_() for n, t in shifted.items()}),
            list(shifted.values()),
        )
    ]

    def grad_train_at(eps):
        moved = {
            n: (p + eps * vi).detach().requires_grad_()
            for n, p, vi in zip(names, params, v, strict=True)
        }
        return torch.cat(
            [
                g.flatten()
                for g in torch.autograd.grad(
                    cross_entropy(model, train, moved), list(moved.values())
                )
            ]
        )

    hv = (grad_train_at(1e-7) - grad_train_at(-1e-7)) / 2e-7
    expected = (
        torch.cat([g.flatten() for g in g_tr]) + torch.cat([x.flatten() for x in v]) - alpha * hv
    )
    assert torch.allclose(mldg, expected, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind", ["weighted_l1", "weighted_l2", "mlp"])
def test_metareg_regulariser_learns(kind, device):
    """Zero meta-iterations give the initial regulariser; three must change it."""
    data, model = toy(device=device), small_pfn().to(device)

    def regulariser_after(iterations):
        settings = MetaRegSettings(
            **method_settings(
                "metareg", iterations=iterations, beta=1e-2, k=1, l=2, regulariser=kind
            )
        )
        return metareg_train(copy.deepcopy(model), data, settings, batch_size=32, seed=0)

    before = torch.cat([p.flatten() for p in regulariser_after(0).parameters()])
    trained = regulariser_after(3)
    after = torch.cat([p.flatten() for p in trained.parameters()])
    assert not torch.allclose(before, after)
    assert not any(p.requires_grad for p in trained.parameters())


@pytest.mark.parametrize("device", DEVICES)
def test_feature_critic_gets_gradient_and_learns(device):
    data, model = toy(device=device), small_pfn().to(device)
    critic = FeatureCritic(32).to(device)
    _, meta_loss, grads = feature_critic_step(
        model, critic, data.take(data.domain != 0), data.take(data.domain == 0), gamma=0.5
    )
    assert torch.isfinite(meta_loss)
    assert any(g.abs().sum() > 0 for g in grads)
    before = [p.detach().clone() for p in model.parameters()]
    trained = feature_critic_train(
        model,
        data,
        FeatureCriticSettings(
            **method_settings("feature_critic", iterations=2, beta=1e-2, gamma=0.5)
        ),
        batch_size=32,
        seed=0,
    )
    assert not any(p.requires_grad for p in trained.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("method", ["metareg", "feature_critic"])
def test_meta_representation_is_saved_and_reused(method, tmp_path, device):
    """A rerun of a killed job reloads the meta-trained state instead of redoing it;
    a rerun with other settings meta-trains again."""
    data = toy(device=device)

    def prepared(model_seed: int, iterations: int = 2, data_digest: str = "a"):
        context = methods.Context(32, 0, tmp_path / "meta.pt", {"data": data_digest})
        torch.manual_seed(model_seed)
        model = default_pfn().to(device)
        settings = method_settings(method, iterations=iterations)
        plan = methods.prepare(METHODS[method], model, data, settings, context)
        return plan.objective(model, data).item(), torch.load(tmp_path / "meta.pt")["key"]

    first, key = prepared(0)
    assert (tmp_path / "meta.pt").is_file()
    # A different start: everything must come from meta.pt.
    assert prepared(1) == (pytest.approx(first, rel=1e-6), key)
    _, other_key = prepared(1, iterations=3)
    assert other_key != key
    assert other_key["settings"]["iterations"] == 3
    _, other_key = prepared(1, data_digest="b")  # other data (or model): meta-train again
    assert other_key["job"] == {"data": "b"}


@pytest.mark.parametrize("name", ["baseline", "planing", "l1", "l2", "mldg", "disco", "adversary"])
def test_registered_method_prepares_a_plan_that_trains(name, tmp_path):
    data = toy()
    data.jet_mass = torch.rand(len(data)) * 300
    model = small_pfn()
    context = methods.Context(32, 0, tmp_path / "meta.pt")
    plan = methods.prepare(METHODS[name], model, data, method_settings(name), context)
    plan.objective(model, plan.train).backward()
    assert all(p.grad is not None for p in plan.parameters)
    assert torch.equal(plan.train.weight, data.weight) == (name != "planing")
