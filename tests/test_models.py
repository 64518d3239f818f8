"""Every registered tagger: built from the config's defaults, symmetric where its physics
says so (permutations, padding, infrared and collinear safety), and able to learn."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest
import torch

from massgen.config import defaults
from massgen.evaluation.metrics import predict
from massgen.evaluation.roc import roc_auc
from massgen.models import build_model, head_weights
from massgen.models.cnn import ProductHead, with_scale_shift
from massgen.preprocess import pixelate
from massgen.registry import METHODS, MODELS
from massgen.representations import tree as tree_representation
from massgen.representations.point_cloud import FEATURES
from massgen.training import methods
from massgen.training.loop import Batch, fit

from .conftest import train_settings

POINT_CLOUD = {"representation": "point_cloud", "features": FEATURES, "n_classes": 2}
IMAGE = {"representation": "image", "pixels": 25, "n_classes": 2}
DIJET_IMAGE = {"representation": "dijet_image", "jets": 2, "pixels": 25, "n_classes": 2}
TREE = {"representation": "tree_kt", "features": tree_representation.FEATURES, "n_classes": 2}
CLOUD_MODELS = [m for m, entry in MODELS.items() if entry.representation == "point_cloud"]
ORDERED = {"fcn"}  # reads the hardest particles in pT order
# The recursive networks share their code across tree orders: the generic tests take the
# kt trees (simple and gated) and the pT chain; every order has its own tests
# (tests/test_trees.py, tests/test_recnn.py).
GENERIC = [
    m
    for m in MODELS
    if not m.startswith("recnn") or m in ("recnn_kt", "recnn_gated_kt", "recnn_desc_pt")
]
CPU = torch.device("cpu")
CNN_SETTINGS = defaults()["models"]["cnn"]


def is_tree(name: str) -> bool:
    return MODELS[name].representation.startswith("tree_")


def tagger(name: str, **hparams) -> torch.nn.Module:
    """A registered model with the config's default hyper-parameters, in eval mode."""
    kind = MODELS[name].representation
    meta = {"image": IMAGE, "dijet_image": DIJET_IMAGE}.get(kind, POINT_CLOUD)
    meta = TREE if is_tree(name) else meta
    settings = {**defaults()["models"][MODELS[name].hparams or name], **hparams}
    return build_model(MODELS[name].target, meta, **settings).eval()


def jets(n: int, n_particles: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Point clouds with variable multiplicity: (pT fraction, eta', phi', g(pid))."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, n_particles, 4, generator=generator)
    x[..., 0] = torch.rand(n, n_particles, generator=generator)
    mask = torch.arange(n_particles)[None] < torch.randint(
        3, n_particles, (n, 1), generator=generator
    )
    return x * mask[..., None], mask


@pytest.mark.parametrize("name", [m for m in CLOUD_MODELS if m not in ORDERED])
def test_point_cloud_models_ignore_order_and_padding(name):
    torch.manual_seed(0)
    model = tagger(name)
    x, mask = jets(4, 20, seed=1)
    with torch.no_grad():
        out = model(x, mask)
        perm = torch.randperm(20)
        assert torch.allclose(out, model(x[:, perm], mask[:, perm]), atol=1e-5)
        padded = torch.cat([x, torch.rand(4, 12, 4)], dim=1)  # garbage in masked slots
        padded_mask = torch.cat([mask, torch.zeros(4, 12, dtype=torch.bool)], dim=1)
        assert torch.allclose(out, model(padded, padded_mask), atol=1e-5)
        # The mask has teeth: reading the padding as particles changes the output.
        assert not torch.allclose(out, model(padded, torch.ones_like(padded_mask)), atol=1e-5)


def test_fcn_reads_the_hardest_particles_in_order():
    """Seed 004's FCN (App. B): Dense 256, 128, 12 and the output; it reads the first
    ``constituents`` rows (padding zeroed) and sees their order."""
    torch.manual_seed(0)
    model = tagger("fcn", constituents=8)
    dense = [m.out_features for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert dense == [256, 128, 12, 2]
    assert model.latent_width == 128
    x, mask = jets(4, 20, seed=1)
    mask[:, :8] = True
    with torch.no_grad():
        out = model(x, mask)
        beyond = x.clone()
        beyond[:, 8:] = torch.rand(4, 12, 4)
        assert torch.allclose(out, model(beyond, mask), atol=1e-6)
        short = tagger("fcn", constituents=30)  # more rows than the jets have: zeros
        assert short(x, mask).shape == (4, 2)
        swapped = x[:, [1, 0, *range(2, 20)]]
        assert not torch.allclose(out, model(swapped, mask), atol=1e-5)


def test_efn_is_infrared_and_collinear_safe():
    """Splitting a particle into two collinear halves, or adding one with 1e-6 of the jet's
    pT, changes the EFN's output by < 1e-5 (relative); the PFN, which sees the pT
    fraction through Phi, is not collinear safe (the test has teeth)."""
    torch.manual_seed(2)
    x, mask = jets(5, 20, seed=3)
    x = x.double()
    split = x.clone()
    split[:, 0, 0] /= 2  # the first particle's pT halves ...
    split = torch.cat([split, split[:, :1]], dim=1)  # ... and its twin takes the other half
    split_mask = torch.cat([mask, mask[:, :1]], dim=1)
    soft = torch.cat([x, torch.tensor([1e-6, 0.3, -0.2, 0.05]).expand(5, 1, 4)], dim=1)
    soft = soft.to(x.dtype)
    soft_mask = torch.cat([mask, torch.ones(5, 1, dtype=torch.bool)], dim=1)
    for name, safe in (("efn", True), ("pfn", False)):
        model = tagger(name).double()
        with torch.no_grad():
            out = model(x, mask)
            changes = [
                ((model(other, other_mask) - out).abs() / out.abs()).max().item()
                for other, other_mask in ((split, split_mask), (soft, soft_mask))
            ]
        if safe:
            assert max(changes) < 1e-5, changes
        else:
            assert changes[0] > 1e-3, changes


def test_cnn_follows_seed_001_table_2():
    model = tagger("cnn")
    convs = [m for m in model.encoder.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.out_channels, c.kernel_size) for c in convs] == [
        (64, (5, 5)),
        (64, (5, 5)),
        (128, (3, 3)),
        (128, (3, 3)),
    ]
    assert all(c.padding == "same" for c in convs)
    pools = [m for m in model.encoder.modules() if isinstance(m, torch.nn.MaxPool2d)]
    assert len(pools) == 3
    assert model.latent_width == 128 * 3 * 3  # 25 -> 12 -> 6 -> 3 pixels
    dense = [m.out_features for m in model.head.modules() if isinstance(m, torch.nn.Linear)]
    assert dense == [128, 128, 128, 2]
    image = torch.rand(6, 25, 25)
    assert model(image, torch.ones(6, dtype=torch.bool)).shape == (6, 2)


def test_dijet_cnn_shares_one_cnn_and_multiplies_the_jets_probabilities():
    """Seed 001: one CNN for both jets, each jet's image normalised on its own, the
    event's signal probability the product of the two jets' numbers."""
    model = tagger("cnn_dijet")
    convs = [m for m in model.encoder.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 4  # Table 2's four convolutions, once for both jets
    norms = [m for m in model.encoder.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert len(norms) == 2
    images = torch.rand(5, 2, 25, 25)
    mask = torch.ones(5, dtype=torch.bool)
    with torch.no_grad():
        probability = model(images, mask).softmax(dim=1)
        jets = model.head.jet_logits(model.encoder(images, mask)).sigmoid()
        swapped = model(images.flip(1), mask).softmax(dim=1)  # norms still at their start
    assert isinstance(model.head, ProductHead)
    torch.testing.assert_close(probability[:, 1], jets.prod(dim=1))
    torch.testing.assert_close(swapped, probability)
    with pytest.raises(ValueError, match="two classes"):
        build_model(MODELS["cnn_dijet"].target, {**DIJET_IMAGE, "n_classes": 3}, **CNN_SETTINGS)
    with pytest.raises(ValueError, match="two leading jets' images"):
        build_model(MODELS["cnn_dijet"].target, IMAGE, **CNN_SETTINGS)


def test_meta_transfer_scales_at_one_and_shifts_at_zero_leave_the_cnn_as_it_is():
    """Seed 001, Eqs. 4-5: every convolution gets a scale per (input channel, filter)
    and a shift per filter; at 1 and 0 the two-jet CNN gives the plain one's outputs to
    the bit, and a moved scale or shift changes them."""
    model = tagger("cnn_dijet").eval()
    images = torch.rand(4, 2, 25, 25)
    mask = torch.ones(4, dtype=torch.bool)
    with torch.no_grad():
        plain = model(images, mask)
        added = with_scale_shift(model)
        assert [tuple(p.shape) for p in added] == [
            (64, 1, 1, 1), (64,), (64, 64, 1, 1), (64,), (128, 64, 1, 1), (128,),
            (128, 128, 1, 1), (128,),
        ]  # fmt: skip
        assert torch.equal(model(images, mask), plain)
        for moved in (added[2], added[7]):
            moved.add_(0.5)
            assert not torch.equal(model(images, mask), plain)
            moved.sub_(0.5)
    weights = {name for name, _ in model.named_parameters()}
    assert "encoder.conv.layers.0.conv.weight" in weights  # the pretrained filters, kept


@pytest.mark.parametrize("name", list(MODELS))
def test_every_model_has_a_head_to_regularise(name):
    model = tagger(name)
    assert head_weights(model), "L1/L2 and MetaReg act on the head's weight matrices"
    assert model.latent_width > 0


# Toy size per model: (particles per jet, training jets, epochs). The full ParticleNet
# (3 GFLOP per 100-particle jet, about 35 training jets/s on one CPU core) learns from a
# smaller toy in the same few seconds.
TOY_SIZE = {"particlenet": (8, 300, 4)}


def separable(name: str, n: int, seed: int) -> dict[str, np.ndarray]:
    """A toy with a planted difference a tagger of the model's representation can see:
    signal jets are two-pronged (a second hard particle at phi' = +0.4), QCD one-pronged."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, 2, n)
    n_particles = TOY_SIZE.get(name, (16,))[0]
    eta = rng.normal(0, 0.05, (n, n_particles))
    phi = rng.normal(0, 0.05, (n, n_particles))
    phi[:, 1] += 0.4 * label
    pt = rng.exponential(0.02, (n, n_particles))
    pt[:, 0] = 0.5
    pt[:, 1] = np.where(label == 1, 0.3, pt[:, 1])
    if is_tree(name):
        jets = ak.Array(
            {
                "event_id": np.arange(n),
                "jet_eta": np.zeros(n),
                "jet_phi": np.zeros(n),
                "constituents": ak.zip(
                    {"pt": 1000 * pt, "eta": eta, "phi": phi, "mass": np.zeros_like(pt)}
                ),
            }
        )
        settings = {"max_constituents": n_particles, "order": MODELS[name].representation[5:]}
        return {**tree_representation.encode(jets, settings, zoom=False), "label": label}
    if MODELS[name].representation == "image":
        ones = np.ones_like(pt, bool)
        images = pixelate(eta, phi, pt, ones, IMAGE["pixels"], 1.0)
        return {"features": images, "label": label}
    if MODELS[name].representation == "dijet_image":  # both jets of a signal event prongy
        ones = np.ones_like(pt, bool)
        first = pixelate(eta, phi, pt, ones, IMAGE["pixels"], 1.0)
        second = pixelate(eta, -phi, pt, ones, IMAGE["pixels"], 1.0)  # mirrored prong
        return {"features": np.stack([first, second], axis=1), "label": label}
    features = np.stack([pt, eta, phi, np.full_like(pt, 0.75)], axis=-1).astype(np.float32)
    return {"features": features, "mask": np.ones((n, n_particles), bool), "label": label}


@pytest.mark.parametrize("name", GENERIC)
def test_every_model_learns_a_separable_toy(name):
    """AUC > 0.95 on held-out jets after a few epochs on a few hundred."""
    torch.manual_seed(0)
    _, n_train, epochs = TOY_SIZE.get(name, (16, 600, 6))
    model = tagger(name).train()
    train, test = separable(name, n_train, seed=0), separable(name, 400, seed=1)
    fit(
        model,
        Batch.from_arrays(train, CPU),
        Batch.from_arrays(separable(name, 200, seed=2), CPU),
        train_settings(max_epochs=epochs, batch_size=50, patience=epochs),
        seed=0,
    )
    score = predict(model.eval(), test["features"], test.get("mask"))
    assert roc_auc(test["label"], score) > 0.95


@pytest.mark.parametrize("method", list(METHODS))
@pytest.mark.parametrize("name", [m for m in GENERIC if m != "particlenet"])
def test_every_method_trains_every_model(name, method, tmp_path):
    """Each method's plan (meta-learners for two iterations) gives every tagger a finite
    loss with a gradient: the encoder/head split is all a method needs. (ParticleNet
    shares its code with ParticleNet-Lite.)"""
    torch.manual_seed(0)
    arrays = separable(name, 60, seed=3)
    arrays["domain"] = np.arange(60) % 3
    data = Batch.from_arrays(arrays, CPU)
    data.jet_mass = torch.rand(len(data)) * 300
    model = tagger(name).train()
    settings = {**defaults()["training"].get(method, {})}
    if "iterations" in settings:
        settings |= {"iterations": 2, **({"k": 1} if method == "metareg" else {})}
    context = methods.Context(20, 0, tmp_path / "meta.pt")
    plan = methods.prepare(METHODS[method], model, data, settings, context)
    loss = plan.objective(model, plan.train.take(torch.arange(20)))
    loss.backward()
    assert loss.isfinite()
    assert any(p.grad is not None for p in plan.parameters)
