# cpack in the Windows build makes the zip a Windows user unpacks (docs/windows.md):
# hvr.dll stripped of its symbols, its import library, hvr.h and the C++ headers, the
# programs the build has, and the PowerShell module; what cmake --install puts in place.
if(NOT WIN32)
  return()
endif()
set(CPACK_GENERATOR ZIP)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGE_FILE_NAME hvr-${PROJECT_VERSION}-windows-x64)
include(CPack)
