"""Convolutional network on jet images (seed 001, Table 2).

Batch-normalised input image (seed 001: "the distributions of each of them are
independently batch normalized"), then (Conv 64@5x5 + ReLU, MaxPool 2x2) x 2,
Conv 128@3x3 + ReLU, MaxPool 2x2, Conv 128@3x3 + ReLU, flatten (the encoder, seed 001's
feature extractor Theta), then Dense 128 + ReLU x 3 and the output layer (the head,
theta). Same padding throughout. Seed 001 ends in one sigmoid unit; here the output has
one logit per class, as every tagger of the grid (for two classes the softmax is the
sigmoid of the logits' difference). Keras-like initialisation: Glorot-uniform weights,
zero biases.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from massgen.models import Tagger
from massgen.models.pfn import dense_stack


class ConvEncoder(nn.Module):
    """Image (n_jets, pixels, pixels) -> flattened feature maps (n_jets, latent)."""

    def __init__(
        self,
        pixels: int,
        conv_channels: Sequence[int],
        kernel_sizes: Sequence[int],
        pool_after: Sequence[bool],
    ) -> None:
        super().__init__()
        if not len(conv_channels) == len(kernel_sizes) == len(pool_after):
            raise ValueError(
                "models.cnn: conv_channels, kernel_sizes and pool_after need one entry per "
                f"layer, got {len(conv_channels)}, {len(kernel_sizes)}, {len(pool_after)}"
            )
        layers: list[nn.Module] = [nn.BatchNorm2d(1)]
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
        for module in self.modules():
            if isinstance(module, nn.Linear | nn.Conv2d):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)


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
