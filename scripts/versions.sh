# Pinned versions of the tools the project installs outside Debian's packages.
HVR_AZURITE_VERSION=3.37.0
HVR_AZURE_STORAGE_BLOB_VERSION=12.34.0
# OpenSSL for the Windows build: Debian bookworm's source package, built static for mingw64
# and cached outside the clone under this version (scripts/windows-deps.sh).
HVR_OPENSSL_MINGW_VERSION=3.0.20-1~deb12u2
