"""ParticleNet (Qu & Gouskos, arXiv:1902.08570): a jet as an unordered cloud of particles.

Each EdgeConv block treats the jet as a graph: every constituent i is joined to its k
nearest neighbours j (squared Euclidean distance in a coordinate space, the point itself
excluded), each edge gets the features (x_i, x_j - x_i), a shared MLP of 1×1
convolutions (linear maps, no bias) + batch norm + ReLU turns them into edge messages,
and their mean over the neighbours, plus a shortcut (linear map + batch norm; the
identity where the widths agree, as in weaver-core, never the case in the paper's
settings) and a ReLU, is the point's new feature vector. The first block's neighbours are found in the (eta', phi') plane, later
blocks' in the previous block's feature space ("dynamic graph"). A global average over
the constituents gives the jet's latent vector, and dense layers (ReLU, dropout) the
class logits. The encoder (F_psi) is an optional input batch norm, the EdgeConv blocks,
an optional fusion layer and the pooling; the head (T_theta) is the dense part.

Variants (as in the paper): ParticleNet, k = 16, EdgeConv channels (64, 64, 64),
(128, 128, 128), (256, 256, 256), Dense(256) with dropout 0.1 (:func:`build`, also the
model of seed 004 App. A); ParticleNet-Lite, k = 7, (32, 32, 32), (64, 64, 64),
Dense(128) with dropout 0.1 (:func:`build_lite`). Neither uses weaver-core's "fusion"
(all blocks' outputs concatenated through a 1×1 convolution + batch norm + ReLU before
the pooling): the paper and its authors' reference Keras model (hqucms/ParticleNet) pool
the last block's output, so ``fusion`` defaults to False for both (weaver-core turns it
on by default); True gives weaver's layer, of width clip(128 * floor(sum / 128), 128,
1024), which then is the latent width. All features of the dataset are the input
features, batch-normalised first (``input_batchnorm``, weaver's ``use_fts_bn``, also in
the Keras model); ``coordinates`` names the features spanning the first block's space
(used as they are, not batch-normalised). Torch's default weight initialisation.

Padding never enters: the model works on the packed real constituents only. A padded
slot is nobody's neighbour (its distance is +inf, not weaver's far-away shift), so a
real point of a jet with n <= k real constituents averages over its n - 1 real
neighbours (weaver averages over k, counting zero-feature padded slots), batch-norm
statistics in training come from real points and edges only (weaver's include padded
slots), and the pooled vector is the mean over real constituents (weaver's
``use_counts``; the Keras model divides by the padded length). In eval mode, for jets with more than k real constituents, the logits
equal weaver-core's (tests/test_particlenet.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import torch
from torch import nn

from massgen.errors import ConfigError
from massgen.models import Tagger
from massgen.models.pfn import sum_over_particles


def knn_edges(
    coords: torch.Tensor, mask: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The directed edges (i, j) from each real point i to its k nearest real neighbours j
    (fewer where the jet has fewer), as indices into the packed real points ``x[mask]``.

    ``coords`` (n_jets, n_particles, dims) is zero-padded; distances to padded slots and to
    the point itself are +inf and such neighbours are dropped. Returns ``(source,
    neighbour, count)``: the edges, grouped by source in packed order, and each real
    point's number of neighbours."""
    coords = coords.detach()
    n_particles = coords.shape[1]
    squares = coords.square().sum(-1)
    distance = squares[:, :, None] - 2 * coords @ coords.transpose(1, 2) + squares[:, None, :]
    distance = distance.clamp(min=0).masked_fill(~mask[:, None, :], torch.inf)
    distance.diagonal(dim1=1, dim2=2).fill_(torch.inf)
    nearest, neighbour = distance.topk(min(k, n_particles - 1), dim=-1, largest=False)
    valid = nearest.isfinite() & mask[:, :, None]
    packed = mask.flatten().cumsum(0).view_as(mask) - 1  # index in x[mask] where real
    source = packed[:, :, None].expand_as(neighbour)[valid]
    target = packed.gather(1, neighbour.flatten(1)).view_as(neighbour)[valid]
    return source, target, valid.sum(-1)[mask]


def conv_bn(n_in: int, n_out: int, relu: bool = True) -> nn.Sequential:
    """A 1×1 convolution on packed points or edges (a linear map without bias, as the batch
    norm that follows has one), batch norm, and optionally a ReLU."""
    layers: list[nn.Module] = [nn.Linear(n_in, n_out, bias=False), nn.BatchNorm1d(n_out)]
    return nn.Sequential(*layers, nn.ReLU(inplace=True)) if relu else nn.Sequential(*layers)


class EdgeConv(nn.Module):
    """One EdgeConv block on packed real points: ``(features (R, C_in), source, neighbour,
    count) -> (R, C_out)`` with C_out = ``channels[-1]``.

    The first layer's weight W = [W_c | W_d] acts on (x_i, x_j - x_i); it is applied as
    (W_c - W_d) x_i + W_d x_j, both products taken once per point rather than once per
    edge (the same map, k times fewer multiplications for that layer)."""

    def __init__(self, n_in: int, channels: Sequence[int]) -> None:
        super().__init__()
        widths = [2 * n_in, *channels]
        self.mlp = nn.Sequential(*(conv_bn(a, b) for a, b in pairwise(widths)))
        self.shortcut = None if n_in == channels[-1] else conv_bn(n_in, channels[-1], relu=False)

    def forward(
        self,
        features: torch.Tensor,
        source: torch.Tensor,
        neighbour: torch.Tensor,
        count: torch.Tensor,
    ) -> torch.Tensor:
        w_centre, w_difference = self.mlp[0][0].weight.split(features.shape[1], dim=1)
        edges = (features @ (w_centre - w_difference).T).index_select(0, source)
        edges = edges.add_((features @ w_difference.T).index_select(0, neighbour))
        messages = self.mlp[1:](self.mlp[0][1:](edges))
        summed = messages.new_zeros(features.shape[0], messages.shape[1])
        mean = summed.index_add(0, source, messages) / count.clamp(min=1)[:, None]
        shortcut = features if self.shortcut is None else self.shortcut(features)
        return torch.relu(shortcut + mean)


class ParticleNetEncoder(nn.Module):
    """Input batch norm, EdgeConv blocks, optional fusion and the average over real
    constituents: ``(x, mask) -> (n_jets, latent_width)``."""

    def __init__(
        self,
        n_features: int,
        coordinate_columns: Sequence[int],
        k: int,
        channels: Sequence[Sequence[int]],
        fusion: bool,
        input_batchnorm: bool,
    ) -> None:
        super().__init__()
        self.coordinate_columns = list(coordinate_columns)
        self.k = k
        self.input_bn = nn.BatchNorm1d(n_features) if input_batchnorm else None
        widths = [n_features] + [c[-1] for c in channels]
        self.blocks = nn.ModuleList(
            EdgeConv(n_in, c) for n_in, c in zip(widths, channels, strict=False)
        )
        self.fusion = None
        self.latent_width = widths[-1]
        if fusion:
            n_in = sum(widths[1:])
            self.latent_width = int(np.clip(n_in // 128 * 128, 128, 1024))
            self.fusion = conv_bn(n_in, self.latent_width)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        mask = mask.bool()
        features = x[mask]
        if self.input_bn is not None:
            features = self.input_bn(features)
        coords = x[..., self.coordinate_columns].masked_fill(~mask[..., None], 0)
        outputs = []
        for block in self.blocks:
            features = block(features, *knn_edges(coords, mask, self.k))
            outputs.append(features)
            coords = features.new_zeros(*mask.shape, features.shape[1]).masked_scatter(
                mask[..., None], features
            )
        if self.fusion is not None:
            features = self.fusion(torch.cat(outputs, dim=1))
        return sum_over_particles(features, mask) / mask.sum(1).clamp(min=1)[:, None]


class ParticleNet(Tagger):
    """ParticleNet returning class logits (softmax gives the paper's output).

    Hyper-parameters: ``k`` neighbours per point; ``channels``, one list of MLP widths
    per EdgeConv block; ``dense_sizes``, the head's hidden widths, each followed by ReLU
    and dropout of rate ``dropout``; ``fusion``, weaver's fusion layer before the pooling;
    ``coordinates``, the feature names spanning the first block's neighbour space;
    ``input_batchnorm``, batch norm of the input features.
    """

    def __init__(
        self,
        features: Sequence[str],
        n_classes: int,
        k: int,
        channels: Sequence[Sequence[int]],
        dense_sizes: Sequence[int],
        dropout: float,
        fusion: bool,
        coordinates: Sequence[str],
        input_batchnorm: bool,
        **unknown: object,
    ) -> None:
        if unknown:
            raise TypeError(f"unknown ParticleNet hyperparameters: {', '.join(sorted(unknown))}")
        super().__init__()
        features = list(features)
        missing = [name for name in coordinates if name not in features]
        if missing:
            raise ConfigError(
                f"ParticleNet coordinates {', '.join(map(repr, missing))} are not features "
                f"of the dataset (its features: {', '.join(features)})"
            )
        self.encoder = ParticleNetEncoder(
            len(features),
            [features.index(name) for name in coordinates],
            k,
            channels,
            fusion,
            input_batchnorm,
        )
        self.latent_width = self.encoder.latent_width
        layers: list[nn.Module] = []
        n_in = self.latent_width
        for size in dense_sizes:
            layers += [nn.Linear(n_in, size), nn.ReLU(), nn.Dropout(dropout)]
            n_in = size
        self.head = nn.Sequential(*layers, nn.Linear(n_in, n_classes))


def build(dataset_meta: dict, **hparams: object) -> ParticleNet:
    """ParticleNet or ParticleNet-Lite (``hparams``: models.particlenet or
    models.particlenet_lite of the config) for a dataset (its feature names and class
    count)."""
    return ParticleNet(dataset_meta["features"], dataset_meta["n_classes"], **hparams)
