// Asio's header comes first: it includes winsock2.h, which must precede windows.h.
#include "test_util/socket_inheritance.hpp"

#include <windows.h>

namespace hvr {

void KeepFromChildren(boost::asio::ip::tcp::socket::native_handle_type socket) {
  // Asio's handle type converts to the SOCKET, which is a kernel handle.
  ::SetHandleInformation(reinterpret_cast<HANDLE>(static_cast<SOCKET>(socket)), HANDLE_FLAG_INHERIT, 0);
}

}  // namespace hvr
