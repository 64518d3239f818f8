"""Jet taggers: torch modules with an encoder and a head, built from a dataset's meta data.

Every tagger maps a batch of jets to class logits in two parts: the ``encoder`` (the
paper's feature extractor F_psi: jet -> latent vector) and the ``head`` (its task
network T_theta: latent vector -> logits). Methods that act on one part (L1/L2 and
MetaReg on the head, Feature-Critic on the latent space) use that split, whatever the
architecture. Models are registry entries (:mod:`massgen.registry`).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from torch import nn

from massgen.errors import InputFileError
from massgen.registry import resolve


class Tagger(nn.Module):
    """A jet tagger: ``head(encoder(x, mask))``.

    Subclasses set ``encoder`` (``(x, mask) -> (n_jets, latent_width)``), ``head``
    (``(n_jets, latent_width) -> (n_jets, n_classes)``) and ``latent_width``. A model
    is rebuilt from its registry target and hyper-parameters (hparams.json).
    """

    encoder: nn.Module
    head: nn.Module
    latent_width: int

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Class logits (n_jets, n_classes)."""
        return self.head(self.encoder(x, mask))

    @property
    def n_classes(self) -> int:
        """Class logits per jet: the outputs of the head's last linear layer (a head that
        ends otherwise says so by overriding this)."""
        return last_linear(self).out_features


def last_linear(model: Tagger) -> nn.Linear:
    """The head's last linear layer: its input is the penultimate latent vector, its
    output the class logits."""
    return [m for m in model.head.modules() if isinstance(m, nn.Linear)][-1]


def head_weights(model: Tagger) -> dict[str, nn.Parameter]:
    """The head's weight matrices (no biases) by parameter name: what L1/L2 and MetaReg
    regularise."""
    return {f"head.{n}": p for n, p in model.head.named_parameters() if p.dim() >= 2}


def build_model(target: str, dataset_meta: dict, **hparams: object) -> Tagger:
    """The model built by ``target`` (a registry entry's "module:function") for a dataset
    (input widths from its meta.json)."""
    model = resolve(target)(dataset_meta, **hparams)
    if not isinstance(model, Tagger):
        raise TypeError(f"{target} built a {type(model).__name__}, not a Tagger")
    return model


def load_model(model_dir: str | Path, device: torch.device | None = None) -> Tagger:
    """Rebuild a trained tagger from its folder (hparams.json and model.pt)."""
    model_dir = Path(model_dir)
    try:
        record = json.loads((model_dir / "hparams.json").read_text())["model"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputFileError(f"{model_dir}/hparams.json: no model record ({exc})") from exc
    model = build_model(record["target"], record["dataset"], **record["hparams"])
    state = torch.load(model_dir / "model.pt", map_location="cpu")
    model.load_state_dict(state)
    return model.to(device or "cpu").eval()
