"""Timing a command as a process: its wall time and the CPU of the process itself.

Shared by the study and scheduler benchmarks (run as scripts from this folder).
"""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from pathlib import Path


def own_usage(pid: int) -> tuple[float, int]:
    """(user + system CPU seconds, threads) of process ``pid`` itself (not its children),
    from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return cpu, int(fields[17])  # num_threads


def children_cpu_seconds() -> float:
    """User + system CPU seconds of this process's ended and waited-for children and, as
    each waited for its own, all their descendants."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_watched(command: list[str], interval: float = 0.2) -> tuple[float, float, int, float]:
    """(wall seconds, the process's own CPU seconds, its most threads at once, the CPU
    seconds of the process and all its descendants) of ``command``, run alone. Raises
    SystemExit with the end of its standard error if it fails."""
    before = children_cpu_seconds()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    last = [0.0, 0]

    def poll() -> None:
        while process.poll() is None:
            try:
                cpu, threads = own_usage(process.pid)
            except (OSError, IndexError):  # the process ended between poll() and the read
                return
            last[0], last[1] = cpu, max(last[1], threads)
            time.sleep(interval)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - start
    watcher.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} … failed:\n{stderr.decode()[-3000:]}")
    return wall, last[0], last[1], children_cpu_seconds() - before
