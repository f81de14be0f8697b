#!/usr/bin/env bash
# A self-signed server certificate for an IP address, made with the openssl program: the
# one Azurite serves HTTPS with in the tests, and the CA they trust (it signs itself).
#   server_certificate.sh DIR NAME IP   writes DIR/NAME.pem and DIR/NAME-key.pem: a P-256
#                                       certificate with IP in its subject alternative
#                                       names, valid for two days
# Linux test programs run it (test_util/certificates.cc); the Windows build's Azurite
# fixture runs it natively, since a test program under Wine cannot (docs/windows.md).
set -euo pipefail
dir=$1 name=$2 ip=$3
mkdir -p "$dir"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -subj "/CN=$ip" -addext "subjectAltName=IP:$ip" \
  -keyout "$dir/$name-key.pem" -out "$dir/$name.pem" >/dev/null 2>&1
