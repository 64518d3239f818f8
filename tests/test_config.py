"""Config validation: defaults, and errors that name the key at fault."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile

import pytest
import yaml

import massgen
from massgen.config import SCHEMA_PATH, load_config, load_schema, validate_config
from massgen.errors import ConfigError

from .conftest import REPO

IGNORED = shutil.ignore_patterns("*.egg-info", "__pycache__")
MINIMAL = {"study": "x", "masses": [150], "events": {"signal": 10, "qcd": 10}}


def test_default_config_is_valid_and_complete():
    config = load_config(REPO / "config" / "config.yaml")
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
        ({"anti_qcd": {"classes": ["qcd_dijet", "wprime_m-1250"]}}, "anti_qcd.classes[1]: "),
        ({"anti_qcd": {"unseen": ["axion_m5"]}}, "anti_qcd.unseen[0]: unknown sample"),
        ({"anti_qcd": {"unseen": ["hh4b_m174_mh0"]}}, "anti_qcd.unseen[0]: "),
        ({"anti_qcd": {"unseen": ["qcd_dijet"]}}, "anti_qcd.unseen[0]: qcd_dijet is already"),
        ({"anti_qcd": {"pt_window": [650, 550]}}, "anti_qcd.pt_window"),
    ],
)
def test_bad_config_names_the_key(change, key):
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        validate_config({**MINIMAL, **change})


def test_a_study_needs_its_name():
    """Without ``study`` the outputs would have no directory of their own: refused."""
    with pytest.raises(ConfigError, match=r"^invalid configuration: study: required, not set"):
        validate_config({"masses": [150]})


def test_defaults_are_the_papers():
    """A configuration of a name alone is the paper's study (arXiv:2111.06047, Sec. IV):
    ten masses, 5 x 10^5 jets per class and window, 100 epochs, 5 seeds, seven methods."""
    config = validate_config({"study": "x"})
    assert config["masses"] == list(range(150, 601, 50))
    assert config["events"] == {"signal": 750000, "qcd": 9500000, "chunk_size": 25000, "study": "x"}
    training = config["training"]
    assert (training["max_epochs"], training["patience"], training["seeds"]) == (100, 5, 5)
    assert training["source_splits"] == [[150, 200], [150, 200, 250], [150, 600]]
    assert len(training["methods"]) == 7


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")


def test_source_splits_must_use_study_masses():
    config = validate_config({**MINIMAL, "masses": [150, 200]})
    assert config["training"]["source_splits"] == [[150, 200]]
    with pytest.raises(ConfigError, match=r"training\.source_splits\[0\]"):
        validate_config({**MINIMAL, "training": {"source_splits": [[150, 600]]}})


@pytest.mark.slow
def test_schema_ships_with_the_package(tmp_path):
    """The schema is package data: a built wheel (what a non-editable install, such as
    our image's, installs) holds it next to the code."""
    assert SCHEMA_PATH.is_file()
    source = tmp_path / "source"  # pip builds in the source tree: a copy keeps ours clean
    shutil.copytree(REPO / "src", source / "src", ignore=IGNORED)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = tmp_path.glob("massgen-*.whl")
    assert "massgen/schemas/config.schema.yaml" in zipfile.ZipFile(wheel).namelist()


def test_default_python_image_is_tagged_with_the_package_version():
    images = validate_config(yaml.safe_load(yaml.safe_dump(MINIMAL)))["images"]
    assert images["python"] == f"docker://ghcr.io/massgen/massgen:{massgen.__version__}"


def test_version_comes_from_pyproject():
    """pyproject.toml holds the version; a stale install (pip install -e . not rerun) fails."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert massgen.__version__ == project["version"]


def test_grid_constants_and_registries_match_the_schema():
    """The names the workflow's wildcards use and the registries agree with the schema."""
    from massgen.grid import SPLITS
    from massgen.registry import METHODS, MODELS, REPRESENTATIONS

    schema = load_schema()["properties"]
    assert tuple(schema["split"]["properties"]) == SPLITS
    training = schema["training"]["properties"]
    # The founding paper's seven by default, in registry order; the decorrelating two
    # are opt-in.
    default = training["methods"]["default"]
    assert default == [m for m in METHODS if m in default]
    assert [m for m in METHODS if m not in default] == ["disco", "adversary"]
    assert set(training["models"]["default"]) <= set(MODELS)
    sections = {entry.hparams or name for name, entry in MODELS.items()}
    assert set(schema["models"]["properties"]) == sections, "a model without its settings"
    for entry in REPRESENTATIONS.values():
        assert set(entry.settings) <= set(schema["datasets"]["properties"])
    sections = {name for name, sub in training.items() if sub.get("type") == "object"}
    assert sections <= set(METHODS), "a settings section without a registered method"


def test_unknown_model_and_comparison_split_are_named():
    with pytest.raises(ConfigError, match=r"training\.models\[1\]: unknown model 'bdt'"):
        validate_config({**MINIMAL, "training": {"models": ["pfn", "bdt"]}})
    with pytest.raises(ConfigError, match=r"plots\.comparison_split: \[150, 250\]"):
        validate_config({**MINIMAL, "plots": {"comparison_split": [150, 250]}})
    chosen = validate_config({"study": "x"})["plots"]["comparison_split"]
    assert chosen == [150, 200, 250]  # the default study's largest split


def test_several_jets_need_another_selection():
    with pytest.raises(ConfigError, match=r"jets\.n_leading"):
        validate_config({**MINIMAL, "jets": {"n_leading": 2}})


def test_learning_rate_schedule_replaces_the_rate():
    from massgen.params import training

    schedule = [[0, 3.0e-4], [8, 3.0e-3], [16, 3.0e-4], [20, 5.0e-7]]
    config = validate_config({**MINIMAL, "training": {"learning_rate_schedule": schedule}})
    loop = training(config, "pfn", "baseline")["loop"]
    assert loop["learning_rate_schedule"] == schedule
    assert loop["learning_rate"] is None  # the schedule alone sets the rate
    plain = training(validate_config(dict(MINIMAL)), "pfn", "baseline")["loop"]
    assert "learning_rate_schedule" not in plain
    assert plain["learning_rate"] == 1e-3
    with pytest.raises(ConfigError, match=r"training\.learning_rate_schedule: epochs \[0, 8, 4\]"):
        validate_config(
            {**MINIMAL, "training": {"learning_rate_schedule": [[0, 1e-3], [8, 1e-2], [4, 1e-3]]}}
        )
    with pytest.raises(ConfigError, match=r"training\.learning_rate_schedule\[0\]"):
        validate_config({**MINIMAL, "training": {"learning_rate_schedule": [[0, -1.0]]}})


def test_anti_qcd_kind_is_checked():
    with pytest.raises(ConfigError, match=r"kind: 'anti-qcd' is not one of"):
        validate_config({**MINIMAL, "kind": "anti-qcd"})
    from massgen.registry import REPRESENTATIONS

    schema = load_schema()["properties"]["anti_qcd"]["properties"]
    assert set(schema["representation"]["enum"]) <= set(REPRESENTATIONS)
