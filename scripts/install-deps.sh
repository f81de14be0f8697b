#!/usr/bin/env bash
# Installs what building, testing and running hvr need on Debian 12, and nothing that is already there.
# Idempotent: a second run asks apt for nothing. Both README commands call this first.
#
#   scripts/install-deps.sh            build + test dependencies, and Azurite into .deps/azurite
#   scripts/install-deps.sh --runtime  only what the demo needs (compiler, libraries, Azurite)
#   scripts/install-deps.sh --windows  also what the windows preset needs (scripts/windows-deps.sh)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
# shellcheck source=scripts/versions.sh
source "$here/versions.sh"

runtime_only=0
[[ "${1:-}" == "--runtime" ]] && runtime_only=1
windows=0
[[ "${1:-}" == "--windows" ]] && windows=1

build_packages=(
  build-essential cmake pkg-config ninja-build
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libcli11-dev
  libssl-dev libxxhash-dev openssl ca-certificates
  qemu-utils
)
test_packages=(
  clang libclang-rt-14-dev
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  libvhdi-utils rsync binutils
  prometheus
  ccache
)

packages=("${build_packages[@]}")
((runtime_only)) || packages+=("${test_packages[@]}")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js may come from Debian or from elsewhere; only the commands matter.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Azurite, pinned, in a project-local folder that git ignores.
azurite_dir="$root/.deps/azurite"
if [[ "$(cat "$azurite_dir/.installed" 2>/dev/null)" != "$HVR_AZURITE_VERSION" ]]; then
  echo "install-deps: installing azurite@$HVR_AZURITE_VERSION into .deps/azurite"
  mkdir -p "$azurite_dir"
  npm install --prefix "$azurite_dir" --no-audit --no-fund --loglevel=error \
    "azurite@$HVR_AZURITE_VERSION" >/dev/null
  echo "$HVR_AZURITE_VERSION" >"$azurite_dir/.installed"
fi

if ((windows)); then
  "$here/windows-deps.sh"
fi
