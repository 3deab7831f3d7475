#!/usr/bin/env bash
# Installs every system package Tessel needs, from Debian's archive only.
# Idempotent: when everything is present it prints nothing and exits 0.
set -euo pipefail

PACKAGES=(
  cmake ninja-build ccache g++ make
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  clang-19 libclang-rt-19-dev
  libonnx-dev python3-onnx libonnx-testdata
  libprotobuf-dev protobuf-compiler
  libflatbuffers-dev flatbuffers-compiler
  libfmt-dev
  python3-dev python3-numpy python3-pytest pybind11-dev
  python3-venv python3-pip python3-setuptools python3-wheel
  libgtest-dev googletest
  librsvg2-bin
  zlib1g-dev libzstd-dev libedit-dev libxml2-dev libcurl4-openssl-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# ONNX Runtime (the reference the model tests and benchmarks compare with) comes from npm. A
# node that is already there, Debian's or another, is used as it is.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
