// Requests left for the process running a VM, and their answers: taken in the order asked,
// answered once, and answers nobody came for do not pile up in the state directory.
#include "session/operator_request.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "test_util/result_assertions.hpp"
#include "test_util/temp_dir.hpp"
#include "util/path.hpp"

namespace hvr {
namespace {

class OperatorRequestFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = StateDir::Open(scratch_.File("state"), true, false);
    ASSERT_TRUE(opened.ok()) << opened.error().ToString();
    dir_.emplace(std::move(*opened));
  }

  std::filesystem::path AnswerPath(const std::string& name) const {
    return PathFromUtf8(PathIn(dir_->path(), "requests/operations/" + name + ".answer.json"));
  }

  TempDir scratch_;
  std::optional<StateDir> dir_;
};

TEST_F(OperatorRequestFilesTest, RequestsAreTakenInTheOrderAskedAndAnsweredOnce) {
  const OperatorRequest suspend = OperatorRequest::Make(OperatorOperation::kSuspend);
  OperatorRequest remove = OperatorRequest::Make(OperatorOperation::kRemoveDisk);
  remove.disk = "data";
  ASSERT_OK(LeaveOperatorRequest(*dir_, suspend));
  ASSERT_OK(LeaveOperatorRequest(*dir_, remove));
  ASSERT_OK_AND_ASSIGN(const std::vector<OperatorRequest> taken, TakeOperatorRequests(*dir_));
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].operation, OperatorOperation::kSuspend);
  EXPECT_EQ(taken[1].operation, OperatorOperation::kRemoveDisk);
  EXPECT_EQ(taken[1].disk, "data");

  ASSERT_OK(RemoveOperatorRequest(*dir_, suspend.name));
  EXPECT_FALSE(OperatorRequestWaits(*dir_, suspend.name));
  ASSERT_OK(AnswerOperatorRequest(*dir_, suspend.name, Error(Code::kInvalidArgument, "no such disk")));
  ASSERT_OK_AND_ASSIGN(const std::optional<Status> answer, TakeOperatorAnswer(*dir_, suspend.name));
  ASSERT_TRUE(answer.has_value());
  ASSERT_FALSE(answer->ok());
  EXPECT_EQ(answer->error().code(), Code::kInvalidArgument);
  EXPECT_EQ(answer->error().message(), "no such disk");
  ASSERT_OK_AND_ASSIGN(const std::optional<Status> again, TakeOperatorAnswer(*dir_, suspend.name));
  EXPECT_FALSE(again.has_value()) << "an answer is read once";
}

TEST_F(OperatorRequestFilesTest, AnAnswerNobodyTookIsRemovedOnceItIsOld) {
  const OperatorRequest stale = OperatorRequest::Make(OperatorOperation::kSuspend);
  const OperatorRequest fresh = OperatorRequest::Make(OperatorOperation::kResume);
  for (const OperatorRequest* request : {&stale, &fresh}) {
    ASSERT_OK(LeaveOperatorRequest(*dir_, *request));
    ASSERT_OK(RemoveOperatorRequest(*dir_, request->name));  // taken
  }
  ASSERT_OK(AnswerOperatorRequest(*dir_, stale.name, Ok()));
  ASSERT_OK(AnswerOperatorRequest(*dir_, fresh.name, Ok()));
  // The asker of `stale` was interrupted before it read its answer, long ago.
  std::filesystem::last_write_time(AnswerPath(stale.name), std::filesystem::file_time_type::clock::now() -
                                                               kOperatorAnswerKept - std::chrono::minutes(1));
  ASSERT_OK_AND_ASSIGN(const std::vector<OperatorRequest> taken, TakeOperatorRequests(*dir_));
  EXPECT_TRUE(taken.empty()) << "answers are not requests";
  EXPECT_FALSE(std::filesystem::exists(AnswerPath(stale.name)));
  EXPECT_TRUE(std::filesystem::exists(AnswerPath(fresh.name))) << "its asker may still come for it";
}

}  // namespace
}  // namespace hvr
