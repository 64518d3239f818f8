"""One pending re-evaluation timer in Snakemake's job scheduler instead of one per pass.

Snakemake 9 (checked up to 9.27.1, ``scheduling/job_scheduler.py``) ends every scheduling
pass that finds jobs waiting for free cores with ``_schedule_reevalutation(timespan)``: a
new ``threading.Timer`` that wakes the scheduler once more after the rate limiter's
timespan (``--max-jobs-per-timespan``, default ``100/1s``). The pass that timer starts
ends with another timer, so every pass woken by a finished job starts a chain that lasts
as long as jobs wait: after n finished jobs the scheduler runs n passes a second, each a
thread start and a stat of every input of every waiting job. In the default study that
was a third of a core. No setting avoids it: the rate limiter cannot be switched off from
the command line, and a long timespan keeps Snakemake alive at exit until the last timer
fires. ``benchmarks/bench_scheduler.py`` reproduces it with a toy Snakefile, for an
upstream report (related: snakemake/snakemake#3804, thousands of threads).

The wake-up exists so that jobs held back by the rate limit are looked at again once the
timespan has passed; one pending timer does that as well as many. Written here because
no Snakemake release has the fix; with a Snakemake whose scheduler has no such method,
nothing is changed.
"""

from __future__ import annotations

import threading


def single_reevaluation_timer() -> bool:
    """Make Snakemake's scheduler keep at most one pending re-evaluation timer (a daemon
    thread, so that it never delays exit). Returns whether the scheduler was patched."""
    from snakemake.scheduling.job_scheduler import JobScheduler

    if not hasattr(JobScheduler, "_schedule_reevalutation"):
        return False

    def schedule_reevaluation(self: JobScheduler, delay: float) -> None:
        pending = getattr(self, "_massgen_timer", None)
        if pending is not None and pending.is_alive():
            return
        timer = threading.Timer(delay, self._open_jobs.release)
        timer.daemon = True
        timer.start()
        self._massgen_timer = timer

    JobScheduler._schedule_reevalutation = schedule_reevaluation
    return True
