#!/usr/bin/env bash
# Application certificates for Entra ID, made with the openssl program: what a service
# principal registers and signs its client assertions with.
#   client_certificate.sh DIR NAME...   writes DIR/NAME.pem, DIR/NAME-key.pem and
#                                       DIR/NAME-with-key.pem (both in one file, as
#                                       ClientCertificatePath names it) for each NAME: a
#                                       self-signed RSA 2048 certificate with CN=NAME,
#                                       valid for two days
# Linux test programs run it (test_util/certificates.cc); the Windows build's Azurite
# fixture runs it natively, since a test program under Wine cannot (docs/windows.md).
set -euo pipefail
dir=$1
shift
mkdir -p "$dir"
for name in "$@"; do
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$name" \
    -keyout "$dir/$name-key.pem" -out "$dir/$name.pem" >/dev/null 2>&1
  cat "$dir/$name.pem" "$dir/$name-key.pem" >"$dir/$name-with-key.pem"
done
