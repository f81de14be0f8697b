#include "store/azure/sas.hpp"

#include <cstdio>
#include <ctime>

#include "store/azure/azure_target.hpp"
#include "store/azure/blob_request.hpp"
#include "store/azure/crypto.hpp"

namespace hvr::azure {
namespace {

// "2024-05-01T12:00:00Z": SAS times carry whole seconds.
std::string SasTime(TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace

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
