// Everything the replica stores parse from outside: the Blob service's XML answers, target
// strings and connection strings, and the local store's undo logs. The first byte picks
// the parser; the rest is its input. Nothing may crash, hang or leak, and every failure
// must be an hvr::Error.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hvr/store.hpp"
#include "scratch_file.hpp"
#include "store/azure/azure_target.hpp"
#include "store/azure/xml.hpp"
#include "store/local/undo_log.hpp"
#include "store/redact.hpp"

namespace {

void FuzzUndoLog(std::string_view bytes) {
  static const hvr::fuzz::ScratchFile scratch("undo");
  const auto* raw = reinterpret_cast<const uint8_t*>(bytes.data());
  if (scratch.Assign(std::span(raw, bytes.size()))) {
    auto log = hvr::UndoLog::Open(scratch.path(), false);
    if (log.ok()) {
      for (const auto& piece : log->Pieces()) {
        if (piece.zero || piece.length > (1u << 20)) continue;
        std::string out(static_cast<size_t>(piece.length), '\0');
        (void)log->ReadHeld(piece.offset,
                            std::span(reinterpret_cast<uint8_t*>(out.data()), out.size()));
      }
      (void)log->Missing(0, UINT32_MAX);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      (void)hvr::azure::ParsePageList(text);
      break;
    case 1:
      (void)hvr::azure::ParseBlobList(text);
      break;
    case 2:
      (void)hvr::azure::MapServiceError(500, "x", text, "fuzz");
      (void)hvr::azure::ParseErrorBody(text);
      break;
    case 3:
      (void)hvr::azure::ParseConnectionString(text);
      (void)hvr::azure::ParseContainerUrl(text);
      break;
    case 4:
      (void)hvr::ParseDiskLocation(text);
      (void)hvr::RedactSecrets(text);
      break;
    case 5:
      FuzzUndoLog(text);
      break;
  }
  return 0;
}
