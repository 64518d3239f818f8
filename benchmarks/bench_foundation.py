"""Throughput of the foundation stages against bare references, measured in one run.

Generation: ``generate_chunk`` (Pythia + vectorised batch extraction + parquet output)
against a bare ``pythia8mc`` loop of ``pythia.next()`` with the same settings and seed.
Clustering: ``leading_jets`` (anti-kt R = 1.0, leading jet and its constituents) against
the bare vectorised FastJet call (ClusterSequence + inclusive_jets) and against a classic
per-event FastJet loop. Targets: generation >= 0.9x bare, clustering >= 0.8x bare.

Run by hand: ``.venv/bin/python benchmarks/bench_foundation.py [n_events]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import awkward as ak
import fastjet

from massgen import params
from massgen.config import validate_config
from massgen.detector.simulate import simulate
from massgen.files import read_parquet
from massgen.generation.pythia import generate_chunk, make_generator
from massgen.jets import leading_jets, to_cartesian


def timed(func, repeats: int = 1) -> float:
    """Median wall time in seconds of ``func()`` over ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_generation(
    config: dict, sample: str, n: int, out: Path, repeats: int = 3
) -> tuple[float, float]:
    """(ours, bare) events per second for one chunk of ``sample``, initialisation included.

    The two alternate ``repeats`` times and the median time of each is used.
    """
    job = params.generation(config, sample, 0)

    def bare() -> None:
        gen = make_generator(job["settings"], job["seed"], job["user_process"], job["coupling"])
        for _ in range(n):
            gen.pythia.next()

    def ours() -> None:
        generate_chunk(sample, 0, out / f"{sample}.parquet", out / f"{sample}.json", **job)

    times = {"ours": [], "bare": []}
    for _ in range(repeats):
        times["ours"].append(timed(ours))
        times["bare"].append(timed(bare))
    return n / statistics.median(times["ours"]), n / statistics.median(times["bare"])


def classic_fastjet(events: ak.Array, radius: float) -> None:
    """Per-event FastJet with PseudoJets: the leading jet and its constituents."""
    jet_def = fastjet.JetDefinition(fastjet.antikt_algorithm, radius)
    for event in ak.to_list(to_cartesian(events.candidates)):
        particles = [fastjet.PseudoJet(p["px"], p["py"], p["pz"], p["E"]) for p in event]
        sequence = fastjet.ClusterSequence(particles, jet_def)
        jets = fastjet.sorted_by_pt(sequence.inclusive_jets())
        if jets:
            jets[0].constituents()


def main(n: int) -> None:
    config = validate_config(
        {
            "study": "bench",
            "masses": [300],
            "events": {"signal": n, "qcd": n, "chunk_size": n},
        }
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        print(f"generation, {n} events per sample (initialisation included; median of 3)")
        for sample in ("zp300", "qcd"):
            ours, bare = bench_generation(config, sample, n, out)
            print(
                f"  {sample:6s} ours {ours:7.1f} ev/s   bare pythia.next() {bare:7.1f} ev/s   ratio {ours / bare:.3f}"
            )
        reco = simulate(read_parquet(out / "qcd.parquet"), seed=1)
        print(
            f"detector: {len(reco) / timed(lambda: simulate(read_parquet(out / 'qcd.parquet'), 1), 3):.0f} ev/s"
        )

    jet_def = fastjet.JetDefinition(fastjet.antikt_algorithm, 1.0)
    t_ours = timed(lambda: leading_jets(reco, 1.0), 5)
    t_bare = timed(
        lambda: fastjet.ClusterSequence(to_cartesian(reco.candidates), jet_def).inclusive_jets(), 5
    )
    t_classic = timed(lambda: classic_fastjet(reco, 1.0), 1)
    rate = len(reco) / t_ours
    print(f"clustering, {len(reco)} events of ~{ak.mean(ak.num(reco.candidates)):.0f} candidates")
    print(f"  ours (leading jet + constituents)    {rate:8.0f} jets/s")
    print(
        f"  bare vectorised fastjet (all jets)  {len(reco) / t_bare:8.0f} jets/s   ratio {t_bare / t_ours:.3f}"
    )
    print(
        f"  classic per-event fastjet loop      {len(reco) / t_classic:8.0f} jets/s   ratio {t_classic / t_ours:.3f}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
