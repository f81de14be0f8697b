// The targets the shared replica store suite runs against: the local directory store,
// Azurite over HTTP (Shared Key), over HTTPS with a certificate the test makes, a
// container URL with a SAS token, and Azurite's OAuth mode with an Entra ID service
// principal signing in at a token endpoint of the test's own. Each test gets a fresh
// folder or container; Azurite instances start once per process, when first needed.
#pragma once

#include <memory>
#include <string>

#include "hvr/store_options.hpp"
#include "test_util/azurite.hpp"
#include "test_util/temp_dir.hpp"
#include "test_util/token_endpoint.hpp"

namespace hvr::testing {

enum class Backend { kLocal, kAzuriteHttp, kAzuriteHttps, kAzuriteSas, kAzuriteEntra };

const char* BackendName(Backend backend);  // "Local", "AzuriteHttp", ...
bool IsAzurite(Backend backend);

// The shared Azurite instances of this process, started on first use.
Azurite& HttpAzurite();
Azurite& HttpsAzurite();
Azurite& EntraAzurite();  // HTTPS, --oauth basic
// The CA file that trusts the certificate of HttpsAzurite(), EntraAzurite() and the token
// endpoints of these tests (one certificate for 127.0.0.1).
const std::string& HttpsAzuriteCa();
// The certificate and key behind it, for servers of the tests' own.
const CertificateFiles& LoopbackCertificate();
// The application certificate `name` ("app" or "other") a service principal signs in
// with: the Azurite fixture's (on Windows, whose test programs cannot make one), else
// made on first use.
const ClientCertificateFiles& ApplicationCertificate(const std::string& name);

// The secret of the service principal the Entra backend signs in as, and its token
// endpoint, started on first use.
inline constexpr char kEntraClientSecret[] = "Qx8~entra.SECRET_value-4f1d";
TokenEndpoint& EntraTokenEndpoint();

// A new, empty target of `backend` (a folder under `scratch`, or a container with a
// name unique to this process and call).
std::string NewTarget(Backend backend, const TempDir& scratch);
// Options a store of `backend` needs (the CA file for HTTPS).
StoreOptions OptionsFor(Backend backend);

// A container name unique to this process, even on an Azurite that other processes used
// before it: "t<pid>-<random>-<counter>".
std::string UniqueContainer();

}  // namespace hvr::testing
