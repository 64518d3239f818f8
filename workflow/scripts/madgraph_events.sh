#!/usr/bin/env bash
# Rule madgraph_events: one chunk of LHE events from a sample's gridpack.
#   usage: madgraph_events.sh GRIDPACK NEVENTS SEED LHE_GZ
# Every chunk unpacks the gridpack into its own directory (chunks never share one).
set -euo pipefail
[ ! -f /etc/massgen-image ] || echo "== image: $(cat /etc/massgen-image)"
gridpack=$(realpath "$1")
nevents=$2
seed=$3
out=$4
work=$(mktemp -d "$(dirname "$out")/.lhe.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xzf "$gridpack" -C "$work"
echo "== gridpack $gridpack: $nevents events, seed $seed"
(cd "$work" && ./run.sh "$nevents" "$seed")
[ -s "$work/events.lhe.gz" ] || { echo "madgraph_events.sh: the gridpack wrote no events.lhe.gz" >&2; exit 1; }
mv "$work/events.lhe.gz" "$out.tmp"
mv "$out.tmp" "$out"
