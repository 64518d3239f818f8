"""Config validation: defaults, and errors that name the key at fault."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

import massgen
from massgen.config import SCHEMA_PATH, load_config, load_schema, validate_config
from massgen.errors import ConfigError

from .conftest import REPO

MINIMAL = {"study": "x", "masses": [150], "events": {"signal": 10, "qcd": 10}}


def test_default_config_is_valid_and_complete():
    config = load_config(REPO / "config.yaml")
    assert config["masses"] == list(range(150, 601, 50))
    assert config["cuts"]["jet_pt_min"] == 1200.0


def test_defaults_are_filled():
    config = validate_config(yaml.safe_load(yaml.safe_dump(MINIMAL)))
    assert config["sqrt_s"] == 13000.0
    assert config["split"] == {"train": 0.75, "val": 0.10, "test": 0.15}
    assert config["cuts"]["window_fraction"] == 0.25
    assert config["generation"]["zprime_decay_quarks"] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"masess": [150]}, "masess"),
        ({"events": {"signal": 10, "qcd": 10, "chunksize": 5}}, "events.chunksize"),
        ({"events": {"signal": "ten", "qcd": 10}}, "events.signal"),
        ({"masses": [150, 175]}, "masses[1]"),
        ({"masses": [700]}, "masses[0]"),
        ({"cuts": {"jet_pt_min": -1}}, "cuts.jet_pt_min"),
        ({"split": {"train": 0.5, "val": 0.1, "test": 0.1}}, "split"),
    ],
)
def test_bad_config_names_the_key(change, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        validate_config({**MINIMAL, **change})


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_source_splits_must_use_study_masses():
    config = validate_config({**MINIMAL, "masses": [150, 200]})
    assert config["training"]["source_splits"] == [[150, 200]]
    with pytest.raises(ConfigError, match=r"training\.source_splits\[0\]"):
        validate_config({**MINIMAL, "training": {"source_splits": [[150, 600]]}})


def test_schema_ships_with_the_package():
    """The schema is package data next to the code, not read from the repository."""
    assert SCHEMA_PATH.is_file()
    assert Path(str(SCHEMA_PATH)) == Path(massgen.__file__).parent / "schemas" / SCHEMA_PATH.name


def test_default_python_image_is_tagged_with_the_package_version():
    python = load_schema()["properties"]["images"]["properties"]["python"]
    assert python["default"].endswith(f":{massgen.__version__}"), (
        "bump the images.python default in src/massgen/schemas/config.schema.yaml "
        "together with the version in pyproject.toml"
    )


def test_version_comes_from_pyproject():
    """pyproject.toml holds the version; a stale install (pip install -e . not rerun) fails."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert massgen.__version__ == project["version"]


def test_grid_constants_and_registries_match_the_schema():
    """The names the workflow's wildcards use and the registries agree with the schema."""
    from massgen.grid import SPLITS
    from massgen.registry import METHODS, MODELS

    schema = load_schema()["properties"]
    assert tuple(schema["split"]["properties"]) == SPLITS
    training = schema["training"]["properties"]
    assert training["methods"]["default"] == list(METHODS)
    assert training["model"]["default"] in MODELS
    assert set(schema["models"]["properties"]) <= set(MODELS)
    sections = {name for name, sub in training.items() if sub.get("type") == "object"}
    assert sections <= set(METHODS), "a settings section without a registered method"
