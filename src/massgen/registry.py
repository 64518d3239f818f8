"""Registries of sample families, taggers and training methods: a name and where its
code lives.

A sample family (:mod:`massgen.samples`) or a representation
(:mod:`massgen.representations`) entry is a module path. A model or method entry is
``"module:attribute"``, imported only when a job uses it, so the Snakefile knows every
name without importing torch. A model entry is a
``build(dataset_meta, **hyper_parameters) -> Tagger``; a method entry a
``prepare(model, data, settings, context) -> Plan`` (:mod:`massgen.training.methods`).
A study adds its own entries without touching this file: modules named in the config's
``extensions`` call :func:`register_model` / :func:`register_method` when imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

FAMILIES: dict[str, str] = {
    "zprime": "massgen.samples.zprime",
    "zjets": "massgen.samples.zjets",
}

REPRESENTATIONS: dict[str, str] = {
    "point_cloud": "massgen.representations.point_cloud",
}

MODELS: dict[str, str] = {
    "pfn": "massgen.models.pfn:build",
}

METHODS: dict[str, str] = {
    "baseline": "massgen.training.methods.baseline:prepare",
    "planing": "massgen.training.methods.planing:prepare",
    "l1": "massgen.training.methods.penalty:prepare_l1",
    "l2": "massgen.training.methods.penalty:prepare_l2",
    "mldg": "massgen.training.methods.mldg:prepare",
    "metareg": "massgen.training.methods.metareg:prepare",
    "feature_critic": "massgen.training.methods.feature_critic:prepare",
}


def _register(table: dict[str, str], kind: str, name: str, target: str) -> None:
    if table.get(name, target) != target:
        raise ValueError(f"{kind} {name!r} is already registered as {table[name]}")
    if ":" not in target:
        raise ValueError(f"{kind} {name!r}: target {target!r} is not 'module:attribute'")
    table[name] = target


def register_model(name: str, target: str) -> None:
    """Add a model ``name`` built by ``target`` ("module:function")."""
    _register(MODELS, "model", name, target)


def register_method(name: str, target: str) -> None:
    """Add a training method ``name`` prepared by ``target`` ("module:function")."""
    _register(METHODS, "method", name, target)


def resolve(target: str) -> Any:
    """The object a ``"module:attribute"`` entry names."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


def load_extensions(modules: Iterable[str]) -> None:
    """Import the modules that register a study's own models and methods."""
    for module in modules:
        importlib.import_module(module)
