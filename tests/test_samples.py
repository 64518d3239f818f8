"""Sample families: names and parameters, refused parameters, and what Pythia is told.

The physics of seed 004's samples (jet-mass peaks, four prongs) is in
test_physics_anti_qcd.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from massgen import params
from massgen.config import validate_config
from massgen.errors import ConfigError
from massgen.generation.pythia import make_generator
from massgen.samples import of_study, parse_sample

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("name", "family", "label", "masses"),
    [
        ("qcd_dijet", "qcd_dijet", 0, (None, None, None)),
        ("wprime_m1250", "wprime", 1, (1250, None, None)),
        ("wprime_m1250_mw150", "wprime", 1, (1250, 150, None)),
        ("ttbar_zprime_m1500", "ttbar_zprime", 1, (1500, None, None)),
        ("ttbar_zprime_m1500_mw20", "ttbar_zprime", 1, (1500, None, 20)),
        ("ttbar_zprime_m1500_mt100", "ttbar_zprime", 1, (1500, 100, None)),
        ("ttbar_zprime_m1500_mt250_mw60", "ttbar_zprime", 1, (1500, 250, 60)),
        ("hh4b_m174_mh20", "hh4b", 1, (174, 20, None)),
    ],
)
def test_seed_004_samples_are_named_from_their_parameters(name, family, label, masses):
    sample = parse_sample(name)
    assert (sample.name, sample.family, sample.label) == (name, family, label)
    assert (sample.mass, sample.daughter_mass, sample.granddaughter_mass) == masses


@pytest.mark.parametrize(
    ("name", "top", "w"),
    [
        ("ttbar_zprime_m1500", None, None),  # Pythia's 173 and 80.385 GeV
        ("ttbar_zprime_m1500_mw20", None, "20"),
        ("ttbar_zprime_m1500_mt250", "250", None),  # above the W: the W is Pythia's
        ("ttbar_zprime_m1500_mt60", "60", "27.8792"),  # the seed's footnote 3: 60 x 80.385 / 173
    ],
)
def test_mass_rescaled_tops_tell_pythia_their_top_and_w_masses(name, top, w):
    config = validate_config({"study": "unit"})
    lines = params.pythia_settings(config, name)
    set_top = [line.split(" = ")[1] for line in lines if line.startswith("6:m0 = ")]
    set_w = [line.split(" = ")[1] for line in lines if line.startswith("24:m0 = ")]
    assert (set_top, set_w) == ([top] if top else [], [w] if w else [])
    if top:  # the Breit-Wigner starts at t -> W b's threshold, not Pythia's 86 GeV
        threshold = (float(w) if w else 80.385) + 4.8
        assert f"6:mMin = {threshold:g}" in lines


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("wprime_m-1250", "the W' mass must be positive, got -1250 GeV"),
        ("ttbar_zprime_m0", "the Z' mass must be positive"),
        ("ttbar_zprime_m1500_mw170", r"W mass must lie in \(0, 168.2\) GeV for t -> W b"),
        ("ttbar_zprime_m1500_mt60_mw70", r"W mass must lie in \(0, 55.2\) GeV for t -> W b"),
        ("ttbar_zprime_m1500_mt800", "Z' -> t tbar needs m_t < m_Z' / 2 = 750 GeV"),
        ("ttbar_zprime_m1500_mt-100", "the top mass must be positive"),
        ("wprime_m1250_mw5", r"the W mass must lie in \(10, 1158.81\) GeV"),
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
    """Every line of every seed-004 sample of the laptop config (its mass-rescaled W and
    top included) goes through readString (a False return is an error naming the line)
    and Pythia initialises."""
    config = validate_config(yaml.safe_load((REPO / "config" / "anti_qcd.yaml").read_text()))
    samples = of_study(config)
    assert {"wprime_m1250_mw140", "ttbar_zprime_m1500_mt60"} <= {s.name for s in samples}
    for sample in samples:
        make_generator(params.pythia_settings(config, sample.name), seed=1)
