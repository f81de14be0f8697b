// Whether the peer of an idle TCP connection has ended it, asked without waiting and
// without taking a byte: a peer that closed the connection left an end-of-file behind (or
// a reset), a live one has nothing to say yet. Asio's own calls, the same on POSIX and
// Windows. Used before a connection that sat idle carries another request.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace hvr {

inline bool ConnectionEnded(boost::asio::ip::tcp::socket& socket) {
  char byte;
  boost::system::error_code ec;
  socket.non_blocking(true, ec);
  if (!ec) socket.receive(boost::asio::buffer(&byte, 1), boost::asio::socket_base::message_peek, ec);
  boost::system::error_code ignored;
  socket.non_blocking(false, ignored);
  return ec && ec != boost::asio::error::would_block && ec != boost::asio::error::try_again;
}

}  // namespace hvr
