#include "platform/local_endpoint.hpp"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <span>

#include "platform/file.hpp"
#include "platform/file_system.hpp"

namespace hvr {
namespace {

using Tcp = boost::asio::ip::tcp;

// The file at the path holds the port as decimal digits and a newline.
Status PublishPort(const std::string& path, uint16_t port) {
  const std::string text = std::to_string(port) + "\n";
  const std::string temporary = path + ".tmp";
  {
    HVR_ASSIGN_OR_RETURN(File file, File::Open(temporary, File::Mode::kCreateOrTruncate));
    HVR_RETURN_IF_ERROR(
        file.WriteAt(0, std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
  }
  return RenameReplacing(temporary, path);  // a client never reads half a port
}

}  // namespace

Status ListenLocal(LocalAcceptor& acceptor, const std::string& path) {
  HVR_RETURN_IF_ERROR(RemoveFileIfExists(path));  // what a killed server left behind
  const LocalStream::endpoint endpoint{Tcp::endpoint(boost::asio::ip::address_v4::loopback(), 0)};
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return Error(Code::kIo, "listen on 127.0.0.1 for " + path + ": " + ec.message());
  // The system chose a free port; the generic endpoint holds it as a sockaddr_in.
  const LocalStream::endpoint bound = acceptor.local_endpoint();
  sockaddr_in address{};
  std::memcpy(&address, bound.data(), std::min<size_t>(sizeof address, bound.size()));
  return PublishPort(path, ntohs(address.sin_port));
}

Result<LocalStream::endpoint> LocalEndpoint(const std::string& path) {
  HVR_ASSIGN_OR_RETURN(File file, File::Open(path, File::Mode::kRead));
  HVR_ASSIGN_OR_RETURN(const uint64_t size, file.Size());
  std::string text(static_cast<size_t>(std::min<uint64_t>(size, 16)), '\0');
  HVR_RETURN_IF_ERROR(file.ReadAt(0, std::span(reinterpret_cast<uint8_t*>(text.data()), text.size())));
  uint16_t port = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (error != std::errc() || port == 0 || end == text.data() + text.size() || *end != '\n') {
    return Error(Code::kCorruptData, path + " at offset 0: not a port number (1 to 65535) and a newline");
  }
  return LocalStream::endpoint(Tcp::endpoint(boost::asio::ip::address_v4::loopback(), port));
}

void RemoveLocalEndpoint(const std::string& path) { (void)RemoveFileIfExists(path); }

}  // namespace hvr
