#include "test_util/jwt.hpp"

#include <boost/json/parse.hpp>

#include "store/azure/crypto.hpp"

namespace hvr {
namespace {

std::optional<boost::json::object> DecodeJsonPart(const std::string& part) {
  const auto text = DecodeBase64Url(part);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto value = boost::json::parse(*text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return value.as_object();
}

}  // namespace

std::optional<std::string> DecodeBase64Url(std::string text) {
  for (char& c : text) {
    if (c == '+' || c == '/' || c == '=') return std::nullopt;  // the standard alphabet
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  const auto bytes = azure::Base64Decode(text);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

std::optional<Jwt> DecodeJwt(const std::string& text) {
  const size_t first = text.find('.');
  const size_t second = first == std::string::npos ? first : text.find('.', first + 1);
  if (second == std::string::npos || text.find('.', second + 1) != std::string::npos) {
    return std::nullopt;
  }
  auto header = DecodeJsonPart(text.substr(0, first));
  auto claims = DecodeJsonPart(text.substr(first + 1, second - first - 1));
  auto signature = DecodeBase64Url(text.substr(second + 1));
  if (!header || !claims || !signature) return std::nullopt;
  return Jwt{std::move(*header), std::move(*claims), text.substr(0, second), std::move(*signature)};
}

std::string JwtText(const boost::json::object& json, const char* name) {
  const auto* value = json.if_contains(name);
  return value != nullptr && value->is_string() ? std::string(value->as_string()) : std::string();
}

int64_t JwtNumber(const boost::json::object& json, const char* name) {
  const auto* value = json.if_contains(name);
  return value != nullptr && value->is_int64() ? value->as_int64() : -1;
}

}  // namespace hvr
