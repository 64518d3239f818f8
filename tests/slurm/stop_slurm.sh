#!/usr/bin/env bash
# Stop the test Slurm started by start_slurm.sh (jobs, slurmd, slurmctld, slurmdbd, its
# MariaDB, munged), wait until the daemons are gone, so that a following start is clean,
# and remove its config. The database stays in $SLURM_TEST_DIR for the next start.
set -u
dir=${SLURM_TEST_DIR:-/tmp/massgen-slurm}
timeout 10 scancel --user "$(id -un)" 2>/dev/null
# stop NAME PIDFILE: the process in the pid file, if it has the daemon's name (a MariaDB
# or Slurm of the machine's own is not ours to stop), until it is gone. Waiting is on the
# pid, not the file (a daemon may remove it before it is done), and a zombie is gone: in
# a container without an init, nobody reaps them.
running() {
  local stat
  stat=$(cat "/proc/$2/stat" 2>/dev/null) && [[ $stat == "$2 ($1) "[!Z]* ]]
}
stop() {
  local pid
  pid=$(cat "$2" 2>/dev/null) && running "$1" "$pid" || return 0
  kill "$pid" 2>/dev/null
  # MariaDB may take a few seconds to flush on shutdown.
  for _ in $(seq 60); do running "$1" "$pid" || return 0; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null
}
# In this order: slurmctld hands its last job records to slurmdbd, slurmdbd writes them
# to MariaDB, and all of them need munged up to the end.
stop slurmd "$dir/slurmd.pid"
stop slurmctld "$dir/slurmctld.pid"
stop slurmdbd "$dir/slurmdbd.pid"
stop mariadbd "$dir/mariadb.pid"
stop munged /run/munge/munged.pid
# Remove the configuration start_slurm.sh wrote: left without its controller, it makes
# every Slurm client command wait about 9 s for it, and so every later snakemake call
# (the Slurm executor plugin asks scontrol for the cluster's settings as it loads).
rm -f /etc/slurm/slurm.conf /etc/slurm/gres.conf /etc/slurm/slurmdbd.conf
exit 0
