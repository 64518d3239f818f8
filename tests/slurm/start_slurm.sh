#!/usr/bin/env bash
# Start a real single-node Slurm on this machine for the tests (needs root):
# munge, slurmctld and slurmd from Debian's slurm-wlm, a generated slurm.conf and two
# fake GPUs (gres.conf pointing at /dev/null and /dev/zero) so that --gpus jobs schedule.
# Two partitions on the one node, cpu (the default) and gpu; GPU jobs run only in gpu.
# Job accounting through slurmdbd and a MariaDB of its own, so that sacct shows the
# partition and account (massgen, root's default) of every job; other accounts are refused.
# Installs the packages if missing. State, database and logs go to $SLURM_TEST_DIR.
# Calling it again while it runs is harmless; stop_slurm.sh stops it all.
set -euo pipefail
dir=${SLURM_TEST_DIR:-/tmp/massgen-slurm}
log=$dir/log
cluster=massgen-test
account=massgen
# MariaDB's port (on 127.0.0.1 only), away from a system MariaDB's 3306.
dbport=6820

missing=()
command -v slurmctld >/dev/null || missing+=(slurm-wlm)
command -v munged >/dev/null || missing+=(munge)
command -v slurmdbd >/dev/null || missing+=(slurmdbd)
command -v mariadbd >/dev/null || missing+=(mariadb-server)
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
mkdir -p "$dir"/{spool,state,log} /etc/slurm /run/munge /var/log/munge /var/lib/munge
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 2048 ))

# alive NAME PIDFILE: the pid file names a live process of that name (not a reused pid),
# so that nothing else on the machine (a MariaDB of its own, another Slurm) is taken for
# ours. A zombie counts as gone: in a container without an init, nobody reaps them.
alive() {
  local pid stat
  pid=$(cat "$2" 2>/dev/null) && stat=$(cat "/proc/$pid/stat" 2>/dev/null) &&
    [[ $stat == "$pid ($1) "[!Z]* ]]
}
# wait_for SECONDS WHAT COMMAND...: retry COMMAND every half second; give up, naming the logs.
wait_for() {
  local seconds=$1 what=$2; shift 2
  for _ in $(seq $((seconds * 2))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "$what did not come up within ${seconds}s; see $log" >&2
  exit 1
}

cat > /etc/slurm/slurm.conf <<CONF
ClusterName=$cluster
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$log/slurmctld.log
SlurmdLogFile=$log/slurmd.log
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
JobAcctGatherType=jobacct_gather/linux
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=$host
# gres/gpu is tracked so that the cpu partition's QOS can forbid it.
AccountingStorageTRES=gres/gpu
# associations: a job must run under an account of its user (-A nosuch is refused);
# limits,qos: the partition QOS below applies.
AccountingStorageEnforce=associations,limits,qos
MpiDefault=none
NodeName=$host CPUs=$cpus RealMemory=$mem Gres=gpu:2 State=UNKNOWN
PartitionName=cpu Nodes=$host Default=YES MaxTime=INFINITE State=UP QOS=cpu-only
PartitionName=gpu Nodes=$host MaxTime=INFINITE State=UP
CONF

cat > /etc/slurm/gres.conf <<CONF
NodeName=$host Name=gpu File=/dev/null
NodeName=$host Name=gpu File=/dev/zero
CONF

# slurmdbd refuses a slurmdbd.conf that others can read or that SlurmUser does not own.
# The database and its password are the tests' own, reachable from this machine only.
(umask 077; cat > /etc/slurm/slurmdbd.conf <<CONF
AuthType=auth/munge
DbdHost=$host
SlurmUser=root
PidFile=$dir/slurmdbd.pid
LogFile=$log/slurmdbd.log
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$dbport
StorageUser=slurm
StoragePass=massgen-test
StorageLoc=slurm_acct_db
CONF
)
chown root:root /etc/slurm/slurmdbd.conf
chmod 600 /etc/slurm/slurmdbd.conf

# munge: a key, then the daemon (it refuses to run as root without --force).
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
alive munged /run/munge/munged.pid || runuser -u munge -- /usr/sbin/munged
wait_for 10 munged bash -c 'munge -n | unmunge'

# MariaDB: a data directory and a socket of its own under $dir, run as root (so $dir may
# be anywhere, e.g. under /root). slurmdbd reaches it over TCP: with StorageHost=localhost
# it would take the default socket, which a system MariaDB may hold. Durability is not
# needed; the buffer pool is as big as slurmdbd asks for, else it logs an error.
db=$dir/mysql
sock=$dir/mysqld.sock
if [ ! -d "$db/mysql" ]; then
  rm -rf "$db"
  mariadb-install-db --no-defaults --user=root --datadir="$db" \
    --auth-root-authentication-method=socket --skip-test-db >"$log/mariadb-install.log" 2>&1 ||
    { echo "mariadb-install-db failed; see $log/mariadb-install.log" >&2; exit 1; }
fi
if ! alive mariadbd "$dir/mariadb.pid"; then
  setsid mariadbd --no-defaults --user=root --datadir="$db" --socket="$sock" \
    --pid-file="$dir/mariadb.pid" --log-error="$log/mariadb.log" \
    --bind-address=127.0.0.1 --port=$dbport --skip-name-resolve \
    --innodb-flush-log-at-trx-commit=0 --innodb-buffer-pool-size=1G \
    --innodb-lock-wait-timeout=900 </dev/null >>"$log/mariadb.log" 2>&1 &
fi
wait_for 30 mariadbd mariadb-admin --socket="$sock" ping
mariadb --socket="$sock" <<'SQL'
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'massgen-test';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
SQL

alive slurmdbd "$dir/slurmdbd.pid" || slurmdbd
wait_for 60 slurmdbd timeout 5 sacctmgr -n show cluster

# Cluster, account and user before slurmctld starts, so that it has the associations
# (and the QOS) from its first contact with slurmdbd. Each only when not there yet: on a
# second start the database already has them, and sacctmgr fails when nothing is new.
has() { [ -n "$(timeout 10 sacctmgr -n -P "$@")" ]; }
has show cluster "$cluster" format=cluster || sacctmgr -i add cluster "$cluster" >/dev/null
has show qos cpu-only format=name || sacctmgr -i add qos cpu-only Flags=DenyOnLimit >/dev/null
has show account "$account" format=account ||
  sacctmgr -i add account "$account" cluster="$cluster" description="massgen tests" \
    organization=massgen >/dev/null
has show association cluster="$cluster" account="$account" user=root format=user ||
  sacctmgr -i add user root cluster="$cluster" account="$account" >/dev/null
# slurmdbd makes the user root with the account root as its default; jobs without -A are
# to run under massgen.
[ "$(timeout 10 sacctmgr -n -P show user root format=defaultaccount)" = "$account" ] ||
  sacctmgr -i modify user root set defaultaccount="$account" >/dev/null

alive slurmctld "$dir/slurmctld.pid" || slurmctld
alive slurmd "$dir/slurmd.pid" || slurmd

for _ in $(seq 60); do
  state=$(timeout 5 sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  case "$state" in
    idle*|mix*|alloc*) up=1; break ;;
    down*|drain*) timeout 5 scontrol update nodename="$host" state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 1
done
[ -n "${up:-}" ] || { echo "slurm did not come up; see $log" >&2; exit 1; }

# No GPUs in the cpu partition. slurmdbd knows the TRES gres/gpu only once slurmctld has
# registered it, so the limit is set now; slurmdbd passes it on to the running slurmctld.
[ "$(timeout 10 sacctmgr -n -P show qos cpu-only format=maxtres)" = gres/gpu=0 ] ||
  sacctmgr -i modify qos cpu-only set MaxTRESPerJob=gres/gpu=0 >/dev/null
echo "slurm up on $host ($cpus CPUs, 2 fake GPUs; partitions cpu, gpu; accounting)"
