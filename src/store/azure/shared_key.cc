#include "store/azure/shared_key.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "store/azure/crypto.hpp"
#include "util/ascii.hpp"

namespace hvr::azure {
namespace {

int Rank(char c) {
  const unsigned char u = static_cast<unsigned char>(AsciiLower(c));
  if (u == '_') return 0;
  if (u == '-') return 1;
  if (u >= '0' && u <= '9') return 2 + (u - '0');
  if (u >= 'a' && u <= 'z') return 12 + (u - 'a');
  return 40 + u;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Header(const BlobRequest& request, http::field field) {
  auto it = request.headers.find(field);
  return it == request.headers.end() ? std::string() : std::string(Trim(it->value()));
}

}  // namespace

bool CanonicalHeaderLess(std::string_view a, std::string_view b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return Rank(x) < Rank(y); });
}

std::string StringToSign(const Target& target, const BlobRequest& request) {
  std::string out(http::to_string(request.method));
  out += '\n';
  out += Header(request, http::field::content_encoding) + '\n';
  out += Header(request, http::field::content_language) + '\n';
  // Since 2015-02-21 a zero Content-Length is signed as the empty string.
  out += (request.body.empty() ? std::string() : std::to_string(request.body.size())) + '\n';
  out += Header(request, http::field::content_md5) + '\n';
  out += Header(request, http::field::content_type) + '\n';
  out += Header(request, http::field::date) + '\n';
  out += Header(request, http::field::if_modified_since) + '\n';
  out += Header(request, http::field::if_match) + '\n';
  out += Header(request, http::field::if_none_match) + '\n';
  out += Header(request, http::field::if_unmodified_since) + '\n';
  out += Header(request, http::field::range) + '\n';

  std::vector<std::pair<std::string, std::string>> ms;
  for (const auto& field : request.headers) {
    std::string name = AsciiLower(field.name_string());
    if (name.rfind("x-ms-", 0) == 0) ms.emplace_back(std::move(name), std::string(Trim(field.value())));
  }
  std::stable_sort(ms.begin(), ms.end(),
                   [](const auto& x, const auto& y) { return CanonicalHeaderLess(x.first, y.first); });
  for (const auto& [name, value] : ms) out += name + ":" + value + "\n";

  out += "/" + target.account + RequestPath(target, request);
  std::map<std::string, std::vector<std::string>> query;
  for (const auto& [name, value] : request.query) query[AsciiLower(name)].push_back(value);
  for (auto& [name, values] : query) {
    std::sort(values.begin(), values.end());
    out += "\n" + name + ":";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
  }
  return out;
}

void SignSharedKey(const Target& target, BlobRequest& request, std::string_view date) {
  request.headers.set("x-ms-date", date);
  const auto mac = HmacSha256(target.account_key, StringToSign(target, request));
  request.headers.set(http::field::authorization,
                      "SharedKey " + target.account + ":" + Base64Encode(mac));
}

}  // namespace hvr::azure
