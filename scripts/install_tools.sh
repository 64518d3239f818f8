#!/usr/bin/env bash
# Install the external programs of the real simulation path.
#
#   usage: scripts/install_tools.sh madgraph|delphes DEST [--kit DIR]
#
#   madgraph  MadGraph5_aMC@NLO 3.5.7 (generation.generator: madgraph). Needs gfortran and
#             make (MadGraph compiles Fortran at every launch) and a Python >= 3.7 with
#             `six` (installed here into $PYTHON, default python3).
#   delphes   Delphes 3.5.1 with its CMS card (detector.kind: delphes). Writes DEST/setup.sh.
#             From source it needs g++, make and a ROOT 6: root-config on PATH, or the
#             PyPI `root` wheel, pip-installed into $PYTHON if neither is there.
#   --kit DIR install from an offline kit (DIR/install.sh and its tarballs; the tests and
#             CI use ../shared/tools/<program>); otherwise download the upstream release
#             (MadGraph from launchpad.net, Delphes' source from cp3.irmp.ucl.ac.be;
#             MADGRAPH_URL / DELPHES_URL override the addresses).
# Prints the directory to put in config `tools.<program>` or MASSGEN_<PROGRAM>.
set -euo pipefail
usage() { echo "usage: $0 madgraph|delphes DEST [--kit DIR]" >&2; exit 2; }
PROGRAM=${1:-}
shift || true
DEST="" KIT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kit) KIT=$(realpath "${2:?--kit needs a directory}"); shift ;;
    -*) usage ;;
    *) DEST=$1 ;;
  esac
  shift
done
[ -n "$DEST" ] || usage
mkdir -p "$DEST"
DEST=$(realpath "$DEST")
PY=${PYTHON:-python3}

install_madgraph() {
  local VERSION=3.5.7
  local URL=${MADGRAPH_URL:-"https://launchpad.net/mg5amcnlo/3.0/3.5.x/+download/MG5_aMC_v${VERSION}.tar.gz"}
  local MGDIR="$DEST/MG5_aMC_v${VERSION//./_}"
  if [ -n "$KIT" ]; then
    # the kit's installer checks gfortran/make, installs six and unpacks; our tests run
    # MadGraph themselves, so its self-check is skipped
    PYTHON=$PY bash "$KIT/install.sh" --no-check "$DEST"
  else
    for tool in gfortran make; do
      command -v "$tool" >/dev/null || { echo "install_tools.sh: $tool is missing (apt-get install gfortran make)" >&2; exit 2; }
    done
    "$PY" -m pip install --quiet six
    if [ ! -d "$MGDIR" ]; then
      echo "== downloading $URL"
      curl -fL "$URL" | tar -xz -C "$DEST"
      # no update checks or browser windows in batch jobs
      printf '\nauto_update = 0\nautomatic_html_opening = False\nnotification_center = False\n' \
        >> "$MGDIR/input/mg5_configuration.txt"
    fi
  fi
  [ -x "$MGDIR/bin/mg5_aMC" ] || { echo "install_tools.sh: $MGDIR/bin/mg5_aMC missing" >&2; exit 1; }
  echo "== MadGraph $VERSION in $MGDIR"
  echo "   set tools.madgraph: $MGDIR  (or export MASSGEN_MADGRAPH=$MGDIR)"
}

install_delphes() {
  local VERSION=3.5.1
  local URL=${DELPHES_URL:-"http://cp3.irmp.ucl.ac.be/downloads/Delphes-${VERSION}.tar.gz"}
  if [ -n "$KIT" ]; then
    PYTHON=$PY bash "$KIT/install.sh" "$DEST"
  else
    for tool in g++ make curl; do
      command -v "$tool" >/dev/null || { echo "install_tools.sh: $tool is missing" >&2; exit 2; }
    done
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    if command -v root-config >/dev/null && ! root-config --prefix | grep -q site-packages; then
      setup_root='export LD_LIBRARY_PATH="$(root-config --libdir)${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"'
    else  # the PyPI ROOT wheel; its root-config prints a non-existent /mock_site_packages/ROOT
      "$PY" -c 'import ROOT' 2>/dev/null || "$PY" -m pip install --quiet "${ROOT_PIP_SPEC:-root==0.1a12}"
      wheel=$("$PY" -c 'import importlib.util as u; print(list(u.find_spec("ROOT").submodule_search_locations)[0])')
      mkdir -p "$work/bin"
      printf '#!/bin/bash\n"%s/bin/root-config" "$@" | sed "s#/mock_site_packages/ROOT##g"\n' "$wheel" > "$work/bin/root-config"
      chmod +x "$work/bin/root-config"
      export PATH="$work/bin:$wheel/bin:$PATH" ROOTSYS="$wheel"
      export LD_LIBRARY_PATH="$wheel/lib:$(dirname "$wheel")/root.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      setup_root="export ROOTSYS=$wheel LD_LIBRARY_PATH=\"$LD_LIBRARY_PATH\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
    fi
    echo "== downloading $URL"
    curl -fL "$URL" | tar -xz -C "$work"
    src=$(find "$work" -maxdepth 1 -type d -iname "delphes-$VERSION")
    echo "== building Delphes (make -j$(nproc); a few minutes)"
    (cd "$src" && make -j"$(nproc)" > "$work/make.log" 2>&1) || { tail -30 "$work/make.log"; exit 1; }
    mkdir -p "$DEST/bin" "$DEST/cards" "$DEST/include"
    cp "$src"/Delphes{HepMC3,LHEF,ROOT} "$src"/*_rdict.pcm "$src"/libDelphes*.so "$DEST/bin/"
    cp "$src"/cards/delphes_card_CMS.tcl "$DEST/cards/"
    (cd "$src" && tar cf - classes/*.h external/ExRootAnalysis/*.h modules/*.h) | tar xf - -C "$DEST/include"
    cat > "$DEST/setup.sh" <<SETUP
# source this file: Delphes $VERSION in $DEST
$setup_root
export DELPHES_HOME=$DEST
export LD_LIBRARY_PATH="$DEST/bin\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
export ROOT_INCLUDE_PATH="$DEST/include:$DEST/include/external\${ROOT_INCLUDE_PATH:+:\$ROOT_INCLUDE_PATH}"
export PATH="$DEST/bin:\$PATH"
SETUP
  fi
  [ -f "$DEST/setup.sh" ] || { echo "install_tools.sh: $DEST/setup.sh missing" >&2; exit 1; }
  echo "== Delphes $VERSION in $DEST"
  echo "   set tools.delphes: $DEST  (or export MASSGEN_DELPHES=$DEST)"
}

case "$PROGRAM" in
  madgraph) install_madgraph ;;
  delphes) install_delphes ;;
  *) usage ;;
esac
