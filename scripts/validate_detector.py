"""The built-in detector against Delphes 3.5.1 (CMS card) on the same events.

    python scripts/validate_detector.py [--testdata ../shared/testdata] [--out results/validation]
        [--delphes DELPHES_HOME] [--seeds N]

Samples: the shared ZZ (Z -> nu nu, Z -> q q) events, given as HepMC3 with Delphes'
output on them, and the shared Z+jet events, whose final-state particles are read back
from the Delphes file's Particle branch. Writes detector_validation.md (the table quoted
in the README) and detector_validation.png.

Where Delphes is installed (``--delphes``, default $MASSGEN_DELPHES or .tools/delphes),
Delphes is also run on the ZZ HepMC3 with RandomSeed 1..N and the built-in detector with
N seeds: detector_validation_seeds.{md,json} hold the figures averaged over seeds (mean
and standard error), in which a bias of either detector is not hidden by one run's scatter.
"""

import argparse
import gzip
import logging
import os
import tempfile
from pathlib import Path

from massgen.detector.delphes import read_delphes, read_delphes_particles, run_delphes
from massgen.detector.validate import compare, plot, seed_average, table
from massgen.files import write_json, write_text
from massgen.generation.hepmc import read_hepmc

# sample: (HepMC3 input or None for the Particle branch, Delphes output, jet-mass peak range)
SAMPLES = {
    "ZZ": (
        "pythia8-zz-nunuqq-ptmin1000.hepmc3.gz",
        "delphes-3.5.1-cms-pythia8-zz-nunuqq-ptmin1000.root",
        (40.0, 250.0),
    ),
    "Z+jet": (None, "delphes-3.5.1-cms-pythia8-zjet-ptmin1000.root", None),
}


REPO = Path(__file__).resolve().parents[1]


def delphes_runs(hepmc: Path, seeds: list[int], delphes: Path) -> list:
    """Delphes (CMS card) on the ``hepmc`` events once per RandomSeed, read back."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "events.hepmc3"
        plain.write_bytes(gzip.decompress(hepmc.read_bytes()))
        for seed in seeds:
            out = Path(tmp) / f"delphes{seed}.root"
            try:
                run_delphes(REPO / "workflow" / "scripts" / "delphes.sh", plain, out, seed, delphes)
            except RuntimeError as err:
                raise SystemExit(str(err)) from None
            runs.append(read_delphes(out))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    tools = Path(os.environ.get("MASSGEN_DELPHES", REPO / ".tools" / "delphes"))
    parser.add_argument("--testdata", type=Path, default=REPO.parent / "shared" / "testdata")
    parser.add_argument("--out", type=Path, default=Path("results/validation"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--delphes", type=Path, default=tools, help="Delphes installation")
    parser.add_argument("--seeds", type=int, default=48, help="seeds averaged over")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log = logging.getLogger("validate_detector")
    results = {}
    for sample, (hepmc, root, mass_range) in SAMPLES.items():
        root_path = args.testdata / root
        events = read_hepmc(args.testdata / hepmc) if hepmc else read_delphes_particles(root_path)
        results[sample] = compare(events, read_delphes(root_path), args.seed, mass_range=mass_range)
        log.info("%s: %d events compared", sample, len(events))
    text = table(results)
    write_text(text, args.out / "detector_validation.md")
    plot(results, args.out / "detector_validation.png")
    log.info("%s\nwritten to %s/detector_validation.{md,png}", text, args.out)
    if not (args.delphes / "setup.sh").is_file():
        log.info("no Delphes at %s: no seed-averaged comparison", args.delphes)
        return
    log.info("ZZ: Delphes and the built-in detector with %d seeds each", args.seeds)
    text = average_over_seeds(args.testdata, args.delphes, args.seeds, args.out)
    log.info("%s\naveraged over %d seeds of each detector", text, args.seeds)


def average_over_seeds(testdata: Path, delphes: Path, n_seeds: int, out: Path) -> str:
    """The ZZ figures of both detectors averaged over ``n_seeds`` seeds each, written to
    ``out``/detector_validation_seeds.{md,json}; returns the table."""
    hepmc, _, mass_range = SAMPLES["ZZ"]
    seeds = list(range(1, n_seeds + 1))
    runs = delphes_runs(testdata / hepmc, seeds, delphes)
    averages = {"ZZ": seed_average(read_hepmc(testdata / hepmc), runs, seeds, 1.0, mass_range)}
    text = table(averages)
    write_text(text, out / "detector_validation_seeds.md")
    write_json(averages, out / "detector_validation_seeds.json")
    return text


if __name__ == "__main__":
    main()
