#include <fcntl.h>

#include "test_util/socket_inheritance.hpp"

namespace hvr {

void KeepFromChildren(boost::asio::ip::tcp::socket::native_handle_type socket) {
  ::fcntl(socket, F_SETFD, ::fcntl(socket, F_GETFD) | FD_CLOEXEC);
}

}  // namespace hvr
