// PathIn is where hvr joins every file-system path: with the system's separator, so that
// a path hvr makes and one a listing of the folder hands back are the same text.
#include "util/path.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "test_util/temp_dir.hpp"
#include "util/file.hpp"

namespace hvr {
namespace {

// '/' on POSIX, '\' on Windows.
const std::string kSeparator(1, static_cast<char>(std::filesystem::path::preferred_separator));

TEST(PathInTest, JoinsWithTheSystemsSeparator) {
  EXPECT_EQ(PathIn("state", "settings.json"), "state" + kSeparator + "settings.json");
}

TEST(PathInTest, SlashesInTheNameBecomeTheSystemsSeparator) {
  EXPECT_EQ(PathIn("state", "requests/operations"), "state" + kSeparator + "requests" + kSeparator + "operations");
}

TEST(PathInTest, AFolderEndingInASeparatorGetsNoSecondOne) {
  EXPECT_EQ(PathIn("state" + kSeparator, "lock"), "state" + kSeparator + "lock");
}

TEST(PathInTest, NamesStayUtf8) {
  EXPECT_EQ(PathIn("st\xC3\xA4t", "n\xC3\xBC.json"), "st\xC3\xA4t" + kSeparator + "n\xC3\xBC.json");
}

TEST(PathInTest, APathMadeHereIsTheOneTheFolderListingSpells) {
  TempDir dir;
  const std::string made = PathIn(dir.path(), "d\xC3\xAF" "sk0-1.hrl");
  ASSERT_TRUE(WriteFileAtomically(made, "log").ok());
  std::vector<std::string> listed;
  for (const auto& entry : std::filesystem::directory_iterator(PathFromUtf8(dir.path()))) {
    listed.push_back(Utf8(entry.path()));
  }
  EXPECT_EQ(listed, std::vector<std::string>{made});
}

}  // namespace
}  // namespace hvr
