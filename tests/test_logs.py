"""A job's log: its last line says what it used, or why it failed."""

from __future__ import annotations

import re
import subprocess
import sys


def run_job(log, body: str) -> subprocess.CompletedProcess:
    code = f"from massgen.logs import setup_logging\nsetup_logging({str(log)!r})\n{body}"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_finished_job_ends_with_its_cpu_time(tmp_path):
    log = tmp_path / "job.log"
    # about 0.3 s of CPU in this process and 0.3 s in a child it waits for
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"
    body = f"{spin}\nimport subprocess, sys\nsubprocess.run([sys.executable, '-c', {spin!r}])"
    assert run_job(log, body).returncode == 0
    last = log.read_text().strip().splitlines()[-1]
    match = re.search(r"done: ([0-9.]+) s CPU, ([0-9.]+) s wall .* peak memory (\d+) MB", last)
    assert match, last
    assert float(match.group(1)) >= 0.6  # the child's CPU counts too
    assert int(match.group(3)) > 0


def test_failed_job_ends_with_its_error(tmp_path):
    log = tmp_path / "job.log"
    assert run_job(log, "raise ValueError('results/x.parquet: broken')").returncode == 1
    lines = log.read_text().strip().splitlines()
    assert lines[-1].endswith("ValueError: results/x.parquet: broken")
    assert not any("done:" in line for line in lines)
