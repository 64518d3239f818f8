"""A study reading another study's events (events.study): what it may read, and the check
of the chunks that study already holds against those this one would make."""

from __future__ import annotations

import re
import shutil

import pytest

from massgen import params, paths
from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.shared_events import check_shared_events

from .conftest import TESTDATA, small_config


def reader() -> dict:
    """Study 'reader' on the events of study 'unit' (conftest's small_config)."""
    return small_config(study="unit") | {"study": "reader"}


def test_own_events_by_default():
    config = small_config()
    assert config["events"]["study"] == "unit"
    assert paths.EVENTS.format(events_study="unit", sample="qcd", chunk=0) == (
        "results/unit/events/qcd/chunk0.parquet"
    )


def test_the_seed_names_the_study_that_owns_the_events():
    own, other = small_config(), reader()
    assert params.event_seed(other, "qcd", 0) == params.event_seed(own, "qcd", 0)
    assert params.generation(other, "qcd", 0) == params.generation(own, "qcd", 0)
    assert params.detector_seed(other, "qcd", 0) != params.detector_seed(own, "qcd", 0)


LHE = str(TESTDATA / "madgraph5-3.5.8-pp_to_jj.lhe.gz")


@pytest.mark.parametrize("generation", [{"generator": "madgraph"}, {"lhe": {"qcd": LHE}}])
def test_events_from_a_file_stay_with_their_study(generation):
    config = {
        "study": "reader",
        "masses": [150],
        "events": {"signal": 10, "qcd": 10, "study": "unit"},
        "generation": generation,
    }
    with pytest.raises(ConfigError, match=r"^events\.study: .*needs Pythia alone"):
        validate_config(config)


def owner_tree(generated, root):
    """The real zp150 chunk of conftest's ``generated`` as study 'unit''s chunk 0."""
    meta = root / paths.EVENTS_META.format(events_study="unit", sample="zp150", chunk=0)
    meta.parent.mkdir(parents=True)
    shutil.copy(generated["zp150"].with_suffix(".json"), meta)
    return meta


def test_matching_chunks_pass(generated, tmp_path):
    owner_tree(generated, tmp_path)
    check_shared_events(reader(), tmp_path)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"seed": 7}, "seed"),
        ({"events": {"chunk_size": 600}}, "n_generated"),
        ({"cuts": {"parton_eta_max": 2.5}}, "parton_eta_max"),
        ({"generation": {"zprime_coupling": 0.25}}, "settings '32:mWidth = 4.128"),
        (
            {"sqrt_s": 13600.0},
            "settings 'Beams:eCM = 13000.0' where this study asks 'Beams:eCM = 13600.0'",
        ),
        ({"generation": {"pythia_settings": ["PartonLevel:MPI = off"]}}, "settings None "),
    ],
)
def test_a_chunk_made_otherwise_is_named(generated, tmp_path, change, key):
    meta = owner_tree(generated, tmp_path)
    config = {"study": "reader", "masses": [150, 600]}
    config["events"] = {"signal": 1200, "qcd": 1200, "chunk_size": 1200, "study": "unit"}
    for section, value in change.items():
        if isinstance(value, dict):
            config[section] = {**config.get(section, {}), **value}
        else:
            config[section] = value
    with pytest.raises(ConfigError, match=rf"^events\.study: {meta} has {re.escape(key)}"):
        check_shared_events(validate_config(config), tmp_path)
