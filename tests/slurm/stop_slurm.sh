#!/usr/bin/env bash
# Stop the test Slurm started by start_slurm.sh (jobs, slurmd, slurmctld, munged), wait
# until the daemons are gone, so that a following start is clean, and remove its config.
set -u
timeout 10 scancel --user "$(id -un)" 2>/dev/null
for daemon in slurmd slurmctld munged; do
  pkill -x "$daemon" 2>/dev/null
  for _ in $(seq 30); do pgrep -x "$daemon" >/dev/null || break; sleep 0.5; done
  pkill -9 -x "$daemon" 2>/dev/null
done
# Remove the configuration start_slurm.sh wrote: left without its controller, it makes
# every Slurm client command wait about 9 s for it, and so every later snakemake call
# (the Slurm executor plugin asks scontrol for the cluster's settings as it loads).
rm -f /etc/slurm/slurm.conf /etc/slurm/gres.conf
exit 0
