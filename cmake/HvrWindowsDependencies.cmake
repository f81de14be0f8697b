# Dependencies of the Windows build (cmake/toolchain-mingw64.cmake), defining the same
# targets as the Linux build finds in Debian's packages, from what Debian gives for any
# target (docs/windows.md):
#   Boost        the headers of libboost-dev; Asio and Beast are header-only, and Boost.JSON
#                and Boost.URL are compiled into hvr from their own sources
#                (src/platform/windows/boost_libraries.cc), as Boost documents, since
#                Debian builds their libraries for Linux only
#   xxHash       header-only (XXH_INLINE_ALL)
#   CLI11        header-only (libcli11-dev), for the programs
#   OpenSSL      static, built for mingw64 from Debian's source by scripts/windows-deps.sh
#   GoogleTest   built here from Debian's sources in /usr/src/googletest
set(HVR_HOST_INCLUDE_DIR /usr/include CACHE PATH "Where the build machine keeps the Boost and xxHash headers")
# Only those headers are taken from the build machine: its /usr/include as a whole holds
# glibc's headers, which must never meet MinGW's.
set(hvr_windows_include ${PROJECT_BINARY_DIR}/windows-deps/include)
file(MAKE_DIRECTORY ${hvr_windows_include})
set(hvr_host_headers boost xxhash.h)
if(HVR_BUILD_EXAMPLES OR HVR_BUILD_TESTS)
  list(APPEND hvr_host_headers CLI)  # CLI11, the programs' option parser (docs/cli.md)
endif()
foreach(header IN LISTS hvr_host_headers)
  if(NOT EXISTS ${HVR_HOST_INCLUDE_DIR}/${header})
    message(FATAL_ERROR "${HVR_HOST_INCLUDE_DIR}/${header} is missing: run scripts/windows-deps.sh")
  endif()
  file(CREATE_LINK ${HVR_HOST_INCLUDE_DIR}/${header} ${hvr_windows_include}/${header} SYMBOLIC)
endforeach()

file(STRINGS ${hvr_windows_include}/boost/version.hpp hvr_boost_version REGEX "^#define BOOST_VERSION ")
string(REGEX REPLACE ".* " "" hvr_boost_version "${hvr_boost_version}")
if(hvr_boost_version LESS 108100)
  message(FATAL_ERROR "Boost 1.81 or newer is needed; ${HVR_HOST_INCLUDE_DIR}/boost is ${hvr_boost_version}")
endif()

# Windows 10 and Server 2016 onwards: the oldest systems Hyper-V replication runs on.
add_library(hvr_windows_api INTERFACE)
target_compile_definitions(hvr_windows_api INTERFACE _WIN32_WINNT=0x0A00 WINVER=0x0A00 NOMINMAX WIN32_LEAN_AND_MEAN)
# What src/platform/windows/ calls beyond kernel32: WinHTTP's proxy setting, the
# certificate stores.
target_link_libraries(hvr_windows_api INTERFACE winhttp crypt32)

add_library(Boost::headers INTERFACE IMPORTED)
target_include_directories(Boost::headers SYSTEM INTERFACE ${hvr_windows_include})
target_link_libraries(Boost::headers INTERFACE hvr_windows_api ws2_32 mswsock)
# Asio picks its threads, mutexes and events per source file: POSIX ones when
# _POSIX_THREADS is defined, which MinGW's <pthread.h> does and so <mutex>, <thread> or
# <filesystem> included before Asio, Windows ones otherwise. Sources of both kinds in one
# program disagree on the layout of the same classes, and a pool's scheduler is then
# corrupted (docs/windows.md, "Threads"). Naming the choice makes it the same everywhere;
# the POSIX one is the only one a definition can force.
target_compile_definitions(Boost::headers INTERFACE BOOST_ASIO_HAS_PTHREADS)
# Compiled into hvr (src/platform/CMakeLists.txt): consumers of the static library get them
# from it.
set(HVR_COMPILE_BOOST_SOURCES ON)
add_library(Boost::json INTERFACE IMPORTED)
target_link_libraries(Boost::json INTERFACE Boost::headers)
add_library(Boost::url INTERFACE IMPORTED)
target_link_libraries(Boost::url INTERFACE Boost::headers)

add_library(PkgConfig::XXHASH INTERFACE IMPORTED)
target_include_directories(PkgConfig::XXHASH SYSTEM INTERFACE ${hvr_windows_include})
target_compile_definitions(PkgConfig::XXHASH INTERFACE XXH_INLINE_ALL)

if(HVR_BUILD_EXAMPLES OR HVR_BUILD_TESTS)
  add_library(CLI11::CLI11 INTERFACE IMPORTED)
  target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${hvr_windows_include})
endif()

find_package(OpenSSL 3 REQUIRED)
# Static OpenSSL calls into the Windows crypto and socket libraries.
target_link_libraries(OpenSSL::Crypto INTERFACE crypt32 ws2_32 advapi32 user32 bcrypt)
find_package(Threads REQUIRED)
# winpthread is linked as its DLL (cmake/toolchain-mingw64.cmake): it goes beside every
# program here, since Windows finds a program's DLLs in its folder, and is installed beside
# hvr.dll (cmake/HvrInstall.cmake, cmake/HvrPowerShell.cmake).
find_file(HVR_WINPTHREAD_DLL libwinpthread-1.dll PATHS ${CMAKE_FIND_ROOT_PATH} PATH_SUFFIXES lib bin
          NO_CMAKE_FIND_ROOT_PATH NO_DEFAULT_PATH REQUIRED
          DOC "MinGW-w64's winpthread DLL (Debian: mingw-w64-x86-64-dev)")
set(HVR_WINDOWS_RUNTIME_DLLS ${HVR_WINPTHREAD_DLL})
file(COPY ${HVR_WINDOWS_RUNTIME_DLLS} DESTINATION ${CMAKE_RUNTIME_OUTPUT_DIRECTORY})

if(HVR_BUILD_TESTS)
  set(HVR_GOOGLETEST_SOURCE_DIR /usr/src/googletest CACHE PATH "GoogleTest's sources (Debian's googletest package)")
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  # It defines GTest::gtest, GTest::gtest_main and GTest::gmock as find_package does.
  add_subdirectory(${HVR_GOOGLETEST_SOURCE_DIR} ${PROJECT_BINARY_DIR}/googletest EXCLUDE_FROM_ALL SYSTEM)
endif()
