#!/bin/sh
# Installs, with apt-get, whatever of lapbench's build dependencies is missing.
# Idempotent: a second run installs nothing and says so.
set -eu

# ocl-icd-opencl-dev: Debian's oneDNN is built with an OpenCL GPU runtime,
# and its CMake config refuses to load without the OpenCL headers.
# clang, libclang-rt-14-dev: the GGUF fuzzer (scripts/fuzz-gguf.sh); on
# Debian 12 libFuzzer ships in clang's runtime package.
PACKAGES="build-essential cmake pkg-config git clang libclang-rt-14-dev \
  libbenchmark-dev libhwloc-dev libcpuid-dev libdnnl-dev ocl-icd-opencl-dev \
  libfmt-dev catch2 nlohmann-json3-dev libcli11-dev libtomlplusplus-dev \
  libssl-dev libboost-dev clang-format"

missing=""
for pkg in $PACKAGES; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in
    "install ok installed") ;;
    *) missing="$missing $pkg" ;;
  esac
done

if [ -z "$missing" ]; then
  echo "install-deps: all build dependencies already installed" >&2
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: error: missing packages:$missing (run as root)" >&2
  exit 1
fi

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: installed:$missing" >&2
