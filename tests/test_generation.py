"""Event generation on real Pythia events: content, metadata, reproducibility, bad input."""

from __future__ import annotations

import json

import awkward as ak
import numpy as np
import pytest

from massgen.errors import InputFileError
from massgen.files import read_json, read_parquet
from massgen.generation.hepmc import charge_of, read_hepmc
from massgen.generation.pythia import export_hepmc
from massgen.samples import parse_sample, window_samples

from .conftest import generate, small_config


@pytest.mark.slow
def test_chunk_content(generated):
    events = read_parquet(generated["zp150"])
    meta = read_json(generated["zp150"].with_suffix(".json"))
    assert meta["n_generated"] == 1200
    assert len(events) == meta["n_parton_cuts"] > 1150
    assert meta["sigma_err_fb"] < 0.1 * meta["sigma_fb"]
    assert meta["versions"]["pythia8mc"] == "8.317.2"
    particles = events.particles
    assert set(ak.fields(particles)) == {"px", "py", "pz", "e", "pid", "charge"}
    # Final state only: no quarks, gluons, Z or Z'.
    assert not np.isin(
        np.abs(ak.to_numpy(ak.flatten(particles.pid))), [1, 2, 3, 4, 5, 21, 23, 32]
    ).any()
    # Each event carries the two beams' energy.
    total = ak.to_numpy(ak.sum(particles.e, axis=1))
    assert np.allclose(total, 13000.0, rtol=1e-6)
    # MET (the neutrinos) above the parton-level cut for most events.
    nu = particles[
        (np.abs(particles.pid) == 12)
        | (np.abs(particles.pid) == 14)
        | (np.abs(particles.pid) == 16)
    ]
    met = np.hypot(ak.to_numpy(ak.sum(nu.px, axis=1)), ak.to_numpy(ak.sum(nu.py, axis=1)))
    assert np.median(met) > 1200


@pytest.mark.slow
def test_qcd_cross_section_is_larger(generated):
    qcd = read_json(generated["qcd"].with_suffix(".json"))
    zp = read_json(generated["zp150"].with_suffix(".json"))
    assert qcd["sigma_fb"] > 5 * zp["sigma_fb"]


@pytest.mark.slow
def test_same_seed_gives_identical_bytes(tmp_path):
    config = small_config(signal=60, chunk_size=30)
    for run in ("a", "b"):
        generate(config, "zp300", 1, tmp_path / run / "ev.parquet", tmp_path / run / "ev.json")
    for name in ("ev.parquet", "ev.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    first = read_parquet(tmp_path / "a" / "ev.parquet")
    assert ak.to_list(first.event_id)[:2] == [30, 31]
    other = tmp_path / "c"
    generate(config, "zp300", 0, other / "ev.parquet", other / "ev.json")
    assert (
        json.loads((other / "ev.json").read_text())["seed"]
        != json.loads((tmp_path / "a" / "ev.json").read_text())["seed"]
    )


@pytest.mark.slow
def test_hepmc_round_trip(generated, tmp_path):
    out = tmp_path / "zp150.hepmc3"
    meta = generated["zp150"].with_suffix(".json")
    export_hepmc(generated["zp150"], meta, out, 13000.0)
    back = read_hepmc(out)
    events = read_parquet(generated["zp150"])
    assert len(back) == len(events)
    assert ak.to_list(back.event_id[:3]) == ak.to_list(events.event_id[:3])
    assert np.allclose(
        ak.to_numpy(ak.flatten(back.particles.px[:3])),
        ak.to_numpy(ak.flatten(events.particles.px[:3])),
    )
    assert ak.all(back.particles.charge[:3] == events.particles.charge[:3])


# The hand-written table that charge_of replaced: its 25 ids by charge (thirds of e).
OLD_CHARGE3 = {
    -1: (1, 3, 5),
    2: (2, 4, 6),
    -3: (11, 13, 15, 3112, 3312, 3334),
    3: (24, 211, 321, 411, 431, 521, 2212, 3222, 4122, 4232),
    6: (2224,),
    0: (4332, 5122),
}


def test_charges_of_pdg_ids():
    """HepMC input's charges (scikit-hep particle): the old table's 25 ids and their
    antiparticles as before, the neutral ids the table left out 0, and the charged ones
    it missed (B_c, Sigma_c++, Xi_b-, deuteron, alpha) right; an id that is not a PDG id
    counts as neutral. One float32 per id, in the input's shape."""
    table = [(s * p, s * c / 3.0) for c, ids in OLD_CHARGE3.items() for p in ids for s in (1, -1)]
    assert len(table) == 50
    ids, expected = np.array([p for p, _ in table], np.int32), np.array([c for _, c in table])
    charge = charge_of(ids)
    assert charge.dtype == np.float32
    assert np.array_equal(charge, expected.astype(np.float32))
    more = {22: 0, 2112: 0, -2112: 0, 130: 0, 310: 0, 111: 0, -12: 0, -211: -1, -321: -1}
    more |= {541: 1, 4222: 2, 5132: -1, 1000010020: 1, -1000010020: -1, 1000020040: 2}
    more |= {0: 0, 99999999: 0}
    assert charge_of(np.array(list(more))).tolist() == list(more.values())
    assert charge_of(np.array([[211, -11, 211], [22, 211, 0]])).tolist() == [[1, 1, 1], [0, 1, 0]]
    assert charge_of(np.zeros(0, np.int32)).shape == (0,)


def test_samples_are_family_parameters_and_label():
    zp = parse_sample("zp450")
    assert (zp.family, zp.mass, zp.label) == ("zprime", 450, 1)
    qcd = parse_sample("qcd")
    assert (qcd.family, qcd.mass, qcd.label) == ("zjets", None, 0)
    assert qcd.enters_window(450)
    assert zp.enters_window(450)
    assert not zp.enters_window(500)
    assert [s.name for s in window_samples([150, 450], 450)] == ["qcd", "zp450"]
    with pytest.raises(ValueError, match="unknown sample 'ttbar'"):
        parse_sample("ttbar")


def test_chunk_beyond_sample_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="beyond"):
        generate(small_config(signal=10, chunk_size=10), "zp150", 1, tmp_path / "a", tmp_path / "b")


def test_corrupt_events_file(tmp_path):
    bad = tmp_path / "events.parquet"
    bad.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(InputFileError, match=r"events\.parquet"):
        read_parquet(bad)
    with pytest.raises(InputFileError, match="not found"):
        read_parquet(tmp_path / "missing.parquet")


def test_flipped_bytes_in_a_parquet_file_stop_the_next_stage(generated, tmp_path):
    """Every page carries a checksum: 64 flipped bytes inside an events file stop the
    detector job with a line naming the file (unchecked, they read as garbage)."""
    from massgen.detector.simulate import run_detector

    data = bytearray(generated["qcd"].read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(b ^ 0xFF for b in data[middle : middle + 64])
    bad = tmp_path / "chunk0.parquet"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputFileError) as error:
        run_detector(str(bad), str(tmp_path / "reco.parquet"), seed=1)
    assert str(error.value).startswith(f"{bad}: not a readable parquet file")
    assert "checksum" in str(error.value).lower()
    assert not (tmp_path / "reco.parquet").exists()


FILL_DISK = """
from massgen.logs import setup_logging
setup_logging({log!r})
from tests.conftest import generate, small_config
generate(small_config(qcd=300, chunk_size=300), "qcd", 0, {out!r} + "/chunk0.parquet",
         {out!r} + "/chunk0.json")
"""


def test_a_full_disk_ends_the_log_with_the_file_and_the_cause(tmp_path):
    """Generation onto a 64 kB file system: the log's last line names the output and
    'No space left on device' (pyarrow's own last word is about its writer), and nothing
    half-written is left."""
    import os
    import subprocess
    import sys

    from .conftest import REPO

    out, log = tmp_path / "small", tmp_path / "generate.log"
    out.mkdir()
    code = FILL_DISK.format(log=str(log), out=str(out))
    shell = (
        f"mount -t tmpfs -o size=64k tmpfs {out} || exit 90; "
        f'{sys.executable} -c "$CODE"; echo $? > {tmp_path}/rc; ls -A {out} > {tmp_path}/left'
    )
    done = subprocess.run(
        ["unshare", "--mount", "--map-root-user", "sh", "-c", shell],
        env={**os.environ, "CODE": code},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 90 or ("unshare" in done.stderr and not (tmp_path / "rc").exists()):
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a small file system: {done.stderr.strip()}")
        pytest.skip(
            "needs unshare (util-linux) with mount and user namespaces to mount a 64 kB "
            f"tmpfs: {done.stderr.strip()}"
        )
    assert (tmp_path / "rc").read_text().strip() == "1"
    last = log.read_text().strip().splitlines()[-1]
    assert last.endswith(f"{out}/chunk0.parquet: cannot write (No space left on device)")
    assert (tmp_path / "left").read_text() == ""
