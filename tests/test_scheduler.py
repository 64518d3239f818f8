"""Snakemake's scheduler with one pending re-evaluation timer (massgen.scheduler)."""

from __future__ import annotations

import threading
import time

from snakemake.scheduling.job_scheduler import JobScheduler

from massgen.scheduler import single_reevaluation_timer


class Waiting:
    """The part of a JobScheduler that its re-evaluation uses: the semaphore it waits on."""

    def __init__(self) -> None:
        self._open_jobs = threading.Semaphore(0)


def timers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]


def test_installed_snakemake_is_patched():
    """The method exists in the pinned Snakemake: a release that renames or drops it makes
    this fail, so that the patch is looked at again rather than silently skipped."""
    assert single_reevaluation_timer()
    assert JobScheduler._schedule_reevalutation.__module__ == "massgen.scheduler"


def test_passes_share_one_timer_that_wakes_the_scheduler():
    single_reevaluation_timer()
    scheduler = Waiting()
    before = len(timers())
    for _ in range(20):  # twenty passes that found jobs waiting
        JobScheduler._schedule_reevalutation(scheduler, 0.2)
    assert len(timers()) == before + 1
    assert scheduler._massgen_timer.daemon  # never holds Snakemake at exit
    assert not scheduler._open_jobs.acquire(timeout=0.05)
    assert scheduler._open_jobs.acquire(timeout=2)  # one wake-up after the timespan
    time.sleep(0.05)
    JobScheduler._schedule_reevalutation(scheduler, 0.01)  # the next pass starts a new one
    assert scheduler._open_jobs.acquire(timeout=2)
