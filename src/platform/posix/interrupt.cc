#include "platform/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

namespace hvr {
namespace {

// The handler does only what is safe in a signal handler: it writes the signal's number
// to a pipe, and a thread reads it and calls back.
int g_pipe[2] = {-1, -1};

void WriteSignal(int signal) {
  const int saved = errno;
  const unsigned char number = static_cast<unsigned char>(signal);
  [[maybe_unused]] const ssize_t written = ::write(g_pipe[1], &number, 1);
  errno = saved;
}

}  // namespace

void OnInterrupt(std::function<void(const std::string& what)> on_interrupt) {
  if (::pipe(g_pipe) != 0) return;  // no pipe, no handler: the signals end the process as before
  struct sigaction action = {};
  action.sa_handler = WriteSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  std::thread([on_interrupt = std::move(on_interrupt)] {
    unsigned char number = 0;
    while (true) {
      const ssize_t n = ::read(g_pipe[0], &number, 1);
      if (n == 1) on_interrupt(number == SIGINT ? "SIGINT" : "SIGTERM");
      if (n == 0 || (n < 0 && errno != EINTR)) return;
    }
  }).detach();
}

}  // namespace hvr
