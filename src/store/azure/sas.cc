#include "store/azure/sas.hpp"

#include <boost/url/parse_query.hpp>
#include <cstdio>
#include <ctime>
#include <map>
#include <optional>

#include "platform/calendar.hpp"
#include "store/azure/azure_target.hpp"
#include "store/azure/blob_request.hpp"
#include "store/azure/crypto.hpp"

namespace hvr::azure {
namespace {

// "2024-05-01T12:00:00Z": SAS times carry whole seconds.
std::string SasTime(TimePoint t) {
  const std::tm tm = UtcCalendar(std::chrono::system_clock::to_time_t(t));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

using Meanings = std::map<char, std::string_view>;

// What the letters of sp=, ss= and srt= stand for (Create an account SAS, Create a
// service SAS), for messages.
const Meanings kPermissions = {{'r', "read"},   {'a', "add"},  {'c', "create"},
                               {'w', "write"},  {'d', "delete"}, {'l', "list"}};
const Meanings kServices = {{'b', "Blob"}};
const Meanings kResourceTypes = {{'c', "container"}, {'o', "object"}};

// The letters of `needed` that `granted` lacks, as "a (add), d (delete)"; empty when none.
std::string Lacking(std::string_view granted, std::string_view needed, const Meanings& meanings) {
  std::string out;
  for (char letter : needed) {
    if (granted.find(letter) != std::string_view::npos) continue;
    out += (out.empty() ? "" : ", ") + std::string(1, letter);
    if (auto it = meanings.find(letter); it != meanings.end()) out += " (" + std::string(it->second) + ")";
  }
  return out;
}

Error Refused(const std::string& message) { return Error(Code::kInvalidArgument, "the SAS " + message); }

}  // namespace

Status CheckSasGrants(std::string_view sas, std::string_view needed) {
  auto query = boost::urls::parse_query(sas);
  if (!query) return Refused("is not a query string");
  std::map<std::string, std::string> fields;
  for (const auto& param : *query) fields[param.key.decode()] = param.has_value ? param.value.decode() : "";
  const auto field = [&](const char* name) -> std::optional<std::string> {
    auto it = fields.find(name);
    if (it == fields.end()) return std::nullopt;
    return it->second;
  };
  const std::string want(needed);
  const auto permissions = field("sp");
  if (!permissions) {
    return Refused("carries no sp= (the permissions of a stored access policy cannot be checked); give sp=" + want);
  }
  if (const std::string lacking = Lacking(*permissions, needed, kPermissions); !lacking.empty()) {
    return Refused("lacks permissions " + lacking + ": it grants sp=" + *permissions + ", and " + want +
                   " are needed");
  }
  const auto services = field("ss");
  const auto resource_types = field("srt");
  if (services || resource_types) {
    if (const std::string lacking = Lacking(services.value_or(""), "b", kServices); !lacking.empty()) {
      return Refused("is an account SAS whose services ss=" + services.value_or("") + " lack " + lacking);
    }
    if (const std::string lacking = Lacking(resource_types.value_or(""), "co", kResourceTypes); !lacking.empty()) {
      return Refused("is an account SAS whose resource types srt=" + resource_types.value_or("") + " lack " +
                     lacking);
    }
    return Ok();
  }
  if (const auto resource = field("sr"); resource != "c") {
    return Refused("is for sr=" + resource.value_or("") + ": a container SAS (sr=c) or an account SAS is needed");
  }
  return Ok();
}

std::string MakeAccountSas(std::string_view account, const std::vector<uint8_t>& key,
                           std::string_view permissions, TimePoint expiry) {
  const std::string se = SasTime(expiry);
  const std::string services = "b";
  const std::string resource_types = "sco";
  // account, permissions, services, resource types, start, expiry, IP, protocol,
  // version, encryption scope, and a final newline.
  const std::string to_sign = std::string(account) + "\n" + std::string(permissions) + "\n" +
                              services + "\n" + resource_types + "\n" + "\n" + se + "\n" + "\n" +
                              "\n" + std::string(kApiVersion) + "\n" + "\n";
  const std::string sig = Base64Encode(HmacSha256(key, to_sign));
  return "sv=" + std::string(kApiVersion) + "&ss=" + services + "&srt=" + resource_types +
         "&sp=" + std::string(permissions) + "&se=" + PercentEncode(se) +
         "&sig=" + PercentEncode(sig);
}

}  // namespace hvr::azure
