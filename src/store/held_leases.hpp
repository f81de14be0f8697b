// The leases one store object holds, by disk: both stores put the id on every write to
// that disk. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "hvr/error.hpp"

namespace hvr {

class HeldLeases {
 public:
  // The lease id held on `disk`, or empty.
  std::string Get(const std::string& disk) const {
    std::lock_guard lock(mu_);
    auto it = ids_.find(disk);
    return it == ids_.end() ? std::string() : it->second;
  }
  void Set(const std::string& disk, std::string id) {
    std::lock_guard lock(mu_);
    ids_[disk] = std::move(id);
  }
  void Forget(const std::string& disk) {
    std::lock_guard lock(mu_);
    ids_.erase(disk);
  }
  // The id to renew or release with; kInvalidArgument when this store holds none.
  Result<std::string> Require(const std::string& disk, std::string_view action) const {
    std::string id = Get(disk);
    if (id.empty()) {
      return Error(Code::kInvalidArgument,
                   "disk '" + disk + "': this store holds no lease to " + std::string(action));
    }
    return id;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> ids_;
};

}  // namespace hvr
