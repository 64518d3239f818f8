"""Recursive neural networks on jet trees (seed 003: Louppe, Cho, Becot, Cranmer,
arXiv:1702.00748, Sec. 3 and App. A), as in the paper's reference code (recnn).

Each node k of a jet's tree (:mod:`massgen.representations.tree`) has a content
embedding u_k = ReLU(W_u o_k + b_u) of its features o_k. A leaf's embedding is u_k; an
inner node's combines its children's embeddings h_L, h_R (the harder child is L) with
u_k:

- simple: h_k = ReLU(W_h [h_L; h_R; u_k] + b_h);
- gated (App. A): r = sigmoid(W_r [h_L; h_R; u_k] + b_r) resets each input, the candidate
  h~ = ReLU(W_h (r * [h_L; h_R; u_k]) + b_h), and h_k is the mix z_H h~ + z_L h_L +
  z_R h_R + z_N u_k with weights z = softmax over the four of W_z [h~; h_L; h_R; u_k] + b_z.

The root's embedding is the jet's (the encoder); the head is two ReLU layers of the
embedding's width and the class logits (the paper's classifier). The recursion is
batched by tree level: all nodes of one depth, in every jet of the batch, are combined
by one tensor operation, deepest first, so a batch costs a few operations per level
(the paper's reference code batches the same way), never a Python call per node.
"""

from __future__ import annotations

import torch
from torch import nn

from massgen.models import Tagger
from massgen.models.pfn import dense_stack


class RecursiveEncoder(nn.Module):
    """Jet embedding (n_jets, hidden) at the root of each tree, from the tree dataset's
    (n_jets, nodes, n_features + 3) rows (features, then left child, right child, depth)
    and the mask of real nodes."""

    def __init__(self, n_features: int, hidden: int, gated: bool) -> None:
        super().__init__()
        self.n_features = n_features
        self.hidden = hidden
        self.gated = gated
        self.content = nn.Linear(n_features, hidden)  # W_u
        self.combine_layer = nn.Linear(3 * hidden, hidden)  # W_h
        nn.init.orthogonal_(self.combine_layer.weight)  # as the reference code
        nn.init.zeros_(self.combine_layer.bias)
        if gated:
            self.reset = nn.Linear(3 * hidden, 3 * hidden)  # W_r
            self.update = nn.Linear(4 * hidden, 4 * hidden)  # W_z

    def combine(self, h_left: torch.Tensor, h_right: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        """Embeddings of inner nodes from their children's and their own content's."""
        hhu = torch.cat([h_left, h_right, u], dim=-1)
        if not self.gated:
            return torch.relu(self.combine_layer(hhu))
        candidate = torch.relu(self.combine_layer(torch.sigmoid(self.reset(hhu)) * hhu))
        z = self.update(torch.cat([candidate, hhu], dim=-1)).view(-1, 4, self.hidden)
        z = torch.softmax(z, dim=1)
        states = torch.stack([candidate, h_left, h_right, u], dim=1)
        return (z * states).sum(dim=1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        n_jets, n_nodes = mask.shape
        f = self.n_features
        real = mask.reshape(-1).nonzero().squeeze(1)  # flat index of every real node
        # Position of each flat node among the real ones (children point into this list).
        slot = torch.full((n_jets * n_nodes,), -1, dtype=torch.long, device=x.device)
        slot[real] = torch.arange(len(real), device=x.device)
        rows = x.reshape(n_jets * n_nodes, -1)[real]
        u = torch.relu(self.content(rows[:, :f]))
        jet_start = (real // n_nodes) * n_nodes
        left, right, depth = rows[:, f].long(), rows[:, f + 1].long(), rows[:, f + 2].long()
        inner = (left >= 0).nonzero().squeeze(1)
        # Inner nodes grouped by depth, deepest first: one sort and one sync per batch.
        inner = inner[torch.argsort(depth[inner], descending=True, stable=True)]
        sizes = torch.bincount(depth[inner]).flip(0).tolist() if len(inner) else []
        h = u
        for level in torch.split(inner, [s for s in sizes if s > 0]) if sizes else ():
            h_left = h[slot[jet_start[level] + left[level]]]
            h_right = h[slot[jet_start[level] + right[level]]]
            h = h.index_copy(0, level, self.combine(h_left, h_right, u[level]))
        roots = slot[torch.arange(n_jets, device=x.device) * n_nodes]
        out = h.new_zeros(n_jets, self.hidden)
        has_root = roots >= 0
        return out.index_copy(0, has_root.nonzero().squeeze(1), h[roots[has_root]])


def node_by_node(encoder: RecursiveEncoder, x: torch.Tensor) -> torch.Tensor:
    """Root embeddings (n_jets, hidden) by the recursion one node at a time, a recursive
    call per child from each jet's root: the definition the level-batched
    :meth:`RecursiveEncoder.forward` must equal (tests), and the baseline of its speed
    (benchmarks/bench_recnn.py). Padding rows are never reached from a root."""
    f = encoder.n_features

    def embed(jet: int, node: int) -> torch.Tensor:
        row = x[jet, node]
        u = torch.relu(encoder.content(row[:f]))
        left, right = int(row[f]), int(row[f + 1])
        if left < 0:
            return u
        h_left, h_right = embed(jet, left), embed(jet, right)
        return encoder.combine(h_left[None], h_right[None], u[None])[0]

    return torch.stack([embed(jet, 0) for jet in range(len(x))])


class RecNN(Tagger):
    """A recursive network on jet trees returning class logits."""

    def __init__(
        self,
        n_features: int,
        n_classes: int,
        hidden: int,
        gated: bool,
        **unknown: object,
    ) -> None:
        if unknown:
            raise TypeError(f"unknown RecNN hyperparameters: {', '.join(sorted(unknown))}")
        super().__init__()
        self.latent_width = hidden
        self.encoder = RecursiveEncoder(n_features, hidden, gated)
        self.head = nn.Sequential(
            dense_stack(hidden, [hidden, hidden]), nn.Linear(hidden, n_classes)
        )


def build_simple(dataset_meta: dict, **hparams: object) -> RecNN:
    """The simple RecNN (``hparams``: models.recnn of the config) for a tree dataset."""
    return RecNN(len(dataset_meta["features"]), dataset_meta["n_classes"], gated=False, **hparams)


def build_gated(dataset_meta: dict, **hparams: object) -> RecNN:
    """The gated RecNN (App. A; ``hparams``: models.recnn) for a tree dataset."""
    return RecNN(len(dataset_meta["features"]), dataset_meta["n_classes"], gated=True, **hparams)
