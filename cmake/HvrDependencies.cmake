# Everything comes from Debian 12 packages (scripts/install-deps.sh); nothing is vendored.
# The Windows build cross-compiled on Linux defines the same targets from what Debian gives
# for any target; on Windows itself (the msvc preset) vcpkg provides the packages that
# vcpkg.json names, found as on Linux.
if(WIN32 AND CMAKE_CROSSCOMPILING)
  include(${CMAKE_CURRENT_LIST_DIR}/HvrWindowsDependencies.cmake)
else()
  find_package(Boost 1.81 REQUIRED COMPONENTS json url)
  # The option parser of the command-line programs (docs/cli.md): header-only, packaged by
  # Debian and vcpkg alike; the library itself does not need it.
  if(HVR_BUILD_EXAMPLES OR HVR_BUILD_TESTS)
    find_package(CLI11 2.1 CONFIG REQUIRED)
  endif()
  find_package(OpenSSL 3 REQUIRED)
  find_package(Threads REQUIRED)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
endif()

# Links what the library itself needs; the same list serves the shared and static library.
function(hvr_link_library_dependencies target scope)
  target_link_libraries(${target} ${scope}
    Boost::json Boost::url OpenSSL::SSL OpenSSL::Crypto PkgConfig::XXHASH Threads::Threads)
  target_compile_definitions(${target} ${scope} BOOST_ASIO_NO_DEPRECATED)
endfunction()
