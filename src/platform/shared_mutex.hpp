// A reader/writer lock: many readers or one writer. It is std::shared_mutex except on
// Windows, where MinGW-w64's std::shared_mutex is winpthreads' pthread_rwlock, which let a
// writer in beside readers: eight threads sharing a std::map under it corrupted the heap
// within a few hundred rounds (docs/windows.md, "Threads"). There it is a slim
// reader/writer lock (SRWLOCK), the system's own. Use it with std::unique_lock and
// std::shared_lock, as std::shared_mutex.
#pragma once

#include <shared_mutex>

namespace hvr {

#if defined(_WIN32)
class SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock();
  bool try_lock();
  void unlock();
  void lock_shared();
  bool try_lock_shared();
  void unlock_shared();

 private:
  void* srw_ = nullptr;  // an SRWLOCK: one pointer, unlocked when null (SRWLOCK_INIT)
};
#else
using SharedMutex = std::shared_mutex;
#endif

}  // namespace hvr
