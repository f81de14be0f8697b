#!/usr/bin/env bash
# Installs what the windows preset needs on Debian 12: the MinGW-w64 cross compilers
# (posix threads), Wine to run what they build, and OpenSSL built static for mingw64 from
# Debian's own source package. Boost, xxHash and GoogleTest come from Debian's packages as
# headers and sources; CMake builds what needs building in the Windows build tree.
#
# OpenSSL is cached outside the clone (scripts/user-cache.sh), keyed by its version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/hvr/openssl-mingw64-$HVR_OPENSSL_MINGW_VERSION
# so a second run (or a second clone) does not build it again. Idempotent.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/versions.sh
source "$here/versions.sh"
# shellcheck source=scripts/user-cache.sh
source "$here/user-cache.sh"

openssl_prefix="$HVR_USER_CACHE/openssl-mingw64-$HVR_OPENSSL_MINGW_VERSION"
# The toolchain file asks where OpenSSL is, so that the folder is named here only.
if [[ ${1:-} == --openssl-prefix ]]; then
  echo "$openssl_prefix"
  exit 0
fi

packages=(
  g++-mingw-w64-x86-64-posix gcc-mingw-w64-x86-64-posix binutils-mingw-w64-x86-64
  wine64 dpkg-dev make perl
  libboost1.81-dev libxxhash-dev libcli11-dev googletest
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
if ((${#missing[@]})); then
  echo "windows-deps: installing ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

prefix=$openssl_prefix
[[ -f "$prefix/.installed" ]] && exit 0

echo "windows-deps: building OpenSSL $HVR_OPENSSL_MINGW_VERSION for mingw64 into $prefix"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A private apt configuration with a deb-src entry, so the machine's own sources and
# package lists stay as they are.
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main" \
  >"$work/apt/sources.list"
apt_private=(-o "Dir::Etc::SourceList=$work/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/apt/lists" -o "Dir::Cache=$work/apt/cache")
apt-get -qq "${apt_private[@]}" update
(cd "$work" && apt-get -qq "${apt_private[@]}" source "openssl=$HVR_OPENSSL_MINGW_VERSION" >/dev/null) || {
  echo "windows-deps: Debian no longer serves openssl $HVR_OPENSSL_MINGW_VERSION;" \
    "set HVR_OPENSSL_MINGW_VERSION in scripts/versions.sh to the version" \
    "'apt-cache showsrc openssl' gives for bookworm" >&2
  exit 1
}
# OPENSSLDIR is where the library looks for openssl.cnf on the Windows machine: OpenSSL's
# own default there, never a path of this build machine. (hvr gives its CA roots to
# OpenSSL itself: a CA file, or the Windows certificate stores.)
source_dir=$(find "$work" -maxdepth 1 -type d -name 'openssl-*' | head -1)
(
  cd "$source_dir"
  ./Configure mingw64 no-shared no-tests --cross-compile-prefix=x86_64-w64-mingw32- \
    --prefix="$prefix.partial" --libdir=lib --openssldir="C:/Program Files/Common Files/SSL" >/dev/null
  make -j "$(nproc)" build_libs >/dev/null
  make install_dev >/dev/null
)
rm -rf "$prefix"
mv "$prefix.partial" "$prefix"
echo "$HVR_OPENSSL_MINGW_VERSION" >"$prefix/.installed"
