#!/usr/bin/env bash
# Build the three rule images with podman: ours (massgen), MadGraph and Delphes.
#
#   usage: scripts/build_images.sh [--kits DIR] [--base IMAGE] [--prefix NAME] [IMAGE...]
#
#   IMAGE     python, madgraph, delphes (default: all three)
#   --kits    offline kits (DIR/madgraph, DIR/delphes as in ../shared/tools) to install
#             from instead of the upstream releases
#   --base    base image (default: localhost/massgen/base:bookworm, made here with
#             debootstrap from $DEBIAN_MIRROR, default deb.debian.org, when missing; or any Debian 12
#             image such as docker.io/library/debian:bookworm-slim)
#   --prefix  image names (default localhost/massgen): PREFIX/massgen:VERSION (pyproject.toml),
#             PREFIX/madgraph:3.5.7, PREFIX/delphes:3.5.1
# Locally added CA certificates (/usr/local/share/ca-certificates) go into every image
# before any apt or pip step. A CPU torch wheel in $TORCH_WHEEL_DIR (default: downloaded
# with pip) keeps the test image free of CUDA; set TORCH_WHEEL_DIR=none for PyPI's torch.
# Apptainer users convert an image with: apptainer build massgen.sif docker-daemon:IMAGE
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
KITS="" BASE="" PREFIX=localhost/massgen IMAGES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kits) KITS=$(realpath "$2"); shift ;;
    --base) BASE=$2; shift ;;
    --prefix) PREFIX=$2; shift ;;
    python|madgraph|delphes) IMAGES+=("$1") ;;
    *) sed -n '2,20p' "$0" >&2; exit 2 ;;
  esac
  shift
done
[ ${#IMAGES[@]} -gt 0 ] || IMAGES=(python madgraph delphes)
# our image's tag is the package version, written only in pyproject.toml
VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$REPO/pyproject.toml")
[ -n "$VERSION" ] || { echo "build_images.sh: no version in $REPO/pyproject.toml" >&2; exit 1; }
declare -A TAG=([python]=massgen:$VERSION [madgraph]=madgraph:3.5.7 [delphes]=delphes:3.5.1)

if [ -z "$BASE" ]; then
  BASE=localhost/massgen/base:bookworm
  if ! podman image exists "$BASE"; then
    rootfs=$(mktemp -d)
    echo "== debootstrap Debian 12 (minbase) into $rootfs"
    debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates \
      bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" > "$rootfs.log" 2>&1 \
      || { tail -20 "$rootfs.log"; exit 1; }
    tar -C "$rootfs" -c . | podman import - "$BASE"
    rm -rf "$rootfs" "$rootfs.log"
  fi
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
(cd "$REPO" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$context")
mkdir -p "$context/ca" "$context/wheels" "$context/kits"
cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
if [ -n "$KITS" ]; then
  cp -r "$KITS/madgraph" "$KITS/delphes" "$context/kits/"
fi
if [[ " ${IMAGES[*]} " == *" python "* ]]; then
  wheels=${TORCH_WHEEL_DIR:-}
  if [ -z "$wheels" ]; then
    wheels="$context/torch"
    pip download --quiet --no-deps "torch==2.13.0+cpu" -d "$wheels"
  fi
  [ "$wheels" = none ] || cp "$wheels"/torch-*.whl "$context/wheels/"
fi
for image in "${IMAGES[@]}"; do
  echo "== building $PREFIX/${TAG[$image]} (log: $context/$image.log)"
  start=$(date +%s)
  podman build --network host --build-arg "BASE=$BASE" -f "$context/workflow/envs/$image.Containerfile" \
    -t "$PREFIX/${TAG[$image]}" "$context" > "$context/$image.log" 2>&1 \
    || { tail -30 "$context/$image.log"; exit 1; }
  echo "   built in $(( $(date +%s) - start )) s, $(podman image inspect --format '{{.Size}}' "$PREFIX/${TAG[$image]}") bytes"
done
