#include "platform/trust_store.hpp"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <windows.h>
#include <wincrypt.h>

#include "platform/system_error.hpp"
#include "platform/windows/wide_path.hpp"

namespace hvr {
namespace {

// Adds every certificate of one system store; a store that does not exist (a user
// without a profile, a service account) adds nothing.
Status AddStore(X509_STORE* store, DWORD location, const wchar_t* name, const char* shown) {
  const HCERTSTORE system = ::CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                            location | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, name);
  if (system == nullptr) {
    const DWORD error = ::GetLastError();
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return Ok();
    return NativeError(static_cast<int>(error), std::string("open the certificate store ") + shown);
  }
  const CERT_CONTEXT* context = nullptr;
  while ((context = ::CertEnumCertificatesInStore(system, context)) != nullptr) {
    const unsigned char* der = context->pbCertEncoded;
    X509* certificate = d2i_X509(nullptr, &der, static_cast<long>(context->cbCertEncoded));
    // A certificate OpenSSL cannot read, or one already added from another store, is
    // simply not added again.
    if (certificate != nullptr) {
      X509_STORE_add_cert(store, certificate);
      X509_free(certificate);
    }
  }
  ERR_clear_error();
  ::CertCloseStore(system, 0);
  return Ok();
}

}  // namespace

Status AddSystemTrustedCertificates(X509_STORE* store) {
  HVR_RETURN_IF_ERROR(AddStore(store, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"ROOT", "LocalMachine\\ROOT"));
  HVR_RETURN_IF_ERROR(AddStore(store, CERT_SYSTEM_STORE_LOCAL_MACHINE, L"CA", "LocalMachine\\CA"));
  HVR_RETURN_IF_ERROR(AddStore(store, CERT_SYSTEM_STORE_CURRENT_USER, L"ROOT", "CurrentUser\\ROOT"));
  return AddStore(store, CERT_SYSTEM_STORE_CURRENT_USER, L"CA", "CurrentUser\\CA");
}

}  // namespace hvr
