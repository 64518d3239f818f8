"""ParticleNet: weaver-core's implementation as the oracle, symmetries, masking, building.

The oracle is weaver-core's ``weaver.nn.model.ParticleNet`` (a test dependency only):
configured like ours, with its weights and batch-norm statistics randomised and copied
into ours, both in eval mode, on the same zero-padded jets of varying multiplicity. Our
model deliberately differs from weaver's in what padding can do, so the comparisons use
jets with more than k real constituents, where the two must agree:

- a padded slot is never a neighbour: weaver shifts padded coordinates to 1e9, which keeps
  them last but still picks them once a jet has no more than k real constituents, and then
  averages over edges to zero-feature "particles"; ours averages over the jet's real
  neighbours only (``test_edgeconv_on_small_jets_averages_over_real_neighbours`` checks
  that against weaver's block with k = n - 1 on the unpadded jet);
- batch-norm statistics in training come from real points and edges only (weaver's
  include the padded slots, so its training-mode output depends on the padding length):
  eval mode, which uses the running statistics, is where the two are compared;
- ours runs on packed real constituents, so its 1×1 convolutions are ``nn.Linear`` maps:
  the weight copy drops the convolutions' trailing kernel dimensions; and its first edge
  layer W (x_i, x_j - x_i) is computed as (W_c - W_d) x_i + W_d x_j, per point rather
  than per edge: the same map, rounded differently in float32.

The shared EdgeConv block is also compared on its own. Tolerances are absolute, 1e-5, in
float32 (pooled latent vectors of order 1, logits of order 0.1-1, as the head keeps
torch's initial weights); the differences are float32 rounding: below 1e-6 on these
small jets (20 seeds tried), up to 3e-5 on the pooled vector of the full model for
100-constituent jets, 2e-15 in float64.
"""

from __future__ import annotations

import re

import pytest
import torch

from massgen.config import defaults
from massgen.errors import ConfigError
from massgen.models import Tagger, build_model, head_weights
from massgen.models.particlenet import EdgeConv, ParticleNet, knn_edges
from massgen.registry import MODELS

FEATURES = ("pt_fraction", "eta_rot", "phi_rot", "g_pid")
META = {"features": list(FEATURES), "n_classes": 2}


def variant(name: str):
    """A builder of the registered variant ``name`` with the config's defaults
    (models.<name>), overridden by keyword arguments."""

    def builder(meta: dict, **hparams) -> ParticleNet:
        return build_model(MODELS[name].target, meta, **{**defaults()["models"][name], **hparams})

    return builder


build, build_lite = variant("particlenet"), variant("particlenet_lite")
COORDS = [1, 2]  # eta_rot, phi_rot


def jets(n_jets: int, n_particles: int, low: int, seed: int = 0):
    """Random zero-padded jets with ``low`` to ``n_particles`` real constituents, padding at
    the end: (x, mask)."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n_jets, n_particles, len(FEATURES), generator=gen)
    counts = torch.randint(low, n_particles + 1, (n_jets,), generator=gen)
    mask = torch.arange(n_particles)[None, :] < counts[:, None]
    return x * mask[..., None], mask


def randomise(module: torch.nn.Module, seed: int = 1) -> None:
    """Batch-norm scales, shifts and running statistics away from their initial values
    (which make a batch norm in eval mode the identity), so that copying them matters."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) + 0.5)
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=gen))
                m.running_mean.copy_(0.5 * torch.randn(m.running_mean.shape, generator=gen))
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=gen) * 1.5 + 0.5)


# weaver-core name -> our name: (pattern, replacement), for the encoder of ParticleNet
# (``encoder.`` prefix added) and for a bare EdgeConvBlock.
BLOCK_NAMES = [
    (r"convs\.(\d+)\.weight", r"mlp.\1.0.weight"),
    (r"bns\.(\d+)\.", r"mlp.\1.1."),
    (r"sc\.weight", r"shortcut.0.weight"),
    (r"sc_bn\.", r"shortcut.1."),
]
ENCODER_NAMES = [
    (r"bn_fts\.", r"input_bn."),
    (r"edge_convs\.(\d+)\.", r"blocks.\1."),
    (r"fusion_block\.0\.", r"fusion.0."),
    (r"fusion_block\.1\.", r"fusion.1."),
]


def rename(name: str, rules: list[tuple[str, str]]) -> str:
    for pattern, replacement in rules:
        name = re.sub(pattern, replacement, name)
    return name


def copy_block(theirs: torch.nn.Module, ours: EdgeConv) -> None:
    """weaver's EdgeConvBlock weights into our EdgeConv (strict: every tensor mapped)."""
    state = {rename(n, BLOCK_NAMES): t for n, t in theirs.state_dict().items()}
    target = ours.state_dict()
    ours.load_state_dict({n: t.reshape(target[n].shape) for n, t in state.items()})


def copy_particlenet(theirs: torch.nn.Module, ours: ParticleNet, n_dense: int) -> None:
    """weaver's ParticleNet weights into ours: encoder tensors renamed (and convolution
    kernels flattened), ``fc.i.0`` (dense layer i) -> ``head.3i``, ``fc.<last>`` (output)
    -> ``head.<3 n_dense>``."""
    state = {}
    for name, tensor in theirs.state_dict().items():
        if name.startswith("fc."):
            index, rest = re.fullmatch(r"fc\.(\d+)\.(?:0\.)?(weight|bias)", name).groups()
            state[f"head.{3 * int(index)}.{rest}"] = tensor
        else:
            state["encoder." + rename(rename(name, ENCODER_NAMES), BLOCK_NAMES)] = tensor
    target = ours.state_dict()
    assert sorted(state) == sorted(target)
    assert sum(int(name.startswith("head.")) for name in state) == 2 * (n_dense + 1)
    ours.load_state_dict({n: t.reshape(target[n].shape) for n, t in state.items()})


def test_edgeconv_block_matches_weaver():
    model = pytest.importorskip(
        "weaver.nn.model.ParticleNet", reason="weaver-core (the test oracle) is not installed"
    )
    torch.manual_seed(0)
    k, n_particles = 5, 20
    x, mask = jets(4, n_particles, low=k + 1)
    for n_in, channels in [(4, (8, 16, 12)), (12, (8, 8, 12))]:  # conv and identity shortcut
        theirs = model.EdgeConvBlock(k=k, in_feat=n_in, out_feats=channels)
        ours = EdgeConv(n_in, channels)
        randomise(theirs)
        copy_block(theirs, ours)
        theirs.eval(), ours.eval()
        features = x if n_in == 4 else torch.randn(*mask.shape, n_in) * mask[..., None]
        points = x[..., COORDS].masked_fill(~mask[..., None], 1e9)
        with torch.no_grad():
            expected = theirs(points.transpose(1, 2), features.transpose(1, 2))
            got = ours(features[mask], *knn_edges(x[..., COORDS], mask, k))
        torch.testing.assert_close(got, expected.transpose(1, 2)[mask], rtol=0, atol=1e-5)


def test_edgeconv_on_small_jets_averages_over_real_neighbours():
    """A jet of n <= k real constituents: each averages over its n - 1 others, as weaver's
    block with k = n - 1 does on the jet without padding; a lone constituent has no
    neighbours and keeps its shortcut."""
    model = pytest.importorskip(
        "weaver.nn.model.ParticleNet", reason="weaver-core (the test oracle) is not installed"
    )
    torch.manual_seed(0)
    k, channels = 7, (8, 8, 6)
    x, _ = jets(1, 12, low=12, seed=3)
    ours = EdgeConv(4, channels).eval()
    for n in [1, 2, 3, 5, 7, 8]:
        theirs = model.EdgeConvBlock(k=max(min(k, n - 1), 1), in_feat=4, out_feats=channels)
        randomise(theirs)
        copy_block(theirs, ours)
        theirs.eval()
        mask = torch.arange(12)[None, :] < n
        real = x[:, :n].transpose(1, 2)
        with torch.no_grad():
            got = ours(x[mask], *knn_edges(x[..., COORDS], mask, k))
            if n == 1:
                expected = torch.relu(ours.shortcut(x[mask]))
            else:
                expected = theirs(real[:, COORDS], real).transpose(1, 2)[0]
        torch.testing.assert_close(got, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    ("builder", "hparams"),
    [
        (build, {}),
        (build_lite, {}),
        (build_lite, {"fusion": True, "dense_sizes": [64, 32], "dropout": 0.2}),
    ],
)
def test_logits_match_weaver(builder, hparams):
    model = pytest.importorskip(
        "weaver.nn.model.ParticleNet", reason="weaver-core (the test oracle) is not installed"
    )
    torch.manual_seed(0)
    ours = builder(META, **hparams)
    k = ours.encoder.k
    conv_params = [
        (k, tuple(layer[0].out_features for layer in b.mlp)) for b in ours.encoder.blocks
    ]
    dense = [m.out_features for m in ours.head if isinstance(m, torch.nn.Linear)][:-1]
    theirs = model.ParticleNet(
        input_dims=len(FEATURES),
        num_classes=2,
        conv_params=conv_params,
        fc_params=[(size, hparams.get("dropout", 0.1)) for size in dense],
        use_fusion=ours.encoder.fusion is not None,
        use_fts_bn=True,
        use_counts=True,
        trim=False,  # its SequenceTrimmer cuts trailing padding only; ours needs none
    )
    randomise(theirs)
    copy_particlenet(theirs, ours, len(dense))
    theirs.eval(), ours.eval()
    latent = []  # weaver's pooled vector: the input of its dense layers
    theirs.fc.register_forward_pre_hook(lambda _, args: latent.append(args[0]))
    x, mask = jets(4, 20, low=k + 1, seed=2)
    with torch.no_grad():
        expected = theirs(x[..., COORDS].transpose(1, 2), x.transpose(1, 2), mask[:, None, :])
        got = ours(x, mask)
        torch.testing.assert_close(ours.encoder(x, mask), latent[0], rtol=0, atol=1e-5)
    assert latent[0].abs().max() > 1  # not trivially small
    assert expected.abs().max() > 0.05
    torch.testing.assert_close(got, expected, rtol=0, atol=1e-5)


def small(**hparams) -> ParticleNet:
    """A small ParticleNet for the symmetry tests."""
    torch.manual_seed(0)
    model = build_lite(META, k=4, channels=[[8, 8, 8], [16, 16, 16]], dense_sizes=[16], **hparams)
    randomise(model)
    return model.eval()


@pytest.mark.parametrize("fusion", [False, True])
def test_permutation_invariance(fusion):
    model = small(fusion=fusion)
    gen = torch.Generator().manual_seed(4)
    x, mask = torch.randn(3, 25, 4, generator=gen), torch.rand(3, 25, generator=gen) > 0.3
    perm = torch.randperm(25, generator=gen)
    with torch.no_grad():
        torch.testing.assert_close(
            model(x, mask), model(x[:, perm], mask[:, perm]), rtol=0, atol=1e-5
        )


def test_padding_has_no_effect():
    """Extra padded slots, even with garbage in them, change nothing, in eval mode and in
    training mode (batch statistics of real constituents only)."""
    model = small()
    x, mask = jets(4, 10, low=2, seed=5)
    padded_x = torch.cat([x, 100 * torch.randn(4, 15, 4)], dim=1)
    padded_mask = torch.cat([mask, torch.zeros(4, 15, dtype=torch.bool)], dim=1)
    with torch.no_grad():
        torch.testing.assert_close(model(x, mask), model(padded_x, padded_mask), rtol=0, atol=1e-5)
        model.train()
        torch.testing.assert_close(
            model.encoder(x, mask), model.encoder(padded_x, padded_mask), rtol=0, atol=1e-5
        )
        model.eval()
        # Without the mask the garbage would matter: the check has teeth.
        assert not torch.allclose(model(x, mask), model(padded_x, torch.ones(4, 25).bool()))


def test_full_and_lite_architecture():
    x, mask = jets(2, 20, low=1)
    for builder, k, blocks, dense in [
        (build, 16, [64, 128, 256], 256),
        (build_lite, 7, [32, 64], 128),
    ]:
        model = builder(META)
        assert isinstance(model, Tagger)
        assert model.encoder.k == k
        assert [b.mlp[-1][0].out_features for b in model.encoder.blocks] == blocks
        assert model.latent_width == blocks[-1]
        assert model.encoder.fusion is None
        model.eval()
        assert model.encoder(x, mask).shape == (2, blocks[-1])
        assert model(x, mask).shape == (2, 2)
        assert [m.p for m in model.head if isinstance(m, torch.nn.Dropout)] == [0.1]
        weights = head_weights(model)
        assert [tuple(w.shape) for w in weights.values()] == [(dense, blocks[-1]), (2, dense)]
    fused = build(META, fusion=True)
    assert fused.latent_width == 384  # weaver: clip(128 * floor(448 / 128), 128, 1024)
    assert fused.head[0].in_features == 384


def test_training_step_runs_on_short_jets():
    """Jets with fewer constituents than k, and a one-constituent jet, train (finite)."""
    model = small()
    model.train()
    x, mask = jets(5, 12, low=1, seed=6)
    mask[0] = False
    mask[0, 0] = True
    loss = torch.nn.functional.cross_entropy(model(x, mask), torch.tensor([0, 1, 0, 1, 1]))
    loss.backward()
    assert loss.isfinite()
    assert all(p.grad is not None and p.grad.isfinite().all() for p in model.parameters())


def test_unknown_hyperparameter_raises():
    with pytest.raises(TypeError, match="kk"):
        build(META, kk=3)


def test_coordinates_must_be_dataset_features():
    with pytest.raises(ConfigError, match="'eta'"):
        build(META, coordinates=["eta", "phi_rot"])
    model = build_lite({**META, "features": ["phi_rot", "eta_rot", "x"]})
    assert model.encoder.coordinate_columns == [1, 0]
