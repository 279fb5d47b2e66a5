# The console library's page: every file in src/console/assets is embedded into
# sl_console as a C array at build time (embed.cmake), so the binary serves the page with
# nothing fetched at run time. Included from the top-level CMakeLists.txt after the
# sl_console module is declared.
file(GLOB SLUICE_CONSOLE_ASSETS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/assets/*)
list(SORT SLUICE_CONSOLE_ASSETS)
set(SLUICE_CONSOLE_ASSETS_C ${CMAKE_BINARY_DIR}/generated/sl_console_assets.c)
add_custom_command(
  OUTPUT ${SLUICE_CONSOLE_ASSETS_C}
  COMMAND ${CMAKE_COMMAND} -DOUT=${SLUICE_CONSOLE_ASSETS_C} "-DASSETS=${SLUICE_CONSOLE_ASSETS}"
          -P ${CMAKE_CURRENT_LIST_DIR}/embed.cmake
  DEPENDS ${SLUICE_CONSOLE_ASSETS} ${CMAKE_CURRENT_LIST_DIR}/embed.cmake
  COMMENT "Embedding the console's page files"
  VERBATIM)
target_sources(sl_console PRIVATE ${SLUICE_CONSOLE_ASSETS_C})
