#!/usr/bin/env bash
# Start a real single-node Slurm on this machine for the tests (needs root):
# munge, slurmctld and slurmd from Debian's slurm-wlm, a generated slurm.conf and two
# fake GPUs (gres.conf pointing at /dev/null and /dev/zero) so that --gpus jobs schedule.
# Installs the packages if missing. State and logs go to $SLURM_TEST_DIR.
set -euo pipefail
dir=${SLURM_TEST_DIR:-/tmp/massgen-slurm}
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi
mkdir -p "$dir"/{spool,state,log} /etc/slurm /run/munge /var/log/munge /var/lib/munge
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 2048 ))

cat > /etc/slurm/slurm.conf <<CONF
ClusterName=massgen-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
GresTypes=gpu
# Finished jobs stay visible to squeue/scontrol long enough for status polling.
MinJobAge=600
DefMemPerCPU=1000
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem Gres=gpu:2 State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

cat > /etc/slurm/gres.conf <<CONF
NodeName=$host Name=gpu File=/dev/null
NodeName=$host Name=gpu File=/dev/zero
CONF

# munge: a key, then the daemon (it refuses to run as root without --force).
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
pgrep -x slurmctld >/dev/null || slurmctld
pgrep -x slurmd >/dev/null || slurmd

for _ in $(seq 60); do
  state=$(timeout 5 sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  case "$state" in
    idle*|mix*|alloc*) echo "slurm up on $host ($cpus CPUs, 2 fake GPUs)"; exit 0 ;;
    down*|drain*) timeout 5 scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
echo "slurm did not come up; see $dir/log" >&2
exit 1
