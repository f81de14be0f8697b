#include "store/azure/xml.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <charconv>
#include <sstream>

#include "store/redact.hpp"
#include "store/time_text.hpp"

namespace hvr::azure {
namespace {

namespace pt = boost::property_tree;

std::optional<pt::ptree> ParseXml(std::string_view body) {
  // The service starts its documents with a UTF-8 byte order mark.
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (body.empty()) return std::nullopt;
  std::istringstream in{std::string(body)};
  pt::ptree tree;
  try {
    pt::read_xml(in, tree, pt::xml_parser::no_comments);
  } catch (const pt::xml_parser_error&) {
    return std::nullopt;
  }
  return tree;
}

Error Malformed(std::string_view what, std::string_view detail) {
  return Error(Code::kCorruptData, "Blob service answered " + std::string(what) +
                                       " with a malformed document: " + std::string(detail));
}

// The element `root` of the document in `body`.
Result<pt::ptree> Root(std::string_view body, std::string_view what, const std::string& root) {
  auto tree = ParseXml(body);
  if (!tree) return Malformed(what, "not XML");
  auto element = tree->get_child_optional(root);
  if (!element) return Malformed(what, "no <" + root + ">");
  pt::ptree out;
  out.swap(*element);
  return out;
}

std::optional<uint64_t> ToUint(const std::string& text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

bool OneOf(std::string_view code, std::initializer_list<std::string_view> codes) {
  for (auto c : codes) {
    if (code == c) return true;
  }
  return false;
}

Code CodeFor(unsigned status, std::string_view code) {
  // Azurite's strict mode refuses headers it does not implement with a 500.
  if (code == "FeatureNotSupported" || code == "APINotImplemented" || status == 501) {
    return Code::kUnsupported;
  }
  if (code.find("Encryption") != std::string_view::npos ||
      code.find("EncryptionKey") != std::string_view::npos) {
    return Code::kAuthFailed;  // missing or wrong customer-provided key
  }
  if (OneOf(code, {"Md5Mismatch", "Crc64Mismatch"})) return Code::kNetwork;  // damaged in transit
  if (code == "OperationTimedOut") return Code::kTimeout;
  if (OneOf(code, {"ServerBusy", "SnapshotOperationRateExceeded"})) return Code::kThrottled;
  if (code == "SnapshotsPresent") return Code::kInvalidReplicaState;
  if (OneOf(code, {"InvalidBlobType", "BlobTypeMismatch"})) return Code::kInvalidReplicaState;
  return CodeForStatus(status);
}

}  // namespace

Code CodeForStatus(unsigned status) {
  switch (status) {
    case 401:
    case 403:
      return Code::kAuthFailed;
    case 404:
      return Code::kNotFound;
    case 409:
    case 412:
      return Code::kConflict;
    case 429:
    case 500:
    case 503:
      return Code::kThrottled;
    case 502:
    case 504:
      return Code::kNetwork;
    default:
      break;
  }
  if (status >= 500) return Code::kThrottled;
  return Code::kInvalidArgument;
}

namespace {

Result<std::vector<ByteRange>> Ranges(const pt::ptree& list, const char* element,
                                      std::string_view what) {
  std::vector<ByteRange> out;
  for (const auto& [name, child] : list) {
    if (name != element) continue;
    const auto start = ToUint(child.get<std::string>("Start", ""));
    const auto end = ToUint(child.get<std::string>("End", ""));
    if (!start || !end || *end < *start) {
      return Malformed(what, std::string(element) + " without a valid Start and End");
    }
    out.push_back({*start, *end - *start + 1});
  }
  return out;
}

}  // namespace

LeaseState ParseLeaseState(std::string_view text) {
  if (text == "leased") return LeaseState::kLeased;
  if (text == "breaking") return LeaseState::kBreaking;
  if (text == "broken") return LeaseState::kBroken;
  if (text == "expired") return LeaseState::kExpired;
  return LeaseState::kAvailable;
}

std::string ParseEtag(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
  return std::string(text);
}

std::optional<ServiceError> ParseErrorBody(std::string_view body) {
  const auto tree = ParseXml(body);
  if (!tree) return std::nullopt;
  const auto error = tree->get_child_optional("Error");
  if (!error) return std::nullopt;
  return ServiceError{error->get<std::string>("Code", ""),
                      OneLine(error->get<std::string>("Message", ""))};
}

Error MapServiceError(unsigned status, std::string_view error_code, std::string_view body,
                      std::string_view what) {
  ServiceError error;
  if (auto parsed = ParseErrorBody(body)) error = std::move(*parsed);
  if (error.code.empty()) error.code = std::string(error_code);
  std::string message = std::string(what) + ": HTTP " + std::to_string(status);
  if (!error.code.empty()) message += " " + error.code;
  if (!error.message.empty()) message += ": " + error.message;
  return Error(CodeFor(status, error.code), RedactSecrets(message));
}

Result<PageList> ParsePageList(std::string_view body) {
  constexpr std::string_view what = "Get Page Ranges";
  HVR_ASSIGN_OR_RETURN(const pt::ptree list, Root(body, what, "PageList"));
  PageList out;
  HVR_ASSIGN_OR_RETURN(out.pages, Ranges(list, "PageRange", what));
  HVR_ASSIGN_OR_RETURN(out.clears, Ranges(list, "ClearRange", what));
  out.next_marker = list.get<std::string>("NextMarker", "");
  return out;
}

Result<BlobList> ParseBlobList(std::string_view body) {
  constexpr std::string_view what = "List Blobs";
  HVR_ASSIGN_OR_RETURN(const pt::ptree results, Root(body, what, "EnumerationResults"));
  BlobList out;
  out.next_marker = results.get<std::string>("NextMarker", "");
  const auto blobs = results.get_child_optional("Blobs");
  if (!blobs) return out;
  for (const auto& [name, blob] : *blobs) {
    if (name != "Blob") continue;
    BlobItem item;
    item.name = blob.get<std::string>("Name", "");
    item.snapshot = blob.get<std::string>("Snapshot", "");
    const auto length = ToUint(blob.get<std::string>("Properties.Content-Length", ""));
    if (item.name.empty() || !length) return Malformed(what, "<Blob> without Name or Content-Length");
    item.content_length = *length;
    item.blob_type = blob.get<std::string>("Properties.BlobType", "");
    item.lease_state = ParseLeaseState(blob.get<std::string>("Properties.LeaseState", ""));
    item.etag = ParseEtag(blob.get<std::string>("Properties.Etag", ""));
    if (auto modified = ParseHttpDate(blob.get<std::string>("Properties.Last-Modified", ""))) {
      item.last_modified = *modified;
    }
    if (const auto metadata = blob.get_child_optional("Metadata")) {
      for (const auto& [key, value] : *metadata) item.metadata[key] = value.data();
    }
    out.blobs.push_back(std::move(item));
  }
  return out;
}

}  // namespace hvr::azure
