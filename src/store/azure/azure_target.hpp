// Where an Azure store lives and how it authenticates, from a connection string or a
// container URL with a SAS token (docs/store-design.md, "Target strings"). Which of the
// two a string is, store/store_target.hpp decides.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hvr/error.hpp"

namespace hvr::azure {

// The one REST API version hvr speaks (x-ms-version on every request).
inline constexpr std::string_view kApiVersion = "2024-11-04";
// The development storage account of Azurite and the older emulator; its key is public
// and documented by Microsoft, so "UseDevelopmentStorage=true" needs no secret.
inline constexpr std::string_view kDevelopmentAccount = "devstoreaccount1";
inline constexpr std::string_view kDevelopmentKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

struct Endpoint {
  bool https = true;
  std::string host;
  uint16_t port = 443;
  // "" for the usual https://ACCOUNT.blob.core.windows.net; "/ACCOUNT" for emulators
  // addressed by IP or localhost, where the account is the first path segment.
  std::string base_path;

  std::string Authority() const;  // "host[:port]", the port only when not the default
  std::string Origin() const;     // "https://host[:port]"
  std::string Url() const;        // "https://host[:port][/base]"
};

// Microsoft Entra ID's sign-in endpoint in Azure's public cloud; sovereign clouds have
// their own (AuthorityHost).
inline constexpr std::string_view kDefaultAuthorityHost = "https://login.microsoftonline.com";

// An application (service principal) of Microsoft Entra ID the store signs in as with the
// OAuth 2.0 client credentials grant, by a secret or by a certificate.
struct ServicePrincipal {
  Endpoint authority;  // AuthorityHost: always https, no path
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;     // either this
  std::string certificate_path;  // or a PEM file with the certificate and its private key
};

struct Target {
  Endpoint endpoint;
  std::string account;               // empty only with a SAS or Entra ID
  std::vector<uint8_t> account_key;  // Shared Key; empty with a SAS or Entra ID
  std::string sas;                   // the SAS query string without '?'; empty otherwise
  std::optional<ServicePrincipal> service_principal;  // Entra ID; no key or SAS then
  std::string container;

  // "azure:https://host/base/container": names the target, never its secrets.
  std::string Describe() const;
};

// A target with what may follow the container: "disk0" from "...;Container=c/disk0" or
// "https://host/c/disk0?sv=..". `without_rest` is the text with that part taken out.
struct ParsedTarget {
  Target target;
  std::string rest;
  std::string without_rest;
};

Result<ParsedTarget> ParseConnectionString(std::string_view text);
Result<ParsedTarget> ParseContainerUrl(std::string_view url);

// The port written in a URL's authority ("http://host:10000/..."): 1 to 65535, nullopt
// when none is written, or an error naming it.
Result<std::optional<uint16_t>> PortOfUrl(std::string_view url);

// True for hosts that are addressed path-style (IP addresses, localhost).
bool IsPathStyleHost(std::string_view host);

}  // namespace hvr::azure
