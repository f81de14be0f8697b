#include "hvr/engine.hpp"

#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <map>
#include <mutex>

#include "util/hex.hpp"

namespace hvr {

struct Engine::Impl {
  explicit Impl(EngineOptions o)
      : options(std::move(o)), io(static_cast<size_t>(std::max(1, options.io_threads))) {}

  EngineOptions options;
  boost::asio::thread_pool io;
  std::mutex stores_mu;
  std::map<std::string, std::shared_ptr<ReplicaStore>> stores;
  std::mutex turns_mu;
  std::condition_variable turns_cv;
  int active = 0;
};

namespace {

// What makes two stores interchangeable: the target and every option that changes how
// requests go out. A bandwidth limiter is its own budget, so its identity counts.
std::string StoreKey(const std::string& target, const StoreOptions& o) {
  std::string key = target;
  key += "\n" + std::to_string(o.max_in_flight) + "/" + std::to_string(o.connect_timeout.count()) + "/" +
         std::to_string(o.io_timeout.count()) + "/" + std::to_string(o.idle_timeout.count()) + "/" + std::to_string(o.blob_requests_per_second);
  key += "\n" + std::to_string(o.retry.max_attempts) + "/" + std::to_string(o.retry.base_delay.count()) + "/" +
         std::to_string(o.retry.max_delay.count()) + "/" + std::to_string(o.retry.max_elapsed.count());
  key += "\n" + std::string(o.tls.verify ? "verify" : "noverify") + ":" + o.tls.ca_file;
  key += "\n" + (o.proxy ? "proxy:" + *o.proxy : std::string("env"));
  key += "\n" + (o.encryption_key ? HexBytes(*o.encryption_key) : std::string("nokey"));
  key += "\n" + std::to_string(reinterpret_cast<uintptr_t>(o.bandwidth.get()));
  key += "\n" + std::to_string(reinterpret_cast<uintptr_t>(o.clock));
  return key;
}

}  // namespace

Status EngineOptions::Validate() const {
  if (io_threads < 1 || io_threads > kMaxIoThreads) {
    return Error(Code::kInvalidArgument, "engine options: io_threads must be 1 to " + std::to_string(kMaxIoThreads) +
                                             ", not " + std::to_string(io_threads));
  }
  if (max_active_sessions < 1 || max_active_sessions > kMaxActiveSessions) {
    return Error(Code::kInvalidArgument, "engine options: max_active_sessions must be 1 to " +
                                             std::to_string(kMaxActiveSessions) + ", not " +
                                             std::to_string(max_active_sessions));
  }
  return Ok();
}

Result<std::unique_ptr<Engine>> Engine::Create(EngineOptions options) {
  HVR_RETURN_IF_ERROR(options.Validate());
  return std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(std::move(options))));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Engine::~Engine() {
  // Sessions are gone, so nothing new is started: outstanding operations finish, then
  // the stores go, as SyncStore does it.
  impl_->io.wait();
  std::lock_guard lock(impl_->stores_mu);
  impl_->stores.clear();
}

boost::asio::any_io_executor Engine::executor() { return impl_->io.get_executor(); }

const Clock& Engine::clock() const {
  return impl_->options.clock ? *impl_->options.clock : SystemClock::Instance();
}

const EngineOptions& Engine::options() const { return impl_->options; }

Result<std::shared_ptr<ReplicaStore>> Engine::Store(const std::string& target, const StoreOptions& options) {
  StoreOptions o = options;
  if (!o.clock) o.clock = impl_->options.clock;
  if (!o.log) o.log = impl_->options.log;
  const std::string key = StoreKey(target, o);
  std::lock_guard lock(impl_->stores_mu);
  auto it = impl_->stores.find(key);
  if (it != impl_->stores.end()) return it->second;
  HVR_ASSIGN_OR_RETURN(std::unique_ptr<ReplicaStore> store, OpenStore(target, o, executor()));
  std::shared_ptr<ReplicaStore> shared(std::move(store));
  impl_->stores.emplace(key, shared);
  return shared;
}

Engine::Turn Engine::Admit() {
  std::unique_lock lock(impl_->turns_mu);
  impl_->turns_cv.wait(lock, [&] { return impl_->active < impl_->options.max_active_sessions; });
  ++impl_->active;
  return Turn(this);
}

Engine::Turn::Turn(Turn&& other) noexcept : engine_(other.engine_) { other.engine_ = nullptr; }

Engine::Turn::~Turn() {
  if (!engine_) return;
  {
    std::lock_guard lock(engine_->impl_->turns_mu);
    --engine_->impl_->active;
  }
  engine_->impl_->turns_cv.notify_one();
}

}  // namespace hvr
