#!/usr/bin/env bash
# Rule run_delphes: DelphesHepMC3 with a copy of the card seeded from the config.
#   usage: delphes.sh HEPMC3 CARD SEED OUT_ROOT [SETUP_SH]
# CARD is a file name under $DELPHES_HOME/cards or a path. SETUP_SH (a Delphes
# installation's setup.sh, by default $MASSGEN_DELPHES/setup.sh when that is set) is
# sourced; without either, as in the Delphes image, Delphes is on PATH.
# The stock CMS card seeds from the clock, so "set RandomSeed SEED" heads the copy.
# Delphes refuses to overwrite its output: it writes into a fresh directory, then moves.
set -euo pipefail
[ ! -f /etc/massgen-image ] || echo "== image: $(cat /etc/massgen-image)"
hepmc=$(realpath "$1")
card=$2
seed=$3
out=$4
setup=${5:-${MASSGEN_DELPHES:+$MASSGEN_DELPHES/setup.sh}}
if [ -n "$setup" ]; then
  set +u
  # shellcheck disable=SC1090
  source "$setup"
  set -u
fi
[ -f "$card" ] || card="${DELPHES_HOME:?DELPHES_HOME is not set: give the Delphes setup.sh}/cards/$card"
[ -f "$card" ] || { echo "delphes.sh: Delphes card $card not found" >&2; exit 1; }
work=$(mktemp -d "$(dirname "$out")/.delphes.XXXXXX")
trap 'rm -rf "$work"' EXIT
{ echo "set RandomSeed $seed"; grep -v '^ *set RandomSeed' "$card"; } > "$work/card.tcl"
echo "== DelphesHepMC3 $card (RandomSeed $seed) on $hepmc"
DelphesHepMC3 "$work/card.tcl" "$work/out.root" "$hepmc"
mv "$work/out.root" "$out.tmp"
mv "$out.tmp" "$out"
