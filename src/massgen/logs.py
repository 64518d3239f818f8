"""Logging set-up for rule scripts: everything, warnings included, goes to the job's log."""

from __future__ import annotations

import atexit
import logging
import os
import resource
import sys
import time
from pathlib import Path

from massgen.errors import one_line

# Name and version of the container image a job runs in (written by envs/*.Containerfile).
IMAGE_MARKER = Path("/etc/massgen-image")
# The last line of a job that ended without an error: what it used (read by
# benchmarks/bench_study.py, as Snakemake's benchmark files sample CPU only every 30 s
# after a job's first 15 s).
USAGE = "done: {cpu:.2f} s CPU, {wall:.1f} s wall since logging began, peak memory {mb:.0f} MB"
# Where Slurm reports a job's or job step's GPUs, in order of preference.
GPU_VARIABLES = ("SLURM_STEP_GPUS", "SLURM_JOB_GPUS", "CUDA_VISIBLE_DEVICES", "SLURM_GPUS_ON_NODE")


def setup_logging(path: str | None = None) -> None:
    """Send INFO-level logging and uncaught exceptions to ``path`` (stderr if None)."""
    handler = logging.FileHandler(path) if path else logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.captureWarnings(True)
    if IMAGE_MARKER.is_file():
        logging.getLogger("massgen").info("image: %s", IMAGE_MARKER.read_text().strip())
    if "SLURM_JOB_ID" in os.environ:
        gpus = next((os.environ[k] for k in GPU_VARIABLES if os.environ.get(k)), "none")
        logging.getLogger("massgen").info(
            "Slurm job %s on %s, GPUs: %s",
            os.environ["SLURM_JOB_ID"],
            os.environ.get("SLURMD_NODENAME", "?"),
            gpus,
        )

    start, failed = time.perf_counter(), []

    def log_exception(kind, value, tb) -> None:
        log = logging.getLogger("massgen")
        log.error("failed", exc_info=(kind, value, tb))
        log.error("%s", one_line(value))  # the log's last line: the file and the cause
        failed.append(kind)
        sys.__excepthook__(kind, value, tb)

    def log_usage() -> None:
        if failed:
            return
        own, children = (
            resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
        mb = max(own.ru_maxrss, children.ru_maxrss) / 1024  # kB on Linux
        wall = time.perf_counter() - start
        logging.getLogger("massgen").info(USAGE.format(cpu=cpu, wall=wall, mb=mb))

    sys.excepthook = log_exception
    atexit.register(log_usage)
