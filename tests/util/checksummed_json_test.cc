// Small JSON files that must not be believed when damaged: what is written reads back,
// and every kind of damage is an error naming the file, never a guess.
#include "util/checksummed_json.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>

#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"

namespace hvr {
namespace {

namespace json = boost::json;

json::object Body() { return json::object{{"vm", "sql01"}, {"points", json::array{1, 2, 3}}, {"bytes", 1 << 30}}; }

// Writes `text` over the file, as a crash or a careless editor might leave it.
void Overwrite(const std::string& path, const std::string& text) { ASSERT_OK(WriteFileAtomically(path, text)); }

// The code of reading `path`, and that its message names the file.
Code ReadCode(const std::string& path) {
  auto read = ReadChecksummedJson(path);
  if (read.ok()) return Code::kOk;
  EXPECT_NE(read.error().message().find(path), std::string::npos) << read.error().ToString();
  return read.error().code();
}

TEST(ChecksummedJsonTest, WhatIsWrittenReadsBack) {
  TempDir dir;
  const std::string path = dir.File("state.json");
  ASSERT_OK(WriteChecksummedJson(path, Body()));
  ASSERT_OK_AND_ASSIGN(const json::object read, ReadChecksummedJson(path));
  EXPECT_EQ(read, Body());
}

TEST(ChecksummedJsonTest, ReplacingLeavesOnlyTheNewFile) {
  TempDir dir;
  const std::string path = dir.File("state.json");
  ASSERT_OK(WriteChecksummedJson(path, Body()));
  json::object changed = Body();
  changed["vm"] = "web01";
  ASSERT_OK(WriteChecksummedJson(path, changed));
  ASSERT_OK_AND_ASSIGN(const json::object read, ReadChecksummedJson(path));
  EXPECT_EQ(read, changed);
  int files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1) << "a temporary file was left beside the state";
}

TEST(ChecksummedJsonTest, AMissingFileIsNotFound) {
  TempDir dir;
  EXPECT_EQ(CodeOf(ReadChecksummedJson(dir.File("absent.json"))), Code::kNotFound);
}

TEST(ChecksummedJsonTest, AChangedBodyIsCorruptAndSaysWhichChecksum) {
  TempDir dir;
  const std::string path = dir.File("state.json");
  ASSERT_OK(WriteChecksummedJson(path, Body()));
  ASSERT_OK_AND_ASSIGN(std::string text, ReadWholeFile(path));
  const size_t at = text.find("sql01");
  ASSERT_NE(at, std::string::npos);
  text[at] = 'S';  // still valid JSON, no longer what was checksummed
  Overwrite(path, text);
  auto read = ReadChecksummedJson(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code(), Code::kCorruptData);
  EXPECT_NE(read.error().message().find("xxh3 expected"), std::string::npos) << read.error().ToString();
}

TEST(ChecksummedJsonTest, EveryOtherDamageIsCorruptNamingTheFile) {
  TempDir dir;
  const std::string path = dir.File("state.json");
  ASSERT_OK(WriteChecksummedJson(path, Body()));
  ASSERT_OK_AND_ASSIGN(const std::string good, ReadWholeFile(path));
  const json::object file = json::parse(good).as_object();
  json::object no_sum = file;
  no_sum.erase("xxh3");
  json::object sum_not_text = file;
  sum_not_text["xxh3"] = 12;
  json::object body_not_object = file;
  body_not_object["body"] = json::array{};
  for (const std::string& damaged :
       {good.substr(0, good.size() / 2), std::string(), std::string("[1,2]"), json::serialize(no_sum),
        json::serialize(sum_not_text), json::serialize(body_not_object)}) {
    Overwrite(path, damaged);
    EXPECT_EQ(ReadCode(path), Code::kCorruptData) << "read as good: " << damaged;
  }
}

}  // namespace
}  // namespace hvr
