"""Sample families: names and parameters, refused parameters, and what Pythia is told.

The physics of seed 004's samples (jet-mass peaks, four prongs) is in
test_physics_anti_qcd.py."""

from __future__ import annotations

import pytest

from massgen import params
from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.generation.pythia import make_generator
from massgen.samples import parse_sample


@pytest.mark.parametrize(
    ("name", "family", "label", "mass", "daughter_mass"),
    [
        ("qcd_dijet", "qcd_dijet", 0, None, None),
        ("wprime_m1250", "wprime", 1, 1250, None),
        ("ttbar_zprime_m1500", "ttbar_zprime", 1, 1500, None),
        ("ttbar_zprime_m1500_mw20", "ttbar_zprime", 1, 1500, 20),
        ("hh4b_m174_mh20", "hh4b", 1, 174, 20),
    ],
)
def test_seed_004_samples_are_named_from_their_parameters(name, family, label, mass, daughter_mass):
    sample = parse_sample(name)
    assert (sample.name, sample.family, sample.label) == (name, family, label)
    assert (sample.mass, sample.daughter_mass) == (mass, daughter_mass)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("wprime_m-1250", "the W' mass must be positive, got -1250 GeV"),
        ("ttbar_zprime_m0", "the Z' mass must be positive"),
        ("ttbar_zprime_m1500_mw170", r"W mass must lie in \(0, 167.7\) GeV for t -> W b"),
        ("hh4b_m174_mh-20", "the h mass must be positive"),
        ("hh4b_m174_mh87", "H -> h h needs m_h < m_H / 2 = 87 GeV"),
        ("wprime", "unknown sample 'wprime'"),
    ],
)
def test_unphysical_parameters_are_refused_naming_the_sample(name, message):
    with pytest.raises(ValueError, match=message):
        parse_sample(name)


def test_seed_004_samples_are_generated_without_the_founding_studys_cuts():
    """The 2 -> 2 samples take anti_qcd.parton_pt_min as pTHatMin, the resonances none;
    none has the founding study's parton |eta| cut; events per class and per unseen
    signal from anti_qcd.events; the founding study's samples keep their MET cut."""
    config = validate_config(
        {"study": "unit", "anti_qcd": {"parton_pt_min": 450, "events": {"unseen": 30}}}
    )
    cut = "PhaseSpace:pTHatMin = 450"
    for name, has_cut, events in [
        ("qcd_dijet", True, 20000),
        ("wprime_m1250", False, 20000),
        ("ttbar_zprime_m1500_mw20", False, 30),
        ("hh4b_m174_mh80", True, 30),
    ]:
        job = params.generation(config, name, 0)
        assert (cut in job["settings"], job["n_events"]) == (has_cut, events), name
        assert job["parton_eta_max"] is None
        assert not any("pTHatMin = 1200" in line for line in job["settings"]), name
    assert "PhaseSpace:pTHatMin = 1200.0" in params.generation(config, "zp150", 0)["settings"]
    assert params.generation(config, "qcd", 0)["parton_eta_max"] == 2.0
    with pytest.raises(ConfigError, match="MadGraph has no process for sample wprime_m1250"):
        params.madgraph_card(config, "wprime_m1250")


def test_every_seed_004_setting_is_accepted_by_pythia():
    """Every line of every default seed-004 sample goes through readString (a False
    return is an error naming the line) and Pythia initialises."""
    config = validate_config({"study": "unit"})
    section = config["anti_qcd"]
    for name in [*section["classes"], *section["unseen"]]:
        make_generator(params.pythia_settings(config, name), seed=1)
