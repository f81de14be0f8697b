#include "platform/local_endpoint.hpp"

#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>

namespace hvr {

Status ListenLocal(LocalAcceptor& acceptor, const std::string& path) {
  ::unlink(path.c_str());  // a socket a killed server left behind
  const LocalStream::endpoint endpoint{boost::asio::local::stream_protocol::endpoint(path)};
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return Error(Code::kIo, "listen on " + path + ": " + ec.message());
  return Ok();
}

Result<LocalStream::endpoint> LocalEndpoint(const std::string& path) {
  return LocalStream::endpoint(boost::asio::local::stream_protocol::endpoint(path));
}

void RemoveLocalEndpoint(const std::string& path) { ::unlink(path.c_str()); }

}  // namespace hvr
