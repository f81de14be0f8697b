// Access tokens from Microsoft Entra ID for the requests of one Azure store
// (docs/transport.md, "Authorisation"). A token is fetched with the client credentials
// grant, over a transport of its own to the authority host (the store's TLS options, CA
// file and proxy), and shared by every request of the store. It is replaced before it
// expires, not after a request failed: once all but five minutes of its life has passed,
// or half of it for a token that lives less than ten. However many requests need a token
// at once, one fetches it and the others wait for that one, or go on with the old token
// while it is still valid.
//
// Thread-safe: Get() may run on any threads of the executor at once.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "hvr/error.hpp"
#include "hvr/store_options.hpp"
#include "store/azure/async_semaphore.hpp"
#include "store/azure/azure_target.hpp"
#include "store/azure/client_certificate.hpp"
#include "store/azure/entra_token_request.hpp"
#include "store/azure/http_transport.hpp"

namespace hvr::azure {

class EntraTokens {
 public:
  // Loads the principal's certificate, if it has one, so that a bad file fails here.
  static Result<std::unique_ptr<EntraTokens>> Create(boost::asio::any_io_executor executor,
                                                     ServicePrincipal principal,
                                                     const StoreOptions& options);

  // A token to send as "Authorization: Bearer TOKEN". Errors never hold the secret, the
  // assertion or a token.
  boost::asio::awaitable<Result<std::string>> Get();

  // The service refused `token` (HTTP 401: revoked, or expired before its time): the
  // next Get() fetches another, unless one already has.
  void Reject(std::string_view token);

 private:
  using Clock = std::chrono::steady_clock;
  struct Cached {
    std::string value;
    Clock::time_point refresh_at;  // due for replacement from here on
    Clock::time_point expires_at;  // never sent from here on
  };

  EntraTokens(boost::asio::any_io_executor executor, ServicePrincipal principal,
              std::optional<ClientCertificate> certificate, std::unique_ptr<HttpTransport> transport,
              LogFn log);

  // Asks the token endpoint once.
  boost::asio::awaitable<Result<AccessToken>> Fetch();
  // Records a fetch's outcome and says what the caller that made it gets.
  Result<std::string> Settle(Result<AccessToken> fetched, Clock::time_point sent);
  bool Valid(Clock::time_point now) const { return now < token_.expires_at; }
  bool Fresh(Clock::time_point now) const { return now < token_.refresh_at; }

  const ServicePrincipal principal_;
  const std::optional<ClientCertificate> certificate_;
  const std::unique_ptr<HttpTransport> transport_;
  const LogFn log_;
  AsyncSemaphore fetch_gate_;  // one fetch at a time

  std::mutex mu_;
  Cached token_;                        // expired until the first fetch
  bool fetching_ = false;               // a fetch is under way
  uint64_t fetches_ = 0;                // fetches finished, successful or not
  std::optional<Error> last_failure_;   // of the last fetch, if it failed
  Clock::time_point retry_refresh_at_;  // after a failed refresh, the old token serves until
};

}  // namespace hvr::azure
