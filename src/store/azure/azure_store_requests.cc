// Sending a request: the headers every request carries, its tries, pacing to each blob's
// request rate, the adaptive limit of requests in flight, and statuses turned into errors.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "hvr/guid.hpp"
#include "store/azure/azure_store.hpp"
#include "store/azure/blob_fields.hpp"
#include "store/azure/crypto.hpp"
#include "store/azure/shared_key.hpp"
#include "store/time_text.hpp"

namespace hvr::azure {

namespace asio = boost::asio;
using asio::awaitable;

awaitable<Result<HttpResponse>> AzureStore::Exchange(BlobRequest& request, std::span<uint8_t> sink) {
  request.headers.set("x-ms-version", kApiVersion);
  // One id for every try, so that the service's logs show a request's tries together.
  request.headers.set("x-ms-client-request-id", Guid::Random().ToString());
  const std::string authority = target_.endpoint.Authority();
  const std::string target = RequestTarget(target_, request);
  const std::string what = request.What();
  std::string bearer;  // the Entra ID token of the try being made, if the target uses one
  const auto make = [&]() {
    if (!target_.account_key.empty()) {
      SignSharedKey(target_, request, FormatHttpDate(std::chrono::system_clock::now()));
    } else {
      request.headers.set("x-ms-date", FormatHttpDate(std::chrono::system_clock::now()));
    }
    RequestMessage message{request.method, target, 11};
    for (const auto& field : request.headers) message.set(field.name_string(), field.value());
    if (!bearer.empty()) message.set(http::field::authorization, "Bearer " + bearer);
    message.set(http::field::host, authority);
    message.set(http::field::user_agent, UserAgent());
    message.body() = http::span_body<const uint8_t>::value_type(request.body.data(), request.body.size());
    if (request.method == http::verb::put || request.method == http::verb::post) {
      message.content_length(request.body.size());
    }
    return message;
  };
  const RetryBackoff backoff(retry_);
  const auto first_try = std::chrono::steady_clock::now();
  bool may_repeat = false;
  bool token_replaced = false;
  for (int tries = 1;; ++tries) {
    co_await Pace(request.blob);
    const uint64_t epoch = in_flight_.epoch();
    SendResult sent = co_await SendOnce(make, sink, what, bearer);
    // A token the service refuses before its time (revoked, or the clocks disagree) is
    // replaced and the request sent again at once; a second 401 is an answer about the
    // principal, not the token.
    if (!bearer.empty() && sent.response.ok() && sent.response->status == 401 && !token_replaced) {
      token_replaced = true;
      tokens_->Reject(bearer);
      --tries;
      continue;
    }
    const TryOutcome outcome = ClassifyTry(sent.response, sent.request_left);
    Adapt(outcome, sent, epoch);
    if (sent.response.ok()) sent.response->may_repeat = may_repeat;
    if (!outcome.transient) co_return std::move(sent.response);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - first_try);
    const std::string failure = sent.response.ok() ? "HTTP " + std::to_string(sent.response->status)
                                                   : sent.response.error().message();
    const auto wait = backoff.Next(tries, elapsed, outcome.retry_after, UnitRandom());
    if (!wait) {
      counters_.failed_requests.fetch_add(1, std::memory_order_relaxed);
      Log(LogLevel::kWarning, what + ": gave up after " + std::to_string(tries) + " tries in " +
                                  std::to_string(elapsed.count()) + " ms: " + failure);
      if (sent.response.ok()) co_return std::move(sent.response);  // the caller maps the status
      const Error& error = sent.response.error();
      co_return Error(error.code(), error.message() + " (after " + std::to_string(tries) + " tries)");
    }
    may_repeat = may_repeat || outcome.may_have_executed;
    counters_.retries.fetch_add(1, std::memory_order_relaxed);
    Log(LogLevel::kDebug, what + ": " + failure + "; try " + std::to_string(tries + 1) + " in " +
                              std::to_string(wait->count()) + " ms");
    asio::steady_timer timer(executor_, *wait);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

awaitable<SendResult> AzureStore::SendOnce(const std::function<RequestMessage()>& make, std::span<uint8_t> sink,
                                           const std::string& what, std::string& bearer) {
  // A token is fetched for each try: a wait between tries may outlast it.
  auto token = co_await BearerToken();
  if (!token.ok()) co_return SendResult{std::move(token).error(), false};
  bearer = std::move(token).value();
  counters_.requests.fetch_add(1, std::memory_order_relaxed);
  co_return co_await transport_->Send(make, sink, what);
}

awaitable<void> AzureStore::Pace(const std::string& blob) {
  if (blob.empty()) co_return;
  const auto now = BlobPacer::Clock::now();
  const auto start = pacer_.Reserve(blob, now);
  if (start <= now) co_return;
  asio::steady_timer timer(executor_, start);
  co_await timer.async_wait(asio::use_awaitable);
}

void AzureStore::Adapt(const TryOutcome& outcome, const SendResult& sent, uint64_t epoch) {
  if (!sent.response.ok()) {
    if (outcome.transient) counters_.network_failures.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (outcome.slow_down) {
    counters_.throttled.fetch_add(1, std::memory_order_relaxed);
    if (auto limit = in_flight_.OnBusy(epoch)) {
      transport_->SetInFlightLimit(*limit);
      Log(LogLevel::kInfo, "the service is busy: " + std::to_string(*limit) + " requests in flight at most");
    }
  } else if (sent.response->status / 100 == 2) {
    if (auto limit = in_flight_.OnSuccess()) transport_->SetInFlightLimit(*limit);
  }
}

awaitable<Result<std::string>> AzureStore::BearerToken() {
  if (!tokens_) co_return std::string();
  co_return co_await tokens_->Get();
}

Error AzureStore::ResponseError(const HttpResponse& response, const BlobRequest& request) const {
  return MapServiceError(response.status, Header(response.headers, "x-ms-error-code"), response.body,
                         request.What());
}

awaitable<Result<HttpResponse>> AzureStore::Call(BlobRequest& request, std::span<uint8_t> sink) {
  auto response = co_await Exchange(request, sink);
  if (!response.ok()) co_return response;
  if (response->status / 100 != 2) co_return ResponseError(*response, request);
  co_return response;
}

void AzureStore::AddEncryption(BlobRequest& request) const {
  if (!encryption_key_) return;
  request.headers.set("x-ms-encryption-key", Base64Encode(*encryption_key_));
  request.headers.set("x-ms-encryption-key-sha256", Base64Encode(Sha256(*encryption_key_)));
  request.headers.set("x-ms-encryption-algorithm", "AES256");
}

}  // namespace hvr::azure
