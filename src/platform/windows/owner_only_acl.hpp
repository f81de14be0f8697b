// The access list that admits only the current user and SYSTEM: Windows' counterpart of
// modes 0700 and 0600. Internal to platform/windows/.
#pragma once

#include <windows.h>

#include <memory>

#include "hvr/error.hpp"

namespace hvr {

struct LocalFreer {
  void operator()(void* p) const { ::LocalFree(p); }
};
using OwnedAcl = std::unique_ptr<ACL, LocalFreer>;

// Full control for the current user and SYSTEM, nobody else; `inheritance` says whether
// what is created inside a folder inherits it (SUB_CONTAINERS_AND_OBJECTS_INHERIT) or not
// (NO_INHERITANCE, for a file). `what` names the object in errors.
Result<OwnedAcl> OwnerAndSystemAcl(DWORD inheritance, const std::string& what);

// Applying such an access list as PROTECTED: nothing is inherited from the parent folder,
// so its readers (Users, Administrators...) lose access, as chmod does.
constexpr SECURITY_INFORMATION kProtectedAcl = DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION;

}  // namespace hvr
