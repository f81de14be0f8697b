#include "platform/trust_store.hpp"

namespace hvr {

Status AddSystemTrustedCertificates(X509_STORE*) { return Ok(); }

}  // namespace hvr
