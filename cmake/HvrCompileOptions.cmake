# Warnings, sanitizers and fuzzing instrumentation, applied to every target of the project.

if(MSVC)
  # The msvc preset (docs/windows.md): standard C++ only, UTF-8 sources.
  add_compile_options(/W4 /permissive- /utf-8 /Zc:__cplusplus)
  if(HVR_WERROR)
    add_compile_options(/WX)
  endif()
else()
  add_compile_options(-Wall -Wextra -Wshadow -Wno-unused-parameter "$<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>")
  if(HVR_WERROR)
    add_compile_options(-Werror)
  endif()
  # __FILE__ (in GoogleTest's messages, among others) names sources from the clone's root, so
  # that no object holds the clone's own path: a compiler cache then serves the objects of one
  # clone to another at a different path (docs/ci-time.md). Test programs are compiled in
  # batches that include their sources by absolute path, where this matters most.
  add_compile_options(-fmacro-prefix-map=${PROJECT_SOURCE_DIR}/=)
endif()

# HVR_DEBUG_INFO=lines: where the build type asks for full debug information (-g), only
# line tables instead (GCC -g1, clang -gline-tables-only). Backtraces, sanitizer reports and
# profiles still name each frame's function, file and line; a debugger sees no variables or
# types. The test command (scripts/test.sh) builds so: its builds then take about a third
# less compiler time and link programs a quarter of the size (docs/ci-time.md).
set(HVR_DEBUG_INFO full CACHE STRING "Debug information where the build type asks for it: full, or lines (line tables only)")
set_property(CACHE HVR_DEBUG_INFO PROPERTY STRINGS full lines)
if(NOT HVR_DEBUG_INFO MATCHES "^(full|lines)$")
  message(FATAL_ERROR "HVR_DEBUG_INFO is '${HVR_DEBUG_INFO}': it takes full or lines")
endif()
if(HVR_DEBUG_INFO STREQUAL "lines")
  if(MSVC)
    message(FATAL_ERROR "HVR_DEBUG_INFO=lines is for GCC and clang")
  endif()
  foreach(lang C CXX)
    set(lines -g1)
    if(CMAKE_${lang}_COMPILER_ID MATCHES "Clang")
      set(lines -gline-tables-only)
    endif()
    foreach(config DEBUG RELWITHDEBINFO)
      string(REGEX REPLACE "(^| )-g( |$)" "\\1${lines}\\2" CMAKE_${lang}_FLAGS_${config} "${CMAKE_${lang}_FLAGS_${config}}")
    endforeach()
  endforeach()
endif()

if(HVR_SANITIZE)
  set(hvr_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_compile_options(${hvr_sanitize_flags})
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # clang 14 cannot emit -fsanitize=function's prologue data for the split functions of
    # C++20 coroutines (Asio awaitables): "Cannot represent a difference across sections".
    # That check only catches calls through mistyped function pointers; the rest of UBSan stays.
    add_compile_options(-fno-sanitize=function)
  endif()
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    # C programs linking libhvr need the C++ part of UBSan's runtime (vptr checks).
    add_link_options("$<$<LINK_LANGUAGE:C>:-fsanitize-link-c++-runtime;-lstdc++>")
  endif()
endif()

if(HVR_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "HVR_FUZZ needs clang (libFuzzer)")
  endif()
  # Coverage instrumentation everywhere; only fuzz executables link the libFuzzer main.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
