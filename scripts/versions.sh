# Pinned versions of the tools the project installs outside Debian's packages.
HVR_AZURITE_VERSION=3.37.0
HVR_AZURE_STORAGE_BLOB_VERSION=12.34.0
