#include "test_util/command.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace hvr::testing {

CommandResult RunCommand(const std::vector<std::string>& argv, bool stdout_only) {
  CommandResult result;
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return result;
  const pid_t pid = ::fork();
  if (pid < 0) return result;
  if (pid == 0) {
    ::dup2(pipe_fds[1], 1);
    if (stdout_only) {
      const int null_fd = ::open("/dev/null", O_WRONLY);
      ::dup2(null_fd, 2);
    } else {
      ::dup2(pipe_fds[1], 2);
    }
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(pipe_fds[1]);
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buf, sizeof buf)) > 0) result.output.append(buf, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

bool HaveTool(const std::string& tool) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && ::access((dir + "/" + tool).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string RunOrFail(const std::vector<std::string>& argv) {
  const CommandResult r = RunCommand(argv);
  std::string line;
  for (const std::string& a : argv) line += a + " ";
  EXPECT_EQ(r.exit_code, 0) << line << "failed:\n" << r.output;
  return r.output;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log) {
  pid_ = ::fork();
  if (pid_ == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  done_ = pid_ < 0;
  status_ = -1;
}

ChildProcess::~ChildProcess() {
  if (!done_) {
    Kill(SIGKILL);
    Wait();
  }
}

bool ChildProcess::running() {
  if (done_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    done_ = true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  return !done_;
}

void ChildProcess::Kill(int signal) {
  if (!done_) ::kill(pid_, signal);
}

int ChildProcess::Wait() {
  if (!done_) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    done_ = true;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  }
  return status_;
}

CommandResult RunShell(const std::string& line, bool stdout_only) {
  return RunCommand({"/bin/sh", "-c", line}, stdout_only);
}

}  // namespace hvr::testing
