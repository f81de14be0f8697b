// A stream endpoint only programs on this machine reach, named by a file path: a
// Unix-domain socket at the path on POSIX; on Windows a TCP port on 127.0.0.1, which the
// server writes into a file at the path once it listens (docs/windows.md says why).
// Either way a client finds the server by the path alone, and the path exists once the
// server accepts connections.
#pragma once

#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <string>

#include "hvr/error.hpp"

namespace hvr {

// Sockets of either kind, as one type.
using LocalStream = boost::asio::generic::stream_protocol;
using LocalAcceptor = boost::asio::basic_socket_acceptor<LocalStream>;

// Makes `acceptor` listen at `path`, replacing what a server that was killed left there.
Status ListenLocal(LocalAcceptor& acceptor, const std::string& path);
// Where a client connects to the server listening at `path`; kNotFound when none has.
Result<LocalStream::endpoint> LocalEndpoint(const std::string& path);
// Removes what ListenLocal left at `path`, once the server no longer listens.
void RemoveLocalEndpoint(const std::string& path);

}  // namespace hvr
