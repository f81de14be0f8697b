#!/usr/bin/env bash
# Makes in DIR what the store's crypto and client-certificate tests compare hvr against,
# with the openssl program, natively: a CTest fixture (tests/store/CMakeLists.txt), so
# that the test program needs no child process and runs as it is under Wine too.
#   digest-text, hmac-key-hex  a message and an HMAC key;
#   hmac-sha256, md5, sha256, sha1  openssl dgst's hex digests of the message;
#   app.pem, app-key.pem, app-with-key.pem  an RSA 2048 application certificate, its key,
#     both in one file; app.thumbprint  base64url(SHA-1(DER certificate)), no padding;
#   other-key.pem  another RSA key; ec.pem, ec-key.pem  a P-256 certificate and key;
#   encrypted-key.pem  app's key encrypted (PKCS#8, AES-256).
# The certificates are valid for a year, so that a build tree's stay usable.
set -euo pipefail
dir=$1
rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"

printf '%s' 'PUT 512 /devstoreaccount1/c/d comp:page' > digest-text
printf '%s' '00112233445566778899aabbccddeeff' > hmac-key-hex
digest() { openssl dgst "$@" < digest-text | sed 's/.*= //' | tr -d '\n'; }
digest -sha256 -mac HMAC -macopt "hexkey:$(cat hmac-key-hex)" > hmac-sha256
digest -md5 > md5
digest -sha256 > sha256
digest -sha1 > sha1

certificate() {  # NAME KEY-SPEC...
  local name=$1
  shift
  openssl req -x509 -nodes -days 365 -subj "/CN=$name" -keyout "$name-key.pem" -out "$name.pem" "$@" 2>/dev/null
}
certificate app -newkey rsa:2048
cat app.pem app-key.pem > app-with-key.pem
openssl x509 -in app.pem -outform DER | openssl dgst -sha1 -binary | openssl base64 -A | tr '+/' '-_' | tr -d '=' \
  > app.thumbprint
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other-key.pem 2>/dev/null
certificate ec -newkey ec -pkeyopt ec_paramgen_curve:prime256v1
openssl pkcs8 -topk8 -v2 aes256 -passout pass:word -in app-key.pem -out encrypted-key.pem
