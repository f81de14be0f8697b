// The targets the shared replica store suite runs against: the local directory store,
// Azurite over HTTP (Shared Key), over HTTPS with a certificate the test makes, and a
// container URL with a SAS token. Each test gets a fresh folder or container; Azurite
// instances start once per process, when first needed.
#pragma once

#include <memory>
#include <string>

#include "hvr/store_options.hpp"
#include "test_util/azurite.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr::testing {

enum class Backend { kLocal, kAzuriteHttp, kAzuriteHttps, kAzuriteSas };

const char* BackendName(Backend backend);  // "Local", "AzuriteHttp", ...
bool IsAzurite(Backend backend);

// The shared Azurite instances of this process, started on first use.
Azurite& HttpAzurite();
Azurite& HttpsAzurite();
// The CA file that trusts HttpsAzurite()'s certificate.
const std::string& HttpsAzuriteCa();

// A new, empty target of `backend` (a folder under `scratch`, or a container with a
// name unique to this process and call).
std::string NewTarget(Backend backend, const TempDir& scratch);
// Options a store of `backend` needs (the CA file for HTTPS).
StoreOptions OptionsFor(Backend backend);

// A container name unique in this process: "t<pid>-<counter>".
std::string UniqueContainer();

}  // namespace hvr::testing
