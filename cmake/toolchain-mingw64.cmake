# Cross-building hvr for 64-bit Windows on Debian with MinGW-w64 (the posix-thread
# compilers, for std::thread), running what it builds under Wine (docs/windows.md).
# Used by the windows preset; scripts/windows-deps.sh installs what it names.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(hvr_mingw_triple x86_64-w64-mingw32)

set(CMAKE_C_COMPILER ${hvr_mingw_triple}-gcc-posix)
set(CMAKE_CXX_COMPILER ${hvr_mingw_triple}-g++-posix)
set(CMAKE_RC_COMPILER ${hvr_mingw_triple}-windres)

# OpenSSL built for mingw64 by scripts/windows-deps.sh, in a cache folder outside the
# clone whose name carries the version; the script is the one place that names it.
if(NOT OPENSSL_ROOT_DIR)
  execute_process(
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/../scripts/windows-deps.sh --openssl-prefix
    OUTPUT_VARIABLE OPENSSL_ROOT_DIR OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
  set(OPENSSL_ROOT_DIR "${OPENSSL_ROOT_DIR}" CACHE PATH "OpenSSL built for mingw64 (scripts/windows-deps.sh)")
endif()
set(OPENSSL_USE_STATIC_LIBS TRUE)

# Libraries and headers come from the MinGW sysroot and that OpenSSL only, never from the
# build machine's /usr; its programs (windres, objdump) from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${hvr_mingw_triple} ${OPENSSL_ROOT_DIR})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The GCC runtime and libstdc++ linked in; winpthread (std::thread, std::mutex) as its DLL,
# libwinpthread-1.dll, which travels beside hvr.dll and the programs
# (cmake/HvrWindowsDependencies.cmake). Linked statically, its threads ending and being
# joined by the thousand lost a join now and then: a program hung, or a thread pool freed
# under a thread still running in it crashed (docs/windows.md, "Threads").
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")

# Tests and test discovery run the Windows programs under Wine, in a Wine prefix of the
# project's own (cmake/wine-run.sh).
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/wine-run.sh)
