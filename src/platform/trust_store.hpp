// The certificates the operating system trusts, given to OpenSSL, for servers verified
// without a CA file of their own:
//   POSIX    nothing to add: OpenSSL's default paths (set_default_verify_paths) are the
//            system's store
//   Windows  the ROOT and CA certificate stores of the local machine and of the current
//            user, so that roots an enterprise installs by Group Policy are trusted; CA
//            holds intermediates, which help build chains but anchor none
#pragma once

#include <openssl/ossl_typ.h>

#include "hvr/error.hpp"

namespace hvr {

Status AddSystemTrustedCertificates(X509_STORE* store);

}  // namespace hvr
