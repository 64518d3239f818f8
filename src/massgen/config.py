"""Load and validate a study configuration against the package's ``schemas/config.schema.yaml``.

Validation fills in the schema's defaults, so downstream code can index every key.
Errors are raised as :class:`~massgen.errors.ConfigError` naming the key path
(for example ``events.qcd`` or ``masses[2]``).
"""

from __future__ import annotations

import copy
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from massgen import __version__
from massgen.errors import ConfigError
from massgen.paths import curve_sources
from massgen.registry import METHODS, MODELS, load_extensions
from massgen.samples import class_set_groups, of_study, parse_sample

# Package data (pyproject.toml [tool.setuptools.package-data]), so an installed massgen has it.
SCHEMA_PATH = files("massgen") / "schemas" / "config.schema.yaml"


def _key_path(path: Any) -> str:
    """Render a jsonschema error path as ``a.b[2]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<top level>"


def _fill_defaults(instance: dict, schema: dict) -> None:
    """Insert the schema's ``default`` values for missing keys, recursively."""
    for key, sub in schema.get("properties", {}).items():
        if key not in instance and "default" in sub:
            instance[key] = copy.deepcopy(sub["default"])
        if isinstance(instance.get(key), dict) and sub.get("type") == "object":
            _fill_defaults(instance[key], sub)


def _describe(error: jsonschema.ValidationError) -> str:
    """One line naming the key and what is wrong with it."""
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        where = _key_path(error.absolute_path)
        prefix = "" if where == "<top level>" else where + "."
        return f"unknown key {', '.join(prefix + k for k in extra)!s}: {error.message}"
    if error.validator == "required":
        where = _key_path(error.absolute_path)
        missing = [k for k in error.validator_value if k not in error.instance]
        prefix = "" if where == "<top level>" else where + "."
        described = error.schema["properties"][missing[0]].get("description", "")
        return f"{prefix}{missing[0]}: required, not set. {described}".strip()
    if error.validator == "enum" and list(error.absolute_path)[:1] == ["masses"]:
        return (
            f"{_key_path(error.absolute_path)}: mass {error.instance!r} GeV is not on the grid "
            f"{error.validator_value}"
        )
    return f"{_key_path(error.absolute_path)}: {error.message}"


def load_schema(path: Traversable | Path | str = SCHEMA_PATH) -> dict:
    """Read the JSON schema (YAML) of a study configuration."""
    return yaml.safe_load((Path(path) if isinstance(path, str) else path).read_text())


def validate_config(config: dict, schema_path: Traversable | Path | str = SCHEMA_PATH) -> dict:
    """Validate ``config`` in place, fill in defaults and check cross-key rules.

    Returns the same dictionary. Raises ConfigError naming the first bad key.
    """
    schema = load_schema(schema_path)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError("invalid configuration: " + "; ".join(_describe(e) for e in errors))
    splits_given = "source_splits" in config.get("training", {})
    _fill_defaults(config, schema)
    config["images"] = {k: v.replace("{version}", __version__) for k, v in config["images"].items()}
    if not splits_given:  # the paper's splits, where the study has their masses
        config["training"]["source_splits"] = [
            s for s in config["training"]["source_splits"] if set(s) <= set(config["masses"])
        ]
    split = config["split"]
    total = split["train"] + split["val"] + split["test"]
    if abs(total - 1.0) > 1e-9:
        raise ConfigError(f"split: train + val + test must be 1, got {total:g}")
    for i, sources in enumerate(config["training"]["source_splits"]):
        missing = sorted(set(sources) - set(config["masses"]))
        if missing:
            raise ConfigError(f"training.source_splits[{i}]: masses {missing} are not in masses")
    _choose_comparison_split(config)
    for i, sources in enumerate(config["learning_curve"]["masses"]):
        missing = sorted(set(curve_sources(sources)) - set(config["masses"]))
        if missing:
            raise ConfigError(f"learning_curve.masses[{i}]: masses {missing} are not in masses")
    _check_leading_jets(config)
    epochs = [epoch for epoch, _ in config["training"]["learning_rate_schedule"]]
    if epochs != sorted(set(epochs)):
        raise ConfigError(
            f"training.learning_rate_schedule: epochs {epochs} are not in increasing order"
        )
    _check_registered(config, schema)
    _check_anti_qcd(config)
    _check_dark_showers(config)
    _check_lhe_files(config)
    _check_events_study(config)
    return config


def _check_leading_jets(config: dict) -> None:
    """Seed 001's search selects the two leading jets; every other study the leading one."""
    if config["kind"] == "weak_supervision":
        if config["jets"]["n_leading"] != 2:
            raise ConfigError(
                "jets.n_leading: kind weak_supervision selects the two leading jets; set 2"
            )
    elif config["jets"]["n_leading"] != 1:
        raise ConfigError(
            "jets.n_leading: the selections of this kind take the leading jet alone; "
            "set 1 (two jets per event are for kind weak_supervision)"
        )


def _check_dark_showers(config: dict) -> None:
    """Seed 001's signals are dark showers (family hidden_valley) and its background a
    label-0 sample, each once; its dijet-mass intervals are ordered and the sidebands
    do not overlap the signal region."""
    section = config["dark_showers"]
    for key, name in [("background", section["background"])] + [
        (f"signals[{i}]", name) for i, name in enumerate(section["signals"])
    ]:
        try:
            sample = parse_sample(name)
        except ValueError as exc:
            raise ConfigError(f"dark_showers.{key}: {exc}") from exc
        if key == "background" and sample.label != 0:
            raise ConfigError(f"dark_showers.background: {name} is a signal, not a background")
        if key != "background" and sample.family != "hidden_valley":
            raise ConfigError(
                f"dark_showers.{key}: {name} is not a dark shower (family hidden_valley, "
                "e.g. hv_indirect_lambda10)"
            )
    low, high = section["signal_region"]
    if low >= high:
        raise ConfigError(f"dark_showers.signal_region: [{low:g}, {high:g}] GeV is empty")
    for i, (side_low, side_high) in enumerate(section["sidebands"]):
        key = f"dark_showers.sidebands[{i}]"
        if side_low >= side_high:
            raise ConfigError(f"{key}: [{side_low:g}, {side_high:g}] GeV is empty")
        if side_low < high and side_high > low:
            raise ConfigError(
                f"{key}: [{side_low:g}, {side_high:g}] GeV overlaps the signal region "
                f"[{low:g}, {high:g}] GeV"
            )


def _check_events_study(config: dict) -> None:
    """Fill ``events.study`` (the study's own name by default) and refuse reading another
    study's events where the chunks come from a file: MadGraph's gridpack or a user's LHE
    file belongs to the study that made it."""
    events = config["events"]
    events.setdefault("study", config["study"])
    if events["study"] == config["study"]:
        return
    generation = config["generation"]
    if generation["generator"] != "pythia" or generation["lhe"]:
        raise ConfigError(
            f"events.study: reading the events of study {events['study']!r} needs Pythia "
            "alone (generation.generator: pythia, no generation.lhe)"
        )


def _check_anti_qcd(config: dict) -> None:
    """Seed 004's samples name registered families with physical parameters, each once;
    a class set trains on no unseen signal and names a sample in one group only; its pT
    window is ordered."""
    section = config["anti_qcd"]
    seen: dict[str, str] = {}
    for role in ("classes", "unseen"):
        for i, name in enumerate(section[role]):
            key = f"anti_qcd.{role}[{i}]"
            try:
                parse_sample(name)
            except ValueError as exc:
                raise ConfigError(f"{key}: {exc}") from exc
            if name in seen:
                raise ConfigError(f"{key}: {name} is already {seen[name]}")
            seen[name] = key
    classes = section["classes"]
    for name, spec in section["class_sets"].items():
        key = f"anti_qcd.class_sets.{name}"
        groups = class_set_groups(spec)
        if groups[0] != classes[:1]:
            raise ConfigError(f"{key}: the first group must be [{classes[0]}] (QCD) alone")
        members = [sample for group in groups for sample in group]
        for sample in members:
            if sample in section["unseen"]:
                raise ConfigError(f"{key}: {sample} is an unseen signal (anti_qcd.unseen)")
            try:
                parse_sample(sample)
            except ValueError as exc:
                raise ConfigError(f"{key}: {exc}") from exc
            if members.count(sample) > 1:
                raise ConfigError(f"{key}: {sample} is in more than one group")
        methods = spec.get("methods", []) if isinstance(spec, dict) else []
        for method in methods:
            if method not in config["training"]["methods"]:
                raise ConfigError(f"{key}.methods: {method} is not one of training.methods")
    low, high = section["pt_window"]
    if low >= high:
        raise ConfigError(f"anti_qcd.pt_window: [{low:g}, {high:g}] GeV is empty")
    if config["kind"] == "recursive":
        _check_recursive(section)


def _check_recursive(section: dict) -> None:
    """Seed 003's study tags one signal against QCD with one classifier of both classes."""
    if len(section["classes"]) != 2:
        raise ConfigError(
            "anti_qcd.classes: kind recursive tags one signal against QCD: give two classes, "
            f"got {len(section['classes'])}"
        )
    if section["unseen"]:
        raise ConfigError("anti_qcd.unseen: kind recursive scores no unseen signals; set []")
    if section["class_sets"]:
        raise ConfigError("anti_qcd.class_sets: kind recursive trains on both classes only; set {}")


def _choose_comparison_split(config: dict) -> None:
    """Fill ``plots.comparison_split`` (the split with the most masses when unset) and
    check that it is one of the study's source splits."""
    splits = [sorted(s) for s in config["training"]["source_splits"]]
    chosen = config["plots"]["comparison_split"]
    if chosen is None:
        config["plots"]["comparison_split"] = max(splits, key=len) if splits else None
    elif sorted(chosen) not in splits:
        raise ConfigError(
            f"plots.comparison_split: {chosen} is not one of training.source_splits {splits}"
        )


def _check_lhe_files(config: dict) -> None:
    """Every ``generation.lhe`` entry names a sample of the study and an existing file."""
    samples = [s.name for s in of_study(config)]
    for sample, path in config["generation"]["lhe"].items():
        if sample not in samples:
            raise ConfigError(
                f"generation.lhe.{sample}: not a sample of the study ({', '.join(samples)})"
            )
        if not Path(path).is_file():
            raise ConfigError(f"generation.lhe.{sample}: {path}: file not found")


def _check_registered(config: dict, schema: dict) -> None:
    """Import the config's extensions, then check its model and methods are registered."""
    for i, module in enumerate(config["extensions"]):
        try:
            load_extensions([module])
        except ImportError as exc:
            raise ConfigError(f"extensions[{i}]: cannot import {module!r} ({exc})") from exc
    training = config["training"]
    declared = schema["properties"]["training"]["properties"]
    for key, value in training.items():
        if key not in declared and key not in METHODS:
            raise ConfigError(
                f"unknown key training.{key}: neither a setting nor a registered method"
                f" ({', '.join(METHODS)})"
            )
        if key in METHODS and not isinstance(value, dict):
            raise ConfigError(f"training.{key}: a method's settings must be a mapping")
    for i, model in enumerate(training["models"]):
        if model not in MODELS:
            raise ConfigError(
                f"training.models[{i}]: unknown model {model!r}; registered: {', '.join(MODELS)}"
            )
    for i, method in enumerate(training["methods"]):
        if method in declared and declared[method].get("type") != "object":
            raise ConfigError(f"training.methods[{i}]: {method!r} names a training setting")
        if method not in METHODS:
            raise ConfigError(
                f"training.methods[{i}]: unknown method {method!r}; "
                f"registered: {', '.join(METHODS)}"
            )


def defaults() -> dict:
    """Every default of the schema, as a (partial) configuration: the one source of
    default settings for code that runs outside a study (tests, benchmarks)."""
    config: dict = {}
    _fill_defaults(config, load_schema())
    return config


def load_config(path: Path | str, schema_path: Traversable | Path | str = SCHEMA_PATH) -> dict:
    """Read a YAML study configuration and validate it."""
    try:
        config = yaml.safe_load(Path(path).read_text())
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file {path} not found") from exc
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: a configuration must be a mapping of keys")
    return validate_config(config, schema_path)
