"""LHE files from the outside world: several processes, matching, foreign beams, text
after the closing tag, chunks, events the cuts cannot use (files in tests/data/lhe)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import awkward as ak
import numpy as np
import pytest

from massgen.errors import InputFileError
from massgen.files import read_json, read_parquet
from massgen.generation.lhe import inspect_lhe, lhe_particles, read_lhe, split_lhe
from tests.conftest import generate, small_config

DATA = Path(__file__).parent / "data" / "lhe"
MATCHED = DATA / "mg5-3.5.7-zjets-1j2j-mlm.lhe.gz"
PPBAR = DATA / "mg5-3.5.7-ppbar-1960-zj.lhe.gz"
ZZ = DATA / "pythia8-zz-ptmin1000.lhe.gz"
NLO = DATA / "mg5amc-3.5.7-nlo-vlvlj-ptj1000.lhe.gz"
JJ_LHE = "madgraph5-3.5.8-pp_to_jj.lhe.gz"
# What POWHEG-BOX writes after </LesHouchesEvents> (longer than the 64 bytes that the
# earlier check searched for the tag).
POWHEG_TAIL = b"\n#Random number generator exit values:     1633847282     1186046373           0\n"


def _init_cross_sections(path: Path) -> list[float]:
    """XSECUP of every process line of the <init> block, read from the text (pb)."""
    text = gzip.decompress(path.read_bytes()).decode()
    lines = text.split("<init>")[1].split("</init>")[0].strip().splitlines()
    return [float(line.split()[0]) for line in lines[1:] if not line.startswith("<")]


def test_sigma_is_the_sum_of_every_init_process(tmp_path):
    sigmas = _init_cross_sections(MATCHED)
    assert len(sigmas) == 2  # z j @1 and z j j @2
    info = inspect_lhe(MATCHED, tmp_path / "lhe.json", 13000.0)
    assert info["processes"] == 2
    assert info["sigma_fb"] == pytest.approx(sum(sigmas) * 1e3, rel=1e-9)
    assert info["sigma_fb"] > 1.5 * sigmas[0] * 1e3  # not the first process alone
    # MadGraph's unweighted events each carry sigma: the mean of the weights is sigma
    assert info["weight_norm"] == "average"
    assert read_json(tmp_path / "lhe.json")["sigma_fb"] == info["sigma_fb"]


def test_weights_that_contradict_sigma_are_flagged(tmp_path, caplog):
    text = gzip.decompress(MATCHED.read_bytes()).decode()
    head, rest = text.split("<init>", 1)
    init, events = rest.split("</init>", 1)
    lines = init.strip().splitlines()
    lines[1] = re.sub(r"^\s*\S+", " 1.0e+01", lines[1])  # process 1's sigma -> 10 pb
    bad = tmp_path / "bad.lhe.gz"
    bad.write_bytes(gzip.compress(f"{head}<init>\n{chr(10).join(lines)}\n</init>{events}".encode()))
    assert inspect_lhe(bad, tmp_path / "lhe.json", 13000.0)["weight_norm"] == "none"
    assert "agrees with neither" in caplog.text
    assert str(bad) in caplog.text


def test_beams_of_another_collider_are_refused():
    with pytest.raises(InputFileError) as error:
        read_lhe(PPBAR, sqrt_s=13000.0)
    message = str(error.value)
    assert message.startswith(str(PPBAR))
    assert "p p~" in message
    assert "1.96 TeV" in message
    assert "13 TeV" in message
    assert read_lhe(PPBAR)["beams"]["beamB"] == -2212  # readable, only not for this study


def test_text_after_the_closing_tag_is_accepted(testdata, tmp_path):
    text = gzip.decompress((testdata / JJ_LHE).read_bytes())
    powheg_like = tmp_path / "powheg.lhe.gz"
    powheg_like.write_bytes(gzip.compress(text + POWHEG_TAIL))
    assert read_lhe(powheg_like)["n_events"] == 1000
    cut = tmp_path / "cut.lhe.gz"  # without the tag the file is still refused
    cut.write_bytes(gzip.compress(text.replace(b"</LesHouchesEvents>", b"")))
    with pytest.raises(InputFileError, match="truncated"):
        read_lhe(cut)


@pytest.mark.parametrize(
    ("name", "n_events", "chunk_size"),
    [(JJ_LHE, 1000, 300), (NLO.name, 40, 15), (MATCHED.name, 60, 25)],
)
def test_a_file_splits_into_chunks_of_chunk_size(testdata, tmp_path, name, n_events, chunk_size):
    """MadGraph LO, aMC@NLO (weights, <rwgt> blocks) and a merged file split into complete
    files: the same events in order, the same header and <init> in every chunk."""
    source = (testdata if name == JJ_LHE else DATA) / name
    split_lhe(source, tmp_path / "chunks", n_events, chunk_size)
    n_chunks = -(-n_events // chunk_size)
    files = [tmp_path / "chunks" / f"chunk{c}.lhe.gz" for c in range(n_chunks)]
    assert sorted((tmp_path / "chunks").iterdir()) == sorted(files)
    infos = [read_lhe(f) for f in files]
    assert [i["n_events"] for i in infos] == [chunk_size] * (n_chunks - 1) + [
        n_events - chunk_size * (n_chunks - 1)
    ]
    assert {i["sigma_fb"] for i in infos} == {read_lhe(source)["sigma_fb"]}
    chunks = ak.concatenate([lhe_particles(f) for f in files])
    assert ak.array_equal(chunks, lhe_particles(source))
    heads = {gzip.decompress(f.read_bytes()).split(b"<event")[0] for f in files}
    assert len(heads) == 1


def test_event_tags_are_matched_exactly(testdata, tmp_path):
    """<event npLO=...> opens an event, <eventgroup> does not; text between events is
    not carried into the next chunk's header."""
    text = gzip.decompress((testdata / JJ_LHE).read_bytes())
    text = text.replace(b"<event>", b"<event npLO=' -1 '>", 3).replace(
        b"</event>\n", b"</event>\n<!-- between events -->\n", 3
    )
    text = text.replace(b"</init>", b"</init>\n<eventgroup_note/>", 1)
    source = tmp_path / "tagged.lhe.gz"
    source.write_bytes(gzip.compress(text))
    split_lhe(source, tmp_path / "chunks", 10, 4)
    last = gzip.decompress((tmp_path / "chunks" / "chunk2.lhe.gz").read_bytes())
    assert b"between events" not in last
    assert b"<eventgroup_note/>" in last  # part of the header
    assert read_lhe(tmp_path / "chunks" / "chunk0.lhe.gz")["n_events"] == 4


def test_a_file_with_too_few_events_is_refused_before_any_chunk(testdata, tmp_path):
    with pytest.raises(InputFileError, match=r"holds 1000 events, the study asks for 1100"):
        split_lhe(testdata / JJ_LHE, tmp_path / "chunks", 1100, 300)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def matched(tmp_path_factory):
    """The matched MadGraph file showered as the Z+jets pool, with and without matching."""
    out = tmp_path_factory.mktemp("matched")
    config = small_config()
    runs = {}
    for name, overrides in (("matched", []), ("unmatched", ["JetMatching:merge = off"])):
        config["generation"]["jet_matching"] = overrides
        meta = generate(
            config, "qcd", 0, out / f"{name}.parquet", out / f"{name}.json", lhe=MATCHED
        )
        runs[name] = meta
    return runs


def test_a_matched_file_is_matched_by_pythia(matched):
    meta = matched["matched"]
    assert "MLM-matched" in meta["process"]
    # MadGraph's own driver settings: qCut = 1.5 xqcut, nQmatch = maxjetflavor, nJetMax
    # the most hard-process jets (z j j)
    for line in ("JetMatching:qCut = 45", "JetMatching:nQmatch = 4", "JetMatching:nJetMax = 2"):
        assert line in meta["settings"]
    assert 0 < meta["n_generated"] < 60  # the veto removes events
    accepted = meta["n_generated"] / 60
    assert meta["sigma_fb"] == pytest.approx(meta["lhe"]["sigma_fb"] * accepted)
    # the user's override turns the veto off: every event is kept
    assert matched["unmatched"]["n_generated"] == 60


def test_a_matched_file_without_xqcut_is_refused(tmp_path):
    text = gzip.decompress(MATCHED.read_bytes()).decode()
    edited = re.sub(r"^.*= xqcut.*$", "", text, flags=re.MULTILINE)
    bad = tmp_path / "noxqcut.lhe.gz"
    bad.write_bytes(gzip.compress(edited.encode()))
    config = small_config()
    with pytest.raises(InputFileError, match=rf"{bad}: MLM-matched .* no xqcut"):
        generate(config, "qcd", 0, tmp_path / "e.parquet", tmp_path / "e.json", lhe=bad)


def test_events_without_the_needed_parton_are_refused(tmp_path):
    with pytest.raises(InputFileError) as error:
        generate(small_config(), "qcd", 0, tmp_path / "e.parquet", tmp_path / "e.json", lhe=ZZ)
    message = str(error.value)
    assert message.startswith(f"{ZZ}: event 1 has no Z' and no quark or gluon recoiling")
    assert "23, 23" in message
    assert not (tmp_path / "e.parquet").exists()


def test_the_parton_cut_takes_the_hardest_recoiling_parton():
    """Z + 2 partons (a matched file's, an NLO real emission): the |eta| cut looks at the
    hardest quark or gluon of the hard process, not at whichever comes first."""
    from massgen.generation.pythia import hard_parton_eta

    def entry(pid, status, mother, pt, eta):
        return {
            "id": pid,
            "status": status,
            "mother1": mother,
            "p": {"px": pt, "py": 0.0, "pz": pt * np.sinh(eta)},
        }

    event = [
        entry(90, -11, 0, 0.0, 0.0),
        entry(2212, -12, 0, 0.0, 0.0),
        entry(2212, -12, 0, 0.0, 0.0),
        entry(21, -21, 1, 0.0, 0.0),
        entry(4, -21, 2, 0.0, 0.0),
        entry(23, -22, 3, 1100.0, -0.4),
        entry(21, -23, 3, 126.0, 0.5),
        entry(4, -23, 3, 1067.0, 2.5),  # the hardest parton, outside |eta| < 2
        entry(12, -23, 6, 500.0, 0.1),  # a decay product: not a candidate
    ]
    assert hard_parton_eta(ak.Array([event])) == pytest.approx([2.5])


def test_event_weights_reach_the_events_and_metadata(testdata, tmp_path):
    meta = generate(
        small_config(),
        "qcd",
        0,
        tmp_path / "e.parquet",
        tmp_path / "e.json",
        lhe=testdata / JJ_LHE,
    )
    weights = ak.to_numpy(read_parquet(tmp_path / "e.parquet").weight)
    lhe_weight = read_lhe(testdata / JJ_LHE)["weights_pb"]["max"]
    np.testing.assert_allclose(weights, lhe_weight, rtol=1e-6)  # XWGTUP of each event
    assert meta["weights"]["parton_cuts"] == pytest.approx(weights.sum())
    assert meta["weights"]["generated"] == pytest.approx(1000 * lhe_weight)
    assert meta["weights"]["negative"] == 0


def test_pythia_events_have_unit_weights(generated):
    assert np.all(ak.to_numpy(read_parquet(generated["qcd"]).weight) == 1.0)


def test_config_names_a_bad_lhe_entry(testdata):
    from massgen.config import validate_config
    from massgen.errors import ConfigError

    base = {"study": "x", "masses": [150], "events": {"signal": 10, "qcd": 10, "chunk_size": 10}}
    with pytest.raises(ConfigError, match=r"generation.lhe.zp175: not a sample"):
        validate_config({**base, "generation": {"lhe": {"zp175": str(testdata / JJ_LHE)}}})
    with pytest.raises(ConfigError, match=r"generation.lhe.qcd: nowhere.lhe: file not found"):
        validate_config({**base, "generation": {"lhe": {"qcd": "nowhere.lhe"}}})


def test_workflow_showers_a_users_file_in_chunks(testdata, tmp_path):
    """A user's LHE file for the Z+jets pool: inspected once, split into chunks of
    chunk_size, each showered; the Z' samples stay with Pythia alone."""
    import yaml

    from tests.conftest import snakemake

    config = {
        "study": "own",
        "masses": [150],
        "events": {"signal": 100, "qcd": 1000, "chunk_size": 400},
        "generation": {"lhe": {"qcd": str(testdata / JJ_LHE)}},
    }
    (tmp_path / "own.yaml").write_text(yaml.safe_dump(config))
    events = [f"results/own/events/qcd/chunk{c}.parquet" for c in range(3)]
    done = snakemake(tmp_path, "--configfile", str(tmp_path / "own.yaml"), "--cores", "2", *events)
    assert done.returncode == 0, done.stderr[-3000:]
    report = read_json(tmp_path / "results/own/events/qcd/lhe.json")
    assert report["n_events"] == 1000
    assert report["weight_norm"] == "average"
    metas = [read_json(tmp_path / e.replace(".parquet", ".json")) for e in events]
    assert [m["n_generated"] for m in metas] == [400, 400, 200]
    for chunk, path in enumerate(events):  # event ids: the event's place in the file
        ids = ak.to_numpy(read_parquet(tmp_path / path).event_id)
        assert len(ids) == metas[chunk]["n_parton_cuts"]  # |eta| < 2 on the leading parton
        assert np.all((ids >= 400 * chunk) & (ids < 400 * chunk + 400))
    meta = metas[1]
    assert meta["process"] == f"LHE file {JJ_LHE}"  # the user's file, not the chunk
    assert "Beams:frameType = 4" in meta["settings"]
    dry = snakemake(
        tmp_path,
        "--configfile",
        str(tmp_path / "own.yaml"),
        "-n",
        "results/own/events/zp150/chunk0.parquet",
    )
    assert "import_lhe" not in dry.stdout
    assert "generate_events" in dry.stdout


def test_negative_weights_reach_the_cutflow_and_the_training_weights(tmp_path):
    """aMC@NLO's Z(nu nu)+jet, 3 of 40 weights negative, as the Z+jets pool: the weights
    are summed, signs kept, through the cutflow; the datasets hold them over the
    sample's mean weight, and training weighs each jet by them."""
    import yaml

    from massgen.datasets import load_dataset
    from massgen.training.loop import Batch
    from tests.conftest import snakemake

    config = {
        "study": "nlo",
        "masses": [150],
        "events": {"signal": 40, "qcd": 40, "chunk_size": 20},
        "cuts": {"jet_pt_min": 500.0},
        "generation": {"lhe": {"qcd": str(NLO)}},
    }
    (tmp_path / "nlo.yaml").write_text(yaml.safe_dump(config))
    train = "results/nlo/datasets/point_cloud/150/nozoom/train"
    done = snakemake(tmp_path, "--configfile", str(tmp_path / "nlo.yaml"), "--cores", "2", train)
    assert done.returncode == 0, done.stderr[-3000:]
    w0 = read_lhe(NLO)["weights_pb"]["max"]  # every weight is +-w0
    flow = read_json(tmp_path / "results/nlo/jets/qcd/cutflow.json")
    metas = [read_json(tmp_path / f"results/nlo/events/qcd/chunk{c}.json") for c in (0, 1)]
    negative = sum(m["weights"]["negative"] for m in metas)
    assert negative >= 1
    # the signed sum: events after the parton cut, the negative ones subtracted
    count = flow["parton_cuts"]
    assert flow["weighted"]["parton_cuts"] == pytest.approx(w0 * (count - 2 * negative))
    selected = [tmp_path / f"results/nlo/jets/qcd/selected/chunk{c}.parquet" for c in (0, 1)]
    jets = ak.concatenate([read_parquet(path) for path in selected])
    assert flow["weighted"]["pt_cut"] == pytest.approx(float(ak.sum(jets.weight)))
    np.testing.assert_allclose(np.abs(ak.to_numpy(jets.weight)), w0, rtol=1e-7)
    # the datasets: the QCD jets' weights over the pool's mean weight, signs kept
    arrays = load_dataset(tmp_path / train, mmap=False)
    qcd = arrays["label"] == 0
    mean = flow["weighted"]["parton_cuts"] / count
    np.testing.assert_allclose(np.abs(arrays["weight"][qcd]), w0 / mean, rtol=1e-6)
    assert np.any(arrays["weight"][qcd] < 0)
    np.testing.assert_array_equal(arrays["weight"][~qcd], 1.0)  # Pythia's own Z'
    # training: unit mean per class, the negative jets pull the other way
    weight = Batch.from_arrays(arrays, "cpu").weight.numpy()
    assert weight[qcd].mean() == pytest.approx(1.0)
    np.testing.assert_array_equal(np.sign(weight[qcd]), np.sign(arrays["weight"][qcd]))
