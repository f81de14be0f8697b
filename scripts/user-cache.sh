# Sourced: the folder where the project keeps, per user and outside any clone, what is slow
# to make and the same for every clone: OpenSSL built for MinGW (scripts/windows-deps.sh), the
# Wine prefix (cmake/wine-run.sh) and the test command's compiler cache
# (scripts/compiler-cache.sh).
# shellcheck shell=bash
HVR_USER_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/hvr"
