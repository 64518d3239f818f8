"""Timing a command as a process: its wall time and the CPU of the process itself.

Shared by the study and scheduler benchmarks (run as scripts from this folder).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path


def own_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` itself (not its children), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def run_watched(command: list[str], interval: float = 0.2) -> tuple[float, float]:
    """(wall seconds, the process's own CPU seconds) of ``command``; its children (the
    jobs, for snakemake) are not counted. Raises SystemExit with the end of its
    standard error if it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    last = [0.0]

    def poll() -> None:
        while process.poll() is None:
            try:
                last[0] = own_cpu_seconds(process.pid)
            except (OSError, IndexError):  # the process ended between poll() and the read
                return
            time.sleep(interval)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - start
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} … failed:\n{stderr.decode()[-3000:]}")
    return wall, last[0]
