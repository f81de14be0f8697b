# The PowerShell module (docs/powershell.md): HvReplication.dll, the C# layer compiled by
# `dotnet build` from bindings/powershell/HvReplication.csproj, and its install layout
#   share/hvr/powershell/HvReplication/   HvReplication.psd1, .psm1, .dll, its help, its views and the native library
# (share/hvr/powershell is a folder PSModulePath can name). The .NET SDK is needed only for
# this: without `dotnet` the module is neither built nor installed, and configure says so once.
# tests/powershell runs the installed module in PowerShell 7 when hvr_powershell_module exists.
option(HVR_POWERSHELL "Build and install the PowerShell module when the .NET SDK (dotnet) is found" ON)
set(HVR_POWERSHELL_MODULE_DIR ${CMAKE_INSTALL_DATADIR}/hvr/powershell/HvReplication)
set(HVR_POWERSHELL_BUILD_DIR ${PROJECT_BINARY_DIR}/powershell)

if(NOT HVR_POWERSHELL)
  return()
endif()
find_program(HVR_DOTNET dotnet)
if(NOT HVR_DOTNET)
  message(STATUS "PowerShell module skipped: the .NET SDK (dotnet) is not installed, so HvReplication.dll "
                 "is neither built nor installed nor tested (docs/powershell.md)")
  return()
endif()

# dotnet quietly, and without writing into the source tree (-artifacts-path keeps obj/ here).
set(HVR_DOTNET_COMMAND ${CMAKE_COMMAND} -E env DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 ${HVR_DOTNET})

set(module_project ${PROJECT_SOURCE_DIR}/bindings/powershell/HvReplication.csproj)
set(module_dll ${HVR_POWERSHELL_BUILD_DIR}/HvReplication/HvReplication.dll)
file(GLOB_RECURSE module_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/bindings/powershell/*.cs)
add_custom_command(OUTPUT ${module_dll}
  COMMAND ${HVR_DOTNET_COMMAND} build ${module_project} --configuration Release --nologo --verbosity quiet
          --artifacts-path ${HVR_POWERSHELL_BUILD_DIR}/artifacts --output ${HVR_POWERSHELL_BUILD_DIR}/HvReplication
  DEPENDS ${module_project} ${module_sources}
  COMMENT "Building HvReplication.dll with dotnet build")

# The compiled cmdlets' help (MAML), generated from the help attributes on their classes by
# bindings/powershell-help, a build tool that is never installed (docs/powershell.md, "Help").
set(help_project ${PROJECT_SOURCE_DIR}/bindings/powershell-help/HvrHelpGen.csproj)
set(help_tool_dir ${HVR_POWERSHELL_BUILD_DIR}/helpgen)
set(module_help ${HVR_POWERSHELL_BUILD_DIR}/HvReplication/HvReplication.dll-Help.xml)
add_custom_command(OUTPUT ${module_help}
  COMMAND ${HVR_DOTNET_COMMAND} build ${help_project} --configuration Release --nologo --verbosity quiet
          --artifacts-path ${HVR_POWERSHELL_BUILD_DIR}/artifacts --output ${help_tool_dir}
  COMMAND ${HVR_DOTNET_COMMAND} ${help_tool_dir}/HvrHelpGen.dll ${module_dll} ${module_help}
  DEPENDS ${module_dll} ${help_project} ${PROJECT_SOURCE_DIR}/bindings/powershell-help/Program.cs
  COMMENT "Generating HvReplication.dll-Help.xml from the cmdlets' help attributes")
add_custom_target(hvr_powershell_module ALL DEPENDS ${module_dll} ${module_help})

install(FILES ${module_dll} ${module_help}
  ${PROJECT_SOURCE_DIR}/bindings/powershell/HvReplication.psd1
  ${PROJECT_SOURCE_DIR}/bindings/powershell/HvReplication.psm1
  ${PROJECT_SOURCE_DIR}/bindings/powershell/HvReplication.Format.ps1xml
  DESTINATION ${HVR_POWERSHELL_MODULE_DIR})
# The native library beside the module, which looks in its own folder before the system's
# search: an installed module works from any prefix, with no ldconfig or PATH change
# (libhvr.so.N on Linux, the SONAME the module asks for; hvr.dll on Windows, stripped by cpack).
install(TARGETS hvr LIBRARY DESTINATION ${HVR_POWERSHELL_MODULE_DIR} NAMELINK_SKIP
                    RUNTIME DESTINATION ${HVR_POWERSHELL_MODULE_DIR})
if(HVR_WINDOWS_RUNTIME_DLLS)
  install(FILES ${HVR_WINDOWS_RUNTIME_DLLS} DESTINATION ${HVR_POWERSHELL_MODULE_DIR})
endif()
