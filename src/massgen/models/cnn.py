"""Convolutional network on jet images (seed 001, Table 2).

Batch-normalised input image (seed 001: "the distributions of each of them are
independently batch normalized"), then (Conv 64@5x5 + ReLU, MaxPool 2x2) x 2,
Conv 128@3x3 + ReLU, MaxPool 2x2, Conv 128@3x3 + ReLU, flatten (the encoder, seed 001's
feature extractor Theta), then Dense 128 + ReLU x 3 and the output layer (the head,
theta). Same padding throughout. Seed 001 ends in one sigmoid unit; here the output has
one logit per class, as every tagger of the grid (for two classes the softmax is the
sigmoid of the logits' difference). Keras-like initialisation: Glorot-uniform weights,
zero biases.

Seed 001's event classifier (:class:`DijetCNN`, model ``cnn_dijet``) reads the images of
the two leading jets: each batch-normalised on its own, both through one CNN that
returns one number per jet, the event's signal probability the product of the two.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from massgen.models import Tagger
from massgen.models.pfn import dense_stack


class ConvEncoder(nn.Module):
    """Image (n_jets, pixels, pixels) -> flattened feature maps (n_jets, latent); the
    input batch-normalised first unless ``normalise`` is False."""

    def __init__(
        self,
        pixels: int,
        conv_channels: Sequence[int],
        kernel_sizes: Sequence[int],
        pool_after: Sequence[bool],
        normalise: bool = True,
    ) -> None:
        super().__init__()
        if not len(conv_channels) == len(kernel_sizes) == len(pool_after):
            raise ValueError(
                "models.cnn: conv_channels, kernel_sizes and pool_after need one entry per "
                f"layer, got {len(conv_channels)}, {len(kernel_sizes)}, {len(pool_after)}"
            )
        layers: list[nn.Module] = [nn.BatchNorm2d(1)] if normalise else []
        n_in, side = 1, pixels
        for channels, kernel, pool in zip(conv_channels, kernel_sizes, pool_after, strict=True):
            layers += [nn.Conv2d(n_in, channels, kernel, padding="same"), nn.ReLU()]
            if pool:
                layers.append(nn.MaxPool2d(2))
                side //= 2
            n_in = channels
        if side < 1:
            raise ValueError(f"models.cnn: {pixels} pixels are pooled away by {pool_after}")
        self.layers = nn.Sequential(*layers, nn.Flatten())
        self.width = n_in * side * side

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return self.layers(x[:, None])


class CNN(Tagger):
    """Seed 001's CNN returning class logits; ``mask`` (images have no padding) is unused."""

    def __init__(
        self,
        pixels: int,
        n_classes: int,
        conv_channels: Sequence[int],
        kernel_sizes: Sequence[int],
        pool_after: Sequence[bool],
        dense_sizes: Sequence[int],
    ) -> None:
        super().__init__()
        self.encoder = ConvEncoder(pixels, conv_channels, kernel_sizes, pool_after)
        self.latent_width = self.encoder.width
        self.head = nn.Sequential(
            dense_stack(self.latent_width, dense_sizes), nn.Linear(dense_sizes[-1], n_classes)
        )
        keras_init(self)


def keras_init(model: nn.Module) -> None:
    """Keras' defaults: Glorot-uniform weights and zero biases of every dense and
    convolutional layer."""
    for module in model.modules():
        if isinstance(module, nn.Linear | nn.Conv2d):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)


class PairEncoder(nn.Module):
    """The two leading jets' images (n_events, 2, pixels, pixels) -> their feature maps
    side by side (n_events, 2 x latent): each jet's image batch-normalised on its own
    (seed 001: "the distributions of each of them are independently batch normalized"),
    both through one convolutional network."""

    def __init__(self, pixels: int, conv: dict) -> None:
        super().__init__()
        self.norms = nn.ModuleList([nn.BatchNorm2d(1), nn.BatchNorm2d(1)])
        self.conv = ConvEncoder(pixels, normalise=False, **conv)
        self.width = 2 * self.conv.width

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        normalised = [norm(x[:, [j]])[:, 0] for j, norm in enumerate(self.norms)]
        first, second = self.conv(torch.cat(normalised), mask).chunk(2)
        return torch.cat([first, second], dim=1)


class ProductHead(nn.Module):
    """Both jets' feature maps (n_events, 2 x latent) -> the event's two class logits.

    One dense network gives each jet a logit a_j; the event's signal probability is
    p = sigmoid(a_1) sigmoid(a_2) (seed 001's product of the two numbers), returned as
    the logits (log(1 - p), log p), whose softmax is (1 - p, p).
    """

    def __init__(self, width: int, dense_sizes: Sequence[int]) -> None:
        super().__init__()
        self.jet = nn.Sequential(dense_stack(width, dense_sizes), nn.Linear(dense_sizes[-1], 1))

    def jet_logits(self, latent: torch.Tensor) -> torch.Tensor:
        """a_j per event and jet (n_events, 2)."""
        return self.jet(latent.view(len(latent), 2, -1))[..., 0]

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        log_p = nn.functional.logsigmoid(self.jet_logits(latent)).sum(dim=1)
        # log(1 - p) from log p; p = 1 to float precision would give -inf.
        log_q = torch.log(-torch.expm1(log_p.clamp(max=-1e-7)))
        return torch.stack([log_q, log_p], dim=1)


class DijetCNN(Tagger):
    """Seed 001's event classifier on the two leading jets' images: the CNN of Table 2
    shared by both jets (:class:`PairEncoder`, its feature extractor Theta) and its
    dense layers on each jet, their outputs multiplied (:class:`ProductHead`, theta).
    Signal against background only: two classes."""

    def __init__(
        self,
        pixels: int,
        conv_channels: Sequence[int],
        kernel_sizes: Sequence[int],
        pool_after: Sequence[bool],
        dense_sizes: Sequence[int],
    ) -> None:
        super().__init__()
        conv = {
            "conv_channels": conv_channels,
            "kernel_sizes": kernel_sizes,
            "pool_after": pool_after,
        }
        self.encoder = PairEncoder(pixels, conv)
        self.latent_width = self.encoder.width
        self.head = ProductHead(self.encoder.conv.width, dense_sizes)
        keras_init(self)

    @property
    def n_classes(self) -> int:
        """Background and signal: the product head's two logits."""
        return 2


class ScaleShiftConv2d(nn.Module):
    """Seed 001's meta-transfer convolution (Sec. 5, Eqs. 4-5): a pretrained
    convolution's filters F^{cf} scaled per input channel c and filter f by S^{cf}, its
    bias b^f shifted by S-bar^f, before the activation. At S = 1 and S-bar = 0 it is the
    convolution itself, to the bit (multiplying by 1 and adding 0 are exact)."""

    def __init__(self, conv: nn.Conv2d) -> None:
        super().__init__()
        self.conv = conv
        self.scale = nn.Parameter(torch.ones(conv.out_channels, conv.in_channels, 1, 1))
        self.shift = nn.Parameter(torch.zeros(conv.out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv._conv_forward(
            x, self.conv.weight * self.scale, self.conv.bias + self.shift
        )


def with_scale_shift(model: nn.Module) -> list[nn.Parameter]:
    """Put every convolution of ``model`` inside a :class:`ScaleShiftConv2d` (in place,
    keeping its weights) and return the scaling and shifting parameters, the ones
    meta-training moves."""
    added: list[nn.Parameter] = []
    for module in list(model.modules()):
        for name, child in list(module.named_children()):
            if isinstance(child, nn.Conv2d):
                wrapped = ScaleShiftConv2d(child)
                setattr(module, name, wrapped)
                added += [wrapped.scale, wrapped.shift]
    return added


def build(
    dataset_meta: dict,
    *,
    conv_channels: Sequence[int],
    kernel_sizes: Sequence[int],
    pool_after: Sequence[bool],
    dense_sizes: Sequence[int],
) -> CNN:
    """A CNN on an image dataset (its pixels per side from meta.json; the defaults are the
    config schema's, models.cnn)."""
    if "pixels" not in dataset_meta:
        raise ValueError(
            f"cnn reads jet images; the dataset holds {dataset_meta.get('representation')}"
        )
    return CNN(
        dataset_meta["pixels"],
        dataset_meta["n_classes"],
        conv_channels,
        kernel_sizes,
        pool_after,
        dense_sizes,
    )


def build_dijet(
    dataset_meta: dict,
    *,
    conv_channels: Sequence[int],
    kernel_sizes: Sequence[int],
    pool_after: Sequence[bool],
    dense_sizes: Sequence[int],
) -> DijetCNN:
    """Seed 001's two-jet CNN on a dataset of two-jet images (settings models.cnn)."""
    if dataset_meta.get("jets") != 2 or "pixels" not in dataset_meta:
        raise ValueError(
            "cnn_dijet reads the two leading jets' images; the dataset holds "
            f"{dataset_meta.get('representation')}"
        )
    if dataset_meta["n_classes"] != 2:
        raise ValueError(
            f"cnn_dijet separates two classes (its output is a product of two "
            f"probabilities); the dataset has {dataset_meta['n_classes']}"
        )
    return DijetCNN(dataset_meta["pixels"], conv_channels, kernel_sizes, pool_after, dense_sizes)
