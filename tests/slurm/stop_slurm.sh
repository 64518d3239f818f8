#!/usr/bin/env bash
# Stop the test Slurm started by start_slurm.sh (jobs, slurmd, slurmctld, munged) and
# wait until the daemons are gone, so that a following start is clean.
set -u
timeout 10 scancel --user "$(id -un)" 2>/dev/null
for daemon in slurmd slurmctld munged; do
  pkill -x "$daemon" 2>/dev/null
  for _ in $(seq 30); do pgrep -x "$daemon" >/dev/null || break; sleep 0.5; done
  pkill -9 -x "$daemon" 2>/dev/null
done
exit 0
