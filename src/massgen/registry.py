"""Registries of sample families, representations, taggers and training methods: a name
and where its code lives.

A sample family (:mod:`massgen.samples`) entry is a module path; a representation
(:mod:`massgen.representations`) entry its module path and the keys of the config's
``datasets`` section it reads. A model or method entry is ``"module:attribute"``,
imported only when a job uses it, so the Snakefile knows every name without importing
torch. A model entry is a ``build(dataset_meta, **hyper_parameters) -> Tagger`` and the
representation it reads; a method entry a ``prepare(model, data, settings, context) ->
Plan`` (:mod:`massgen.training.methods`). A study adds its own entries without touching
this file: modules named in the config's ``extensions`` call :func:`register_model` /
:func:`register_method` when imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any, NamedTuple


class Representation(NamedTuple):
    """A representation's module, the ``datasets.<key>`` settings it reads and settings
    fixed by its name (e.g. a tree's order)."""

    module: str
    settings: tuple[str, ...]
    fixed: tuple[tuple[str, object], ...] = ()


class Model(NamedTuple):
    """A tagger's build function ("module:function"), the representation it reads and the
    config section of its hyper-parameters (``models.<hparams>``; its own name when None)."""

    target: str
    representation: str
    hparams: str | None = None


# Seed 003's tree orders (massgen.trees): clustering histories, pT sequences, random.
TREE_ORDERS = ("kt", "cambridge", "antikt", "desc_pt", "asc_pt", "random")


FAMILIES: dict[str, str] = {
    "zprime": "massgen.samples.zprime",
    "zjets": "massgen.samples.zjets",
    "qcd_dijet": "massgen.samples.qcd_dijet",
    "wprime": "massgen.samples.wprime",
    "ttbar_zprime": "massgen.samples.ttbar_zprime",
    "hh4b": "massgen.samples.hh4b",
    "hidden_valley": "massgen.samples.hidden_valley",
}

REPRESENTATIONS: dict[str, Representation] = {
    "point_cloud": Representation("massgen.representations.point_cloud", ("max_constituents",)),
    "image": Representation("massgen.representations.image", ("image_pixels",)),
    "dijet_image": Representation("massgen.representations.dijet_image", ("image_pixels",)),
    "log_cloud": Representation("massgen.representations.log_cloud", ("max_constituents",)),
    **{
        f"tree_{order}": Representation(
            "massgen.representations.tree", ("max_constituents",), (("order", order),)
        )
        for order in TREE_ORDERS
    },
}

MODELS: dict[str, Model] = {
    "pfn": Model("massgen.models.pfn:build", "point_cloud"),
    "efn": Model("massgen.models.efn:build", "point_cloud"),
    "particlenet": Model("massgen.models.particlenet:build", "point_cloud"),
    "particlenet_lite": Model("massgen.models.particlenet:build", "point_cloud"),
    "cnn": Model("massgen.models.cnn:build", "image"),
    "cnn_dijet": Model("massgen.models.cnn:build_dijet", "dijet_image", "cnn"),
    "fcn": Model("massgen.models.fcn:build", "point_cloud"),
    **{
        f"recnn{kind}_{order}": Model(
            f"massgen.models.recnn:build_{build}", f"tree_{order}", "recnn"
        )
        for kind, build in (("", "simple"), ("_gated", "gated"))
        for order in TREE_ORDERS
    },
}

METHODS: dict[str, str] = {
    "baseline": "massgen.training.methods.baseline:prepare",
    "planing": "massgen.training.methods.planing:prepare",
    "l1": "massgen.training.methods.penalty:prepare_l1",
    "l2": "massgen.training.methods.penalty:prepare_l2",
    "mldg": "massgen.training.methods.mldg:prepare",
    "metareg": "massgen.training.methods.metareg:prepare",
    "feature_critic": "massgen.training.methods.feature_critic:prepare",
    "disco": "massgen.training.methods.disco:prepare",
    "adversary": "massgen.training.methods.adversary:prepare",
}


def _register(table: dict, kind: str, name: str, entry: Any, target: str) -> None:
    if table.get(name, entry) != entry:
        raise ValueError(f"{kind} {name!r} is already registered as {table[name]}")
    if ":" not in target:
        raise ValueError(f"{kind} {name!r}: target {target!r} is not 'module:attribute'")
    table[name] = entry


def register_model(name: str, target: str, representation: str = "point_cloud") -> None:
    """Add a model ``name`` built by ``target`` ("module:function") from the datasets of a
    registered ``representation``."""
    if representation not in REPRESENTATIONS:
        raise ValueError(
            f"model {name!r}: unknown representation {representation!r}; "
            f"registered: {', '.join(REPRESENTATIONS)}"
        )
    _register(MODELS, "model", name, Model(target, representation), target)


def register_method(name: str, target: str) -> None:
    """Add a training method ``name`` prepared by ``target`` ("module:function")."""
    _register(METHODS, "method", name, target, target)


def resolve(target: str) -> Any:
    """The object a ``"module:attribute"`` entry names."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def load_extensions(modules: Iterable[str]) -> None:
    """Import the modules that register a study's own models and methods."""
    for module in modules:
        importlib.import_module(module)
