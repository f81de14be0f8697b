#include "store/azure/entra_tokens.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/span_body.hpp>

#include "store/redact.hpp"

namespace hvr::azure {
namespace {

namespace asio = boost::asio;
using asio::awaitable;

// Azure.Core's BearerTokenAuthenticationPolicy replaces a token five minutes before it
// expires and, when that fails while the old token still serves, tries again after
// thirty seconds. Tokens that live less than ten minutes (tests) are replaced halfway.
constexpr std::chrono::seconds kRefreshMargin{300};
constexpr std::chrono::seconds kRefreshRetryDelay{30};

}  // namespace

EntraTokens::EntraTokens(asio::any_io_executor executor, ServicePrincipal principal,
                         std::optional<ClientCertificate> certificate,
                         std::unique_ptr<HttpTransport> transport, LogFn log)
    : principal_(std::move(principal)),
      certificate_(std::move(certificate)),
      transport_(std::move(transport)),
      log_(std::move(log)),
      fetch_gate_(std::move(executor), 1) {}

Result<std::unique_ptr<EntraTokens>> EntraTokens::Create(asio::any_io_executor executor,
                                                         ServicePrincipal principal,
                                                         const StoreOptions& options) {
  std::optional<ClientCertificate> certificate;
  if (!principal.certificate_path.empty()) {
    HVR_ASSIGN_OR_RETURN(ClientCertificate loaded, ClientCertificate::Load(principal.certificate_path));
    certificate.emplace(std::move(loaded));
  }
  HVR_ASSIGN_OR_RETURN(TransportConfig config, TransportConfigFor(principal.authority, options));
  config.max_in_flight = 1;  // there is never more than one fetch at a time
  HVR_ASSIGN_OR_RETURN(auto transport, HttpTransport::Create(executor, std::move(config)));
  return std::unique_ptr<EntraTokens>(new EntraTokens(std::move(executor), std::move(principal),
                                                      std::move(certificate), std::move(transport),
                                                      options.log));
}

awaitable<Result<std::string>> EntraTokens::Get() {
  uint64_t seen = 0;
  {
    std::lock_guard lock(mu_);
    const auto now = Clock::now();
    // Fresh; or due, while another request replaces it or shortly after that failed.
    if (Fresh(now) || (Valid(now) && (fetching_ || now < retry_refresh_at_))) co_return token_.value;
    seen = fetches_;
  }
  co_await fetch_gate_.AsyncAcquire(asio::use_awaitable);
  struct Turn {
    EntraTokens& tokens;
    ~Turn() {
      {
        std::lock_guard lock(tokens.mu_);
        tokens.fetching_ = false;
      }
      tokens.fetch_gate_.Release();
    }
  } turn{*this};
  {
    std::lock_guard lock(mu_);
    const auto now = Clock::now();
    if (Fresh(now) || (Valid(now) && now < retry_refresh_at_)) co_return token_.value;
    // The fetch this request waited for failed and left no token: its answer stands for
    // every request that waited, rather than each trying again in turn.
    if (fetches_ != seen && last_failure_ && !Valid(now)) co_return *last_failure_;
    fetching_ = true;
  }
  const auto sent = Clock::now();
  auto fetched = co_await Fetch();
  co_return Settle(std::move(fetched), sent);
}

Result<std::string> EntraTokens::Settle(Result<AccessToken> fetched, Clock::time_point sent) {
  std::string warning;
  Result<std::string> out = std::string();
  {
    std::lock_guard lock(mu_);
    ++fetches_;
    const auto now = Clock::now();
    if (fetched.ok()) {
      // Lifetimes count from when the request left: the token cannot be older than that.
      const Clock::duration lifetime = fetched->lifetime;
      const Clock::duration margin = std::min<Clock::duration>(kRefreshMargin, lifetime / 2);
      token_ = Cached{std::move(fetched->value), sent + lifetime - margin, sent + lifetime};
      last_failure_.reset();
      out = token_.value;
    } else if (Valid(now)) {
      last_failure_ = fetched.error();
      retry_refresh_at_ = now + kRefreshRetryDelay;
      const auto left = std::chrono::duration_cast<std::chrono::seconds>(token_.expires_at - now);
      warning = "Entra ID token refresh failed; the current token serves " +
                std::to_string(left.count()) + " s more: " + fetched.error().ToString();
      out = token_.value;
    } else {
      last_failure_ = fetched.error();
      out = fetched.error();
    }
  }
  if (!warning.empty() && log_) log_(LogLevel::kWarning, warning);
  return out;
}

void EntraTokens::Reject(std::string_view token) {
  std::lock_guard lock(mu_);
  if (token_.value != token) return;  // already replaced by another request
  token_.refresh_at = token_.expires_at = Clock::time_point::min();
  retry_refresh_at_ = Clock::time_point::min();
}

awaitable<Result<AccessToken>> EntraTokens::Fetch() {
  const std::string url = TokenUrl(principal_);
  std::string assertion;
  if (certificate_) {
    auto made = certificate_->Assertion(principal_.client_id, url, std::chrono::system_clock::now());
    if (!made.ok()) co_return std::move(made).error();
    assertion = std::move(made).value();
  }
  const std::string body = TokenRequestBody(principal_, assertion);
  const std::string what = "token request to " + url;
  const auto make = [&]() {
    RequestMessage message{http::verb::post, TokenPath(principal_), 11};
    message.set(http::field::host, principal_.authority.Authority());
    message.set(http::field::user_agent, UserAgent());
    message.set(http::field::content_type, "application/x-www-form-urlencoded");
    message.set(http::field::accept, "application/json");
    message.body() = http::span_body<const uint8_t>::value_type(
        reinterpret_cast<const uint8_t*>(body.data()), body.size());
    message.content_length(body.size());
    return message;
  };
  // One try: the store's request retries cover the token too (a try that cannot get one
  // never left), so the wait and its bounds are the same for both.
  auto response = (co_await transport_->Send(make, {}, what)).response;
  Result<AccessToken> token = response.ok()
                                  ? ParseTokenResponse(response->status, response->body, what)
                                  : Result<AccessToken>(std::move(response).error());
  if (token.ok()) co_return token;
  // The endpoint's own words are passed on; they must not carry what was sent to it.
  co_return Error(token.error().code(), RedactSecrets(token.error().message(),
                                                      {principal_.client_secret, assertion}));
}

}  // namespace hvr::azure
