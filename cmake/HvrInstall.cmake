# cmake --install: libhvr.so (versioned SONAME) and libhvr.a, hvr.h, the C++ headers, a CMake
# package (find_package(hvr) gives hvr::hvr and hvr::hvr_static) and hvr.pc for pkg-config.
include(CMakePackageConfigHelpers)

# Two export sets: the shared library needs nothing from its consumer, the static one
# needs Boost, OpenSSL and xxHash found again (so only C++ consumers load it).
install(TARGETS hvr
  EXPORT hvrTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}  # a DLL's import library
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(HVR_WINDOWS_RUNTIME_DLLS)
  install(FILES ${HVR_WINDOWS_RUNTIME_DLLS} DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(TARGETS hvr_static
  EXPORT hvrStaticTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${PROJECT_SOURCE_DIR}/capi/include/hvr.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/hvr ${PROJECT_BINARY_DIR}/include/hvr
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")

set(hvr_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/hvr)
install(EXPORT hvrTargets NAMESPACE hvr:: DESTINATION ${hvr_cmake_dir})
install(EXPORT hvrStaticTargets NAMESPACE hvr:: DESTINATION ${hvr_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hvrConfig.cmake.in
  ${PROJECT_BINARY_DIR}/hvrConfig.cmake INSTALL_DESTINATION ${hvr_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/hvrConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/hvrConfig.cmake ${PROJECT_BINARY_DIR}/hvrConfigVersion.cmake
  DESTINATION ${hvr_cmake_dir})

configure_file(${PROJECT_SOURCE_DIR}/cmake/hvr.pc.in ${PROJECT_BINARY_DIR}/hvr.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/hvr.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The PowerShell module is built and installed by cmake/HvrPowerShell.cmake (it needs the
# .NET SDK).
