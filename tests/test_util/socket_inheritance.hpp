// Keeps a socket of the test process out of the programs the test starts (hvrepl,
// hvr-guest, qemu-img): a program that inherited it would hold the connection open after
// the test closed it, so a close or a reset the fault proxy makes would not reach the
// peer while that program runs. Close-on-exec on POSIX; not inheritable on Windows, whose
// CreateProcess hands every inheritable handle to the child (test_util/command_windows.cc
// asks for that, to give the child its output pipe). One file per system.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace hvr {

// For a socket or an acceptor's socket, as soon as it is open.
void KeepFromChildren(boost::asio::ip::tcp::socket::native_handle_type socket);

}  // namespace hvr
