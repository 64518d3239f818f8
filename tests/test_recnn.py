"""The recursive networks of seed 003 on real jet trees: the level-batched recursion
equals a node-by-node one, clustering-tree models ignore the constituents' order and the
padding, and a batch costs one combination per tree level."""

from __future__ import annotations

import awkward as ak
import numpy as np
import pytest
import torch

from massgen.detector.delphes import read_delphes
from massgen.jets import leading_jets
from massgen.models.recnn import build_gated, build_simple, node_by_node
from massgen.representations import tree as tree_representation
from massgen.trees import canonical, merge_tree

ZZ_DELPHES = "delphes-3.5.1-cms-pythia8-zz-nunuqq-ptmin1000.root"
META = {"features": tree_representation.FEATURES, "n_classes": 2}
BUILDERS = {"simple": build_simple, "gated": build_gated}


@pytest.fixture(scope="module")
def real_jets(testdata) -> ak.Array:
    return leading_jets(read_delphes(testdata / ZZ_DELPHES), 1.0)[:12]


def trees(jets: ak.Array, order: str, width: int = 60) -> tuple[torch.Tensor, torch.Tensor]:
    """Tree datasets' (features, mask) of ``jets`` as float64 tensors."""
    out = tree_representation.encode(jets, {"max_constituents": width, "order": order}, zoom=False)
    return torch.as_tensor(out["features"], dtype=torch.float64), torch.as_tensor(out["mask"])


def model(kind: str) -> torch.nn.Module:
    torch.manual_seed(11)
    return BUILDERS[kind](META, hidden=40).double().eval()


@pytest.mark.parametrize("kind", list(BUILDERS))
@pytest.mark.parametrize("order", ["kt", "antikt", "desc_pt", "random"])
def test_level_batching_equals_the_node_by_node_recursion(real_jets, kind, order):
    x, mask = trees(real_jets, order)
    net = model(kind)
    with torch.no_grad():
        batched = net(x, mask)
        reference = net.head(node_by_node(net.encoder, x))
    assert torch.allclose(batched, reference, atol=1e-6, rtol=0)
    assert batched.std(dim=0).min() > 0  # jets differ


@pytest.mark.parametrize("kind", list(BUILDERS))
@pytest.mark.parametrize("order", ["kt", "cambridge", "antikt"])
def test_clustering_tree_models_ignore_the_constituents_order(real_jets, kind, order):
    net = model(kind)
    rows = []
    for seed, jet in enumerate(real_jets):
        c = jet.constituents
        jet_rows = np.stack(
            [ak.to_numpy(c[f]).astype(np.float64) for f in ("pt", "eta", "phi", "mass")], 1
        )
        shuffled = jet_rows[np.random.default_rng(seed).permutation(len(jet_rows))]
        rows.append((jet_rows, shuffled))
    outputs = []
    for which in (0, 1):
        feats = [
            tree_representation.node_rows(
                canonical(merge_tree(tree_representation.cartesian(r[which]), order)),
                r[which],
                zoom=False,
            )
            for r in rows
        ]
        width = max(len(f) for f in feats)
        x = torch.zeros(len(feats), width, feats[0].shape[1], dtype=torch.float64)
        mask = torch.zeros(len(feats), width, dtype=torch.bool)
        for i, f in enumerate(feats):
            x[i, : len(f)] = torch.as_tensor(f)
            mask[i, : len(f)] = True
        with torch.no_grad():
            outputs.append(net(x, mask))
    assert torch.allclose(outputs[0], outputs[1], atol=1e-6, rtol=0)


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_padding_nodes_change_nothing(real_jets, kind):
    net = model(kind)
    width = int(ak.max(ak.num(real_jets.constituents)))  # every constituent kept
    x, mask = trees(real_jets, "kt", width=width)
    wide_x, wide_mask = trees(real_jets, "kt", width=width + 30)
    wide_x[~wide_mask] = torch.randn(int((~wide_mask).sum()), x.shape[2], dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(net(x, mask), net(wide_x, wide_mask), atol=1e-9)


def test_one_combination_per_tree_level(real_jets, monkeypatch):
    """A batch of jets costs one combine call per depth that holds inner nodes, not one
    per node."""
    net = model("simple")
    x, mask = trees(real_jets, "cambridge")
    calls = []
    original = net.encoder.combine
    monkeypatch.setattr(net.encoder, "combine", lambda *a: calls.append(len(a[0])) or original(*a))
    with torch.no_grad():
        net(x, mask)
    inner = (x[..., len(META["features"])] >= 0) & mask
    depth = x[..., len(META["features"]) + 2][inner]
    assert len(calls) == len(torch.unique(depth))
    assert sum(calls) == int(inner.sum())
