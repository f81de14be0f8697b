#include "platform/interrupt.hpp"

#include <windows.h>

namespace hvr {
namespace {

// The console calls the handler on a thread it creates for the event, so the callback
// may lock and block; returning TRUE keeps the process running, to stop at its next safe
// point. Closing the console is left to the default handler: Windows ends the process
// moments after any handler returns, too soon for a safe point.
std::function<void(const std::string& what)>* g_on_interrupt = nullptr;

BOOL WINAPI HandleConsoleEvent(DWORD event) {
  switch (event) {
    case CTRL_C_EVENT: (*g_on_interrupt)("Ctrl+C"); return TRUE;
    case CTRL_BREAK_EVENT: (*g_on_interrupt)("Ctrl+Break"); return TRUE;
    default: return FALSE;
  }
}

}  // namespace

void OnInterrupt(std::function<void(const std::string& what)> on_interrupt) {
  g_on_interrupt = new std::function<void(const std::string& what)>(std::move(on_interrupt));  // lives as long as the process
  SetConsoleCtrlHandler(HandleConsoleEvent, TRUE);
}

}  // namespace hvr
