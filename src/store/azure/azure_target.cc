#include "store/azure/azure_target.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>

#include "store/azure/crypto.hpp"
#include "store/redact.hpp"
#include "store/validation.hpp"
#include "util/ascii.hpp"
#include "util/path.hpp"

namespace hvr::azure {
namespace {

// Connection string keys hvr reads, and those of other services it ignores.
const std::map<std::string, bool>& KnownKeys() {
  static const std::map<std::string, bool> keys = {
      {"defaultendpointsprotocol", true}, {"accountname", true},
      {"accountkey", true},               {"blobendpoint", true},
      {"sharedaccesssignature", true},    {"usedevelopmentstorage", true},
      {"endpointsuffix", true},           {"container", true},
      {"queueendpoint", false},           {"tableendpoint", false},
      {"fileendpoint", false},            {"queuesecondaryendpoint", false},
      {"tablesecondaryendpoint", false},  {"filesecondaryendpoint", false},
      {"blobsecondaryendpoint", false},   {"tenantid", true},
      {"clientid", true},                 {"clientsecret", true},
      {"clientcertificatepath", true},    {"authorityhost", true},
  };
  return keys;
}

// The keys that name an Entra ID service principal, as Azure's SDKs name them in their
// environment (AZURE_TENANT_ID...).
constexpr std::array<std::string_view, 5> kEntraKeys = {"tenantid", "clientid", "clientsecret",
                                                        "clientcertificatepath", "authorityhost"};

using Entries = std::map<std::string, std::string, std::less<>>;

std::optional<std::string> Find(const Entries& entries, std::string_view key) {
  auto it = entries.find(key);
  if (it == entries.end()) return std::nullopt;
  return it->second;
}

Error Invalid(std::string_view what, std::string message) {
  return Error(Code::kInvalidArgument, std::string(what) + ": " + message);
}

struct ParsedUrl {
  Endpoint endpoint;
  std::vector<std::string> segments;  // path segments after the base path
  std::string query;                  // encoded, without '?'
};

bool AllDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The text after the host in "scheme://[userinfo@]host:port/...". Read here rather than
// from Boost.URL, which takes the digits that start "1o000" as the port and the rest as
// the path.
std::optional<std::string_view> PortText(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return std::nullopt;
  start += 3;
  std::string_view authority = url.substr(start, url.find_first_of("/?#", start) - start);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    authority.remove_prefix(close + 1);
  }
  const size_t colon = authority.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return authority.substr(colon + 1);
}

// Blob endpoints on an IP address or localhost carry the account as their first path
// segment (emulators); other URLs, such as Entra ID's authority, never do.
enum class AccountInPath { kForIpHosts, kNever };

Result<ParsedUrl> ParseUrl(std::string_view text, std::string_view what,
                           AccountInPath account_in_path = AccountInPath::kForIpHosts) {
  auto port = PortOfUrl(text);
  if (!port.ok()) return port.error().WithContext(std::string(what) + " " + RedactSecrets(text));
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return Invalid(what, "not a URL: " + RedactSecrets(text));
  const boost::urls::url_view url = *parsed;
  ParsedUrl out;
  const std::string scheme = AsciiLower(url.scheme());
  if (scheme != "https" && scheme != "http") {
    return Invalid(what, "URL scheme must be https or http: " + RedactSecrets(text));
  }
  out.endpoint.https = scheme == "https";
  out.endpoint.host = url.host_address();
  if (out.endpoint.host.empty()) return Invalid(what, "URL has no host: " + RedactSecrets(text));
  out.endpoint.port = port->value_or(out.endpoint.https ? 443 : 80);
  for (auto segment : url.segments()) {
    if (!segment.empty()) out.segments.emplace_back(segment);
  }
  if (url.has_query()) out.query = std::string(url.encoded_query());
  if (account_in_path == AccountInPath::kForIpHosts && IsPathStyleHost(out.endpoint.host)) {
    if (out.segments.empty()) {
      return Invalid(what, "an IP or localhost endpoint needs the account name as the first path "
                           "segment, e.g. http://127.0.0.1:10000/devstoreaccount1");
    }
    out.endpoint.base_path = "/" + out.segments.front();
    out.segments.erase(out.segments.begin());
  }
  return out;
}

// The account of a host-style endpoint: "acct" of "acct.blob.core.windows.net".
std::string AccountOf(const Endpoint& endpoint) {
  if (!endpoint.base_path.empty()) return endpoint.base_path.substr(1);
  return endpoint.host.substr(0, endpoint.host.find('.'));
}

bool IsTenantId(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

// The Entra ID keys of a connection string; nullopt when it has none.
Result<std::optional<ServicePrincipal>> ParseServicePrincipal(const Entries& entries,
                                                              std::string_view what) {
  if (std::none_of(kEntraKeys.begin(), kEntraKeys.end(),
                   [&](std::string_view key) { return entries.count(key) != 0; })) {
    return std::optional<ServicePrincipal>();
  }
  if (entries.count("accountkey") != 0 || entries.count("sharedaccesssignature") != 0) {
    return Invalid(what, "Entra ID keys (TenantId, ClientId, ClientSecret, ClientCertificatePath, "
                         "AuthorityHost) and AccountKey or SharedAccessSignature are two ways to "
                         "authorise: give one");
  }
  ServicePrincipal principal;
  principal.tenant_id = Find(entries, "tenantid").value_or("");
  principal.client_id = Find(entries, "clientid").value_or("");
  principal.client_secret = Find(entries, "clientsecret").value_or("");
  principal.certificate_path = Find(entries, "clientcertificatepath").value_or("");
  if (!IsTenantId(principal.tenant_id)) {
    return Invalid(what, "Entra ID needs TenantId, the directory's GUID or domain name (letters, "
                         "digits, '-' and '.')");
  }
  if (principal.client_id.empty()) return Invalid(what, "Entra ID needs ClientId, the application's id");
  if (principal.client_secret.empty() == principal.certificate_path.empty()) {
    return Invalid(what, principal.client_secret.empty()
                             ? "Entra ID needs ClientSecret or ClientCertificatePath"
                             : "give ClientSecret or ClientCertificatePath, not both");
  }
  if (!principal.certificate_path.empty() && !PathFromUtf8(principal.certificate_path).is_absolute()) {
    return Invalid(what, "ClientCertificatePath must be an absolute path, since the target is kept "
                         "and used again from other working folders");
  }
  const std::string authority =
      Find(entries, "authorityhost").value_or(std::string(kDefaultAuthorityHost));
  HVR_ASSIGN_OR_RETURN(ParsedUrl url, ParseUrl(authority, "AuthorityHost", AccountInPath::kNever));
  if (!url.endpoint.https) {
    return Invalid("AuthorityHost", "must be https: the client secret or assertion is sent to it");
  }
  if (!url.segments.empty() || !url.query.empty()) {
    return Invalid("AuthorityHost", "must be the host alone (e.g. https://login.microsoftonline.us), "
                                    "without a path or query");
  }
  principal.authority = url.endpoint;
  return std::optional<ServicePrincipal>(std::move(principal));
}

Status SetKey(Target& target, std::string_view key, std::string_view what) {
  auto bytes = Base64Decode(key);
  if (!bytes || bytes->empty()) return Invalid(what, "AccountKey is not base64");
  target.account_key = std::move(*bytes);
  return Ok();
}

}  // namespace

std::string Endpoint::Authority() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (https ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

std::string Endpoint::Origin() const { return (https ? "https://" : "http://") + Authority(); }

std::string Endpoint::Url() const { return Origin() + base_path; }

std::string Target::Describe() const { return "azure:" + endpoint.Url() + "/" + container; }

Result<std::optional<uint16_t>> PortOfUrl(std::string_view url) {
  const std::optional<std::string_view> text = PortText(url);
  if (!text) return std::optional<uint16_t>();
  // Boost.URL would keep 16 bits of any number: ":99999" would be port 34463.
  constexpr unsigned kMaxPort = 65535;
  unsigned value = 0;
  bool in_range = !text->empty() && AllDigits(*text);
  for (size_t i = 0; in_range && i < text->size(); ++i) {
    value = value * 10 + static_cast<unsigned>((*text)[i] - '0');
    in_range = value <= kMaxPort;
  }
  if (!in_range || value == 0) {
    return Error(Code::kInvalidArgument, "port '" + RedactSecrets(*text) + "' is not a number from 1 to 65535");
  }
  return std::optional<uint16_t>(static_cast<uint16_t>(value));
}

bool IsPathStyleHost(std::string_view host) {
  if (host == "localhost" || host == "host.docker.internal") return true;
  if (host.find(':') != std::string_view::npos) return true;  // IPv6
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

Result<ParsedTarget> ParseConnectionString(std::string_view text) {
  constexpr std::string_view what = "connection string";
  Entries entries;
  ParsedTarget parsed;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view entry = text.substr(pos, end - pos);
    pos = end + 1;
    if (entry.empty()) continue;
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) {
      return Invalid(what, "entry '" + RedactSecrets(entry) + "' is not KEY=VALUE");
    }
    const std::string key = AsciiLower(entry.substr(0, eq));
    std::string value(entry.substr(eq + 1));
    auto known = KnownKeys().find(key);
    if (known == KnownKeys().end()) {
      return Invalid(what, "unknown key '" + std::string(entry.substr(0, eq)) + "'");
    }
    if (!known->second) continue;
    if (key == "container") {
      // "Container=replicas/disk0" names a disk in the container.
      const size_t slash = value.find('/');
      if (slash != std::string::npos) {
        parsed.rest = value.substr(slash + 1);
        value.resize(slash);
        parsed.without_rest = std::string(text.substr(0, pos - 1 - entry.size())) + "Container=" +
                              value + std::string(text.substr(std::min(pos - 1, text.size())));
      }
    }
    if (!entries.emplace(key, std::move(value)).second) {
      return Invalid(what, "key '" + std::string(entry.substr(0, eq)) + "' appears twice");
    }
  }
  if (parsed.without_rest.empty()) parsed.without_rest = std::string(text);

  Target& target = parsed.target;
  const auto get = [&](std::string_view key) { return Find(entries, key); };
  if (auto container = get("container")) {
    target.container = *container;
  } else {
    return Invalid(what, "names no container; add ;Container=NAME");
  }
  HVR_RETURN_IF_ERROR(ValidateContainerName(target.container));

  if (auto dev = get("usedevelopmentstorage")) {
    if (AsciiLower(*dev) != "true") return Invalid(what, "UseDevelopmentStorage must be true when given");
    for (const auto& [key, value] : entries) {
      if (key != "usedevelopmentstorage" && key != "container") {
        return Invalid(what, "UseDevelopmentStorage=true takes no other key than Container");
      }
    }
    target.endpoint = Endpoint{false, "127.0.0.1", 10000, "/" + std::string(kDevelopmentAccount)};
    target.account = kDevelopmentAccount;
    HVR_RETURN_IF_ERROR(SetKey(target, kDevelopmentKey, what));
    return parsed;
  }

  if (auto blob_endpoint = get("blobendpoint")) {
    HVR_ASSIGN_OR_RETURN(ParsedUrl url, ParseUrl(*blob_endpoint, "BlobEndpoint"));
    if (!url.segments.empty() || !url.query.empty()) {
      return Invalid(what, "BlobEndpoint must be the service endpoint, without a container or query");
    }
    target.endpoint = url.endpoint;
  } else {
    auto account = get("accountname");
    if (!account) return Invalid(what, "needs AccountName or BlobEndpoint");
    std::string protocol = AsciiLower(get("defaultendpointsprotocol").value_or("https"));
    if (protocol != "https" && protocol != "http") {
      return Invalid(what, "DefaultEndpointsProtocol must be https or http");
    }
    const std::string suffix = get("endpointsuffix").value_or("core.windows.net");
    target.endpoint.https = protocol == "https";
    target.endpoint.port = target.endpoint.https ? 443 : 80;
    target.endpoint.host = *account + ".blob." + suffix;
  }
  target.account = get("accountname").value_or(AccountOf(target.endpoint));

  HVR_ASSIGN_OR_RETURN(target.service_principal, ParseServicePrincipal(entries, what));
  if (target.service_principal) {
    if (!target.endpoint.https) {
      return Invalid(what, "Entra ID tokens are sent only over https, and the Blob endpoint is http");
    }
    return parsed;
  }
  const auto key = get("accountkey");
  auto sas = get("sharedaccesssignature");
  if (key && sas) return Invalid(what, "give AccountKey or SharedAccessSignature, not both");
  if (key) {
    if (target.account.empty()) return Invalid(what, "AccountKey needs AccountName");
    HVR_RETURN_IF_ERROR(SetKey(target, *key, what));
  } else if (sas) {
    if (!sas->empty() && sas->front() == '?') sas->erase(0, 1);
    if (sas->find("sig=") == std::string::npos) {
      return Invalid(what, "SharedAccessSignature carries no signature (sig=)");
    }
    target.sas = *sas;
  } else {
    return Invalid(what, "needs AccountKey, SharedAccessSignature, or Entra ID's TenantId, ClientId "
                         "and ClientSecret or ClientCertificatePath");
  }
  return parsed;
}

Result<ParsedTarget> ParseContainerUrl(std::string_view text) {
  constexpr std::string_view what = "container URL";
  HVR_ASSIGN_OR_RETURN(ParsedUrl url, ParseUrl(text, what));
  if (url.segments.empty()) {
    return Invalid(what, "names no container: " + RedactSecrets(text));
  }
  if (url.query.find("sig=") == std::string::npos) {
    return Invalid(what, "carries no SAS token (sig=...); give a SAS URL or a connection string: " +
                             RedactSecrets(text));
  }
  ParsedTarget parsed;
  Target& target = parsed.target;
  target.endpoint = url.endpoint;
  target.account = AccountOf(url.endpoint);
  target.container = url.segments.front();
  HVR_RETURN_IF_ERROR(ValidateContainerName(target.container));
  target.sas = url.query;
  for (size_t i = 1; i < url.segments.size(); ++i) {
    parsed.rest += (i > 1 ? "/" : "") + url.segments[i];
  }
  parsed.without_rest = target.endpoint.Url() + "/" + target.container + "?" + target.sas;
  return parsed;
}

}  // namespace hvr::azure
