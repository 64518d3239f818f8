"""Throughput of the real simulation path against the embedded one, measured in one run.

Detector: on the same HepMC3 events (a Pythia Z+jet chunk exported by ``export_hepmc``),
events/s of the built-in detector (``simulate``, median of three runs after its compiled
loop is loaded) and of ``DelphesHepMC3`` with the CMS card (start-up included); target:
built-in >= 100x faster. The built-in detector's one-off start-up in a process (numba's
start-up and cache load, or the compilation) is printed apart, and so is Delphes' (a
run on the first event alone), with the ratio of both detectors' rates without start-up.
MadGraph: events/s of one chunk of ``p p > z j, z > vl vl~`` (the background card)
made by a full MadGraph launch (process output, compilation, integration, events)
against the same chunk from a gridpack (``run.sh N SEED``), and the one-off gridpack
build time.

Run by hand, with MadGraph and Delphes installed (scripts/install_*.sh; default .tools/):
``.venv/bin/python benchmarks/bench_real_path.py [n_detector_events] [n_madgraph_events]``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

from massgen import params
from massgen.config import validate_config
from massgen.detector.delphes import run_delphes
from massgen.detector.simulate import simulate
from massgen.files import read_parquet
from massgen.generation.madgraph import UFO_NAME, process_card
from massgen.generation.pythia import export_hepmc, generate_chunk

REPO = Path(__file__).resolve().parents[1]
MADGRAPH = Path(os.environ.get("MASSGEN_MADGRAPH", REPO / ".tools/madgraph/MG5_aMC_v3_5_7"))
DELPHES = Path(os.environ.get("MASSGEN_DELPHES", REPO / ".tools/delphes"))


def timed(command: list[str], cwd: Path) -> float:
    """Wall time in seconds of a subprocess that must succeed."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{command[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def bench_detector(config: dict, n: int, work: Path) -> tuple[float, float, float, float]:
    """(built-in, Delphes) events per second on the same ``n`` HepMC3 events, and the
    built-in detector's and Delphes' start-up in seconds."""
    config["events"].update(qcd=n, chunk_size=n)
    generate_chunk(
        "qcd",
        0,
        work / "events.parquet",
        work / "events.json",
        **params.generation(config, "qcd", 0),
    )
    export_hepmc(work / "events.parquet", work / "events.json", work / "events.hepmc3", 13000.0)
    events = read_parquet(work / "events.parquet")
    start = time.perf_counter()
    simulate(events[:1], seed=1)
    start_up = time.perf_counter() - start
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        simulate(events, seed=1)
        runs.append(time.perf_counter() - start)
    ours = float(np.median(runs))
    delphes = delphes_seconds(work / "events.hepmc3", work)
    first_event(work / "events.hepmc3", work / "first.hepmc3")
    return (
        len(events) / ours,
        len(events) / delphes,
        start_up,
        delphes_seconds(work / "first.hepmc3", work),
    )


def delphes_seconds(hepmc: Path, work: Path) -> float:
    """Wall time of ``DelphesHepMC3`` with the CMS card on ``hepmc``."""
    start = time.perf_counter()
    run_delphes(REPO / "scripts" / "delphes.sh", hepmc, work / f"{hepmc.stem}.root", 1, DELPHES)
    return time.perf_counter() - start


def first_event(hepmc: Path, out: Path) -> None:
    """A HepMC3 (Asciiv3) file of the header and first event of ``hepmc``."""
    text = hepmc.read_text()
    second = text.find("\nE ", text.find("\nE ") + 1)
    out.write_text(text[: second + 1] + "HepMC::Asciiv3-END_EVENT_LISTING\n")


def madgraph_script(config: dict, n: int, gridpack: bool) -> str:
    """The background card, as a gridpack build or as a direct n-event launch."""
    card = process_card(threads=2, **params.madgraph_card(config, "qcd"))
    if gridpack:
        return card
    return card.replace("set gridpack True", f"set nevents {n}\nset gridpack False")


def bench_madgraph(config: dict, n: int, work: Path) -> dict[str, float]:
    """Seconds for a direct n-event launch, for the gridpack build and for an n-event
    chunk from the gridpack."""
    mg5 = [sys.executable, str(MADGRAPH / "bin" / "mg5_aMC"), "card.mg5"]
    times = {}
    for mode in ("direct", "gridpack"):
        cwd = work / mode
        cwd.mkdir()
        shutil.copytree(REPO / "workflow" / "models" / UFO_NAME, cwd / UFO_NAME)
        (cwd / "card.mg5").write_text(madgraph_script(config, n, mode == "gridpack"))
        times[mode if mode == "direct" else "gridpack build"] = timed(mg5, cwd)
    chunk = work / "chunk"
    chunk.mkdir()
    with tarfile.open(work / "gridpack" / "proc" / "run_01_gridpack.tar.gz") as pack:
        pack.extractall(chunk, filter="tar")
    times["gridpack chunk"] = timed(["./run.sh", str(n), "4242"], chunk)
    return times


def main() -> None:
    n_detector = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    n_madgraph = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    config = validate_config({"study": "bench", "masses": [150], "events": {"signal": 1, "qcd": 1}})
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ours, delphes, start_up, delphes_start_up = bench_detector(config, n_detector, work)
        steady = n_detector / (n_detector / delphes - delphes_start_up)
        print(f"detector, {n_detector} Z+jet events (HepMC3 -> candidates + MET):")
        print(f"  built-in       {ours:10.0f} events/s (one core; start-up {start_up:.2f} s)")
        print(f"  DelphesHepMC3  {delphes:10.1f} events/s (CMS card, start-up included)")
        print(f"                 {steady:10.1f} events/s (start-up {delphes_start_up:.2f} s apart)")
        print(f"  ratio built-in / Delphes: {ours / delphes:.0f}x (target >= 100x)")
        print(f"  ratio without either start-up: {ours / steady:.0f}x")
        times = bench_madgraph(config, n_madgraph, work)
        print(f"MadGraph p p > z j, z > vl vl~, {n_madgraph}-event chunk, 2 cores:")
        print(
            f"  direct launch   {times['direct']:6.1f} s  {n_madgraph / times['direct']:6.1f} events/s"
        )
        print(f"  gridpack build  {times['gridpack build']:6.1f} s  (once per sample)")
        chunk = times["gridpack chunk"]
        print(f"  gridpack chunk  {chunk:6.1f} s  {n_madgraph / chunk:6.1f} events/s")
        print(f"  ratio gridpack / direct per chunk: {times['direct'] / chunk:.1f}x")


if __name__ == "__main__":
    main()
