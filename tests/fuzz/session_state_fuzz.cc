// What a session reads back from its state directory: the journal (state.json), the
// relationship (settings.json) and its jobs. The first byte picks the decoder; the rest is
// the JSON body. Nothing may crash, hang or leak, every failure must be an hvr::Error, and
// whatever decodes must encode and decode again to the same thing.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "session/journal_json.hpp"

namespace {

template <typename T, typename Decode>
void RoundTrip(const boost::json::object& body, Decode decode) {
  auto first = decode(body);
  if (!first.ok()) return;
  const std::string once = boost::json::serialize(hvr::ToJson(*first));
  auto second = decode(boost::json::parse(once).as_object());
  if (!second.ok() || boost::json::serialize(hvr::ToJson(*second)) != once) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  boost::system::error_code ec;
  const boost::json::value value =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), ec);
  if (ec || !value.is_object()) return 0;
  const boost::json::object& body = value.get_object();
  switch (data[0] % 3) {
    case 0:
      RoundTrip<hvr::SessionState>(body, [](const boost::json::object& o) {
        return hvr::SessionStateFromJson(o, "state.json");
      });
      break;
    case 1:
      RoundTrip<hvr::ProtectionSettings>(body, [](const boost::json::object& o) {
        return hvr::SettingsFromJson(o, "settings.json");
      });
      break;
    default:
      RoundTrip<hvr::Job>(body, [](const boost::json::object& o) { return hvr::JobFromJson(o, "jobs.json"); });
      break;
  }
  return 0;
}
