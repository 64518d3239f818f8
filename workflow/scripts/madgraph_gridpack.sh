#!/usr/bin/env bash
# Rule madgraph_gridpack: build one sample's MadGraph gridpack in a private directory.
#   usage: madgraph_gridpack.sh CARD UFO_DIR GRIDPACK
# MadGraph is $MASSGEN_MADGRAPH/bin/mg5_aMC run by $MASSGEN_PYTHON (a Python with `six`,
# default python3) when MASSGEN_MADGRAPH is set, else mg5_aMC on PATH (as in its image).
# MadGraph writes its process directory, a parser cache (py.py) in the working directory
# and the model cache (py3_model.pkl) in the UFO folder, so each job works in its own
# copy of all three and only the finished gridpack is moved into place.
set -euo pipefail
[ ! -f /etc/massgen-image ] || echo "== image: $(cat /etc/massgen-image)"
card=$(realpath "$1")
ufo=$(realpath "$2")
out=$3
if [ -n "${MASSGEN_MADGRAPH:-}" ]; then
  mg5=("${MASSGEN_PYTHON:-python3}" "$MASSGEN_MADGRAPH/bin/mg5_aMC")
else
  mg5=(mg5_aMC)
fi
work=$(mktemp -d "$(dirname "$out")/.gridpack.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$ufo" "$work/"
cp "$card" "$work/proc_card.mg5"
echo "== MadGraph: ${mg5[*]} proc_card.mg5 in $work"
cat "$work/proc_card.mg5"
(cd "$work" && "${mg5[@]}" proc_card.mg5)
grep -E "Cross-section|WZp|DECAY +32" "$work"/proc/Events/run_01/*banner.txt 2>/dev/null | head -3 || true
gridpack="$work/proc/run_01_gridpack.tar.gz"
[ -s "$gridpack" ] || { echo "madgraph_gridpack.sh: MadGraph made no gridpack ($gridpack)" >&2; exit 1; }
mv "$gridpack" "$out.tmp"
mv "$out.tmp" "$out"
