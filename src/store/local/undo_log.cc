#include "store/local/undo_log.hpp"

#include <xxhash.h>

#include <array>
#include <cstring>

#include "util/endian.hpp"
#include "util/hex.hpp"

namespace hvr {
namespace {

constexpr char kDataMagic[8] = {'H', 'V', 'R', 'U', 'N', 'D', 'O', '1'};
constexpr char kZeroMagic[8] = {'H', 'V', 'R', 'U', 'N', 'D', 'O', 'Z'};
constexpr size_t kHeaderSize = 32;
// No data record is larger than one write; anything bigger is damage.
constexpr uint64_t kMaxDataRecord = uint64_t{4} << 20;

uint64_t RecordChecksum(uint64_t offset, uint64_t length, std::span<const uint8_t> data) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  uint8_t fields[16];
  StoreLE<uint64_t>(fields, offset);
  StoreLE<uint64_t>(fields + 8, length);
  XXH3_64bits_update(state, fields, sizeof fields);
  XXH3_64bits_update(state, data.data(), data.size());
  const uint64_t sum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return sum;
}

}  // namespace

Result<UndoLog> UndoLog::Open(const std::string& path, bool create) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, create ? File::Mode::kCreateExclusive
                                                          : File::Mode::kReadWrite));
  UndoLog log(std::move(file));
  HVR_RETURN_IF_ERROR(log.Refresh());
  return log;
}

void UndoLog::ForgetIndex() {
  extents_.clear();
  held_ = RangeSet();
  indexed_size_ = 0;
  gathered_.clear();
}

Status UndoLog::Refresh() {
  if (!gathered_.empty()) ForgetIndex();  // a batch that never reached its Sync
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file_.Size());
  // Logs only grow while they exist; a shorter one was replaced: index it again.
  if (size < indexed_size_) ForgetIndex();
  if (size == indexed_size_) return Ok();
  return Scan(indexed_size_, size);
}

Status UndoLog::Scan(uint64_t from, uint64_t file_size) {
  uint64_t pos = from;
  while (pos < file_size) {
    std::array<uint8_t, kHeaderSize> header{};
    bool torn = file_size - pos < kHeaderSize;  // the file ends inside a header
    uint64_t offset = 0;
    uint64_t length = 0;
    bool zero = false;
    if (!torn) {
      HVR_RETURN_IF_ERROR(file_.ReadAt(pos, header));
      offset = LoadLE<uint64_t>(header.data() + 8);
      length = LoadLE<uint64_t>(header.data() + 16);
      zero = std::memcmp(header.data(), kZeroMagic, 8) == 0;
      const bool data = std::memcmp(header.data(), kDataMagic, 8) == 0;
      const bool sane = (zero || (data && length <= kMaxDataRecord)) && length > 0 &&
                        offset + length > offset;
      const uint64_t stored = LoadLE<uint64_t>(header.data() + 24);
      if (!sane) {
        // After a crash the file may end in zeros its size already covered. Anything
        // else is damage, and cutting it off could lose saved content: refuse.
        HVR_ASSIGN_OR_RETURN(torn, IsZeroTail(pos, file_size));
        if (!torn) {
          return Error(Code::kCorruptData,
                       file_.path() + ": undo record at offset " + std::to_string(pos) +
                           ": header expected magic \"HVRUNDO1\" or \"HVRUNDOZ\" and a length "
                           "of 1 to 4194304, found 0x" + HexBytes(std::span(header.data(), 8)) +
                           " and " + std::to_string(length));
        }
      } else if (zero) {
        // A torn zero record can only have a torn header, which the checksum catches.
        torn = RecordChecksum(offset, length, {}) != stored;
      } else if (file_size - pos - kHeaderSize < length) {
        torn = true;  // the data runs past the end of the file
      } else if (pos + kHeaderSize + length == file_size) {
        // The last record is the one a crash may have torn: check its data.
        std::vector<uint8_t> bytes(static_cast<size_t>(length));
        HVR_RETURN_IF_ERROR(file_.ReadAt(pos + kHeaderSize, bytes));
        torn = RecordChecksum(offset, length, bytes) != stored;
      }
    }
    if (torn) {
      // An append cut short by a crash: the disk write it protected never happened.
      HVR_RETURN_IF_ERROR(file_.Truncate(pos));
      HVR_RETURN_IF_ERROR(file_.Sync());
      break;
    }
    extents_[offset] = Extent{offset + length, pos + kHeaderSize, zero};
    held_.Add(offset, length);
    pos += kHeaderSize + (zero ? 0 : length);
  }
  indexed_size_ = pos;
  return Ok();
}

Result<bool> UndoLog::IsZeroTail(uint64_t from, uint64_t file_size) const {
  // One write appends at most its own size plus headers; a longer tail is not torn.
  if (file_size - from > 2 * kMaxDataRecord) return false;
  std::vector<uint8_t> tail(static_cast<size_t>(file_size - from));
  HVR_RETURN_IF_ERROR(file_.ReadAt(from, tail));
  for (uint8_t b : tail) {
    if (b != 0) return false;
  }
  return true;
}

std::vector<UndoLog::Piece> UndoLog::Pieces() const {
  std::vector<Piece> out;
  out.reserve(extents_.size());
  for (const auto& [start, extent] : extents_) {
    out.push_back({start, extent.end - start, extent.zero});
  }
  return out;
}

Status UndoLog::AppendRecord(uint64_t offset, uint64_t length, std::span<const uint8_t> data) {
  const bool zero = data.empty();
  std::array<uint8_t, kHeaderSize> header{};
  std::memcpy(header.data(), zero ? kZeroMagic : kDataMagic, 8);
  StoreLE<uint64_t>(header.data() + 8, offset);
  StoreLE<uint64_t>(header.data() + 16, length);
  StoreLE<uint64_t>(header.data() + 24, RecordChecksum(offset, length, data));
  // One write stays within what a crash may tear off the end (IsZeroTail).
  if (gathered_.size() + kHeaderSize + data.size() > kMaxUnwritten) HVR_RETURN_IF_ERROR(WriteGathered());
  gathered_.insert(gathered_.end(), header.begin(), header.end());
  gathered_.insert(gathered_.end(), data.begin(), data.end());
  extents_[offset] = Extent{offset + length, indexed_size_ + kHeaderSize, zero};
  held_.Add(offset, length);
  indexed_size_ += kHeaderSize + data.size();
  return Ok();
}

Status UndoLog::WriteGathered() {
  if (gathered_.empty()) return Ok();
  Status written = file_.WriteAt(indexed_size_ - gathered_.size(), gathered_);
  if (!written.ok()) {
    // What reached the file is all the log holds: index that, once asked again.
    ForgetIndex();
    return written;
  }
  gathered_.clear();
  return Ok();
}

Status UndoLog::Sync() {
  HVR_RETURN_IF_ERROR(WriteGathered());
  return file_.Sync();
}

Status UndoLog::Append(uint64_t offset, std::span<const uint8_t> data) {
  for (uint64_t done = 0; done < data.size();) {
    const uint64_t n = std::min<uint64_t>(kMaxDataRecord, data.size() - done);
    HVR_RETURN_IF_ERROR(AppendRecord(
        offset + done, n, data.subspan(static_cast<size_t>(done), static_cast<size_t>(n))));
    done += n;
  }
  return Ok();
}

Status UndoLog::AppendZeros(uint64_t offset, uint64_t length) {
  if (length == 0) return Ok();
  return AppendRecord(offset, length, {});
}

Result<std::vector<UndoLog::Piece>> UndoLog::ReadHeld(uint64_t offset,
                                                      std::span<uint8_t> out) const {
  std::vector<Piece> filled;
  const uint64_t end = offset + out.size();
  auto it = extents_.upper_bound(offset);
  if (it != extents_.begin()) --it;
  for (; it != extents_.end() && it->first < end; ++it) {
    const uint64_t s = std::max(offset, it->first);
    const uint64_t e = std::min(end, it->second.end);
    if (s >= e) continue;
    const auto target = out.subspan(static_cast<size_t>(s - offset), static_cast<size_t>(e - s));
    const Extent& extent = it->second;
    if (extent.zero) {
      std::fill(target.begin(), target.end(), uint8_t{0});
    } else if (s == it->first && e == extent.end) {
      // The whole record: verify it against its header.
      std::array<uint8_t, kHeaderSize> header{};
      HVR_RETURN_IF_ERROR(file_.ReadAt(extent.position - kHeaderSize, header));
      HVR_RETURN_IF_ERROR(file_.ReadAt(extent.position, target));
      const uint64_t stored = LoadLE<uint64_t>(header.data() + 24);
      const uint64_t computed = RecordChecksum(s, e - s, target);
      if (stored != computed) {
        return Error(Code::kCorruptData,
                     file_.path() + ": undo record at offset " +
                         std::to_string(extent.position - kHeaderSize) +
                         ": checksum expected " + Hex64(computed) + ", found " + Hex64(stored));
      }
    } else {
      HVR_RETURN_IF_ERROR(file_.ReadAt(extent.position + (s - it->first), target));
    }
    filled.push_back({s, e - s, extent.zero});
  }
  return filled;
}

}  // namespace hvr
