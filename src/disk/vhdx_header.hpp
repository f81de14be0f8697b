// The VHDX file type identifier and the two headers (MS-VHDX 2.2.1, 2.2.2). Exactly one
// header is current: the valid one with the larger sequence number. Writers update the
// other one and make it current, so a torn header write never loses the file.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "disk/vhdx_format.hpp"
#include "hvr/error.hpp"
#include "hvr/guid.hpp"

namespace hvr::vhdx {

struct Header {
  uint64_t sequence_number = 0;
  Guid file_write_guid;
  Guid data_write_guid;
  Guid log_guid;  // zero: the log is empty
  uint16_t log_version = 0;
  uint16_t version = 1;
  uint32_t log_length = 0;
  uint64_t log_offset = 0;
};

// The 64 KiB at offset 0: signature and a UTF-16 creator string (diagnostic only).
std::array<uint8_t, 1024> EncodeFileIdentifier(const std::string& creator);
// Checks the signature of the file's first 8 bytes.
Status CheckFileIdentifier(std::span<const uint8_t> first_bytes, const std::string& path);

std::array<uint8_t, kHeaderSize> EncodeHeader(const Header& header);

// Checks signature and checksum; `where` names file and offset in messages.
Result<Header> DecodeHeader(std::span<const uint8_t, kHeaderSize> bytes, const std::string& where);

struct CurrentHeader {
  Header header;
  int slot = 0;  // 0: the header at 64 KiB, 1: the one at 128 KiB
};

// The current header of two candidates (MS-VHDX 2.2.2, SequenceNumber), then the checks
// that make it usable: version 1, log version 0 unless the log is empty, log placement.
Result<CurrentHeader> SelectCurrentHeader(const Result<Header>& first, const Result<Header>& second,
                                          const std::string& path, uint64_t file_size);

}  // namespace hvr::vhdx
