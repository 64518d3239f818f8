"""Config validation: defaults, and errors that name the key at fault."""

from __future__ import annotations

import pytest
import yaml

from massgen.config import load_config, validate_config
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
