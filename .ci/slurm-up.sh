#!/usr/bin/env bash
# Starts a single-node Slurm cluster on this machine for test/sweep/slurm.test.ts: installs
# Debian's slurm-wlm and munge when missing, creates a munge key, starts munged, writes a minimal
# slurm.conf (this host's short name, its CPUs and memory as `slurmd -C` reports them, one
# partition `debug`, no cgroups, no accounting), starts slurmctld and slurmd and waits until
# `sinfo` shows the node idle. Idempotent: when the cluster is already up with the same
# configuration it returns at once. Runs as root (CI and the development machines are root).
# Logs are in /var/log/slurm-fabricsim/.
set -euo pipefail

log() { echo "== slurm-up: $*"; }
t0=$SECONDS

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-up: must run as root (installs packages and starts daemons)" >&2
  exit 1
fi

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

host=$(hostname -s)
logdir=/var/log/slurm-fabricsim
spool=/var/spool/slurm-fabricsim
mkdir -p "$logdir" "$spool/ctld" "$spool/d" /etc/slurm /run/munge /var/lib/munge /var/log/munge

# ---- munge ----
if [ ! -s /etc/munge/munge.key ]; then
  log "creating a munge key"
  if command -v mungekey >/dev/null; then mungekey --create --force --keyfile=/etc/munge/munge.key
  else dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none; fi
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
chmod 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  log "starting munged"
  runuser -u munge -- /usr/sbin/munged --force
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n | unmunge >/dev/null
fi

# ---- slurm.conf ----
# `slurmd -C` prints this node's real layout (CPUs, sockets, cores, threads, memory).
node_line=$(slurmd -C | head -n 1)
conf=$(cat <<EOF
# Written by fabricsim's .ci/slurm-up.sh: a single-node cluster for tests.
ClusterName=fabricsim
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=${spool}/ctld
SlurmdSpoolDir=${spool}/d
SlurmctldPidFile=/run/slurmctld-fabricsim.pid
SlurmdPidFile=/run/slurmd-fabricsim.pid
SlurmctldLogFile=${logdir}/slurmctld.log
SlurmdLogFile=${logdir}/slurmd.log
SlurmctldPort=6817
SlurmdPort=6818
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=60
InactiveLimit=0
KillWait=5
MinJobAge=300
${node_line} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
)

# the node's state as sinfo reports it ('' when no controller answers within 3 s)
node_state() { timeout 3 sinfo -h -n "$host" -o '%T' 2>/dev/null | head -n 1 | tr -d '*~#!%$@^-' || true; }
# whether a process runs (a zombie left by a killed daemon does not count)
alive() { kill -0 "$1" 2>/dev/null && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; }

if [ -f /etc/slurm/slurm.conf ] && [ "$(cat /etc/slurm/slurm.conf)" = "$conf" ]; then
  state=$(node_state)
  case "$state" in idle|mixed|allocated|completing)
    log "already up ($state), $((SECONDS - t0)) s"
    exit 0 ;;
  esac
fi

printf '%s\n' "$conf" > /etc/slurm/slurm.conf
chmod 0644 /etc/slurm/slurm.conf

# (Re)start the daemons with this configuration.
for pidfile in /run/slurmctld-fabricsim.pid /run/slurmd-fabricsim.pid; do
  if [ -s "$pidfile" ] && alive "$(cat "$pidfile")"; then
    kill "$(cat "$pidfile")" || true
    for _ in $(seq 50); do alive "$(cat "$pidfile")" || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
done

log "starting slurmctld and slurmd on ${host}"
# -c: start clean (no state from an earlier configuration); -i: ignore errors in the saved state.
slurmctld -c -i
for _ in $(seq 100); do timeout 3 scontrol ping 2>/dev/null | grep -q 'UP' && break; sleep 0.2; done
slurmd
state=''
for _ in $(seq 150); do
  state=$(node_state)
  [ "$state" = idle ] && break
  # a node left DOWN/DRAINED by an earlier configuration comes back with RESUME
  case "$state" in down|drained|draining|drain) scontrol update NodeName="$host" State=RESUME 2>/dev/null || true ;; esac
  sleep 0.2
done
if [ "$state" != idle ]; then
  echo "slurm-up: node ${host} is '${state:-unknown}', not idle, after 30 s; logs:" >&2
  tail -n 30 "$logdir/slurmctld.log" "$logdir/slurmd.log" >&2 || true
  sinfo >&2 || true
  exit 1
fi
sinfo
log "up in $((SECONDS - t0)) s"
