#include "platform/shared_mutex.hpp"

#include <windows.h>

namespace hvr {
namespace {

static_assert(sizeof(SRWLOCK) == sizeof(void*), "SharedMutex keeps an SRWLOCK in one pointer");

PSRWLOCK Srw(void*& lock) { return reinterpret_cast<PSRWLOCK>(&lock); }

}  // namespace

void SharedMutex::lock() { ::AcquireSRWLockExclusive(Srw(srw_)); }
bool SharedMutex::try_lock() { return ::TryAcquireSRWLockExclusive(Srw(srw_)) != 0; }
void SharedMutex::unlock() { ::ReleaseSRWLockExclusive(Srw(srw_)); }
void SharedMutex::lock_shared() { ::AcquireSRWLockShared(Srw(srw_)); }
bool SharedMutex::try_lock_shared() { return ::TryAcquireSRWLockShared(Srw(srw_)) != 0; }
void SharedMutex::unlock_shared() { ::ReleaseSRWLockShared(Srw(srw_)); }

}  // namespace hvr
