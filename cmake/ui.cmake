# The built-in web UI (docs/UI.md): `npm ci` for ui/ into <build>/ui-npm at configure time, then a
# build step bundles ui/src with esbuild and writes the files as a C++ table linked into skald-store.
find_program(SKALD_NODE node)
find_program(SKALD_NPM npm)
set(_ui_default OFF)
if(SKALD_NODE AND SKALD_NPM)
  set(_ui_default ON)
endif()
option(SKALD_UI "Bundle the web UI (ui/, needs node + npm) into skald-store" ${_ui_default})

set(SKALD_UI_EMBEDDED OFF)
if(SKALD_UI)
  set(_npm_dir ${CMAKE_BINARY_DIR}/ui-npm)
  file(MAKE_DIRECTORY ${_npm_dir})
  configure_file(${CMAKE_SOURCE_DIR}/ui/package.json ${_npm_dir}/package.json COPYONLY)
  configure_file(${CMAKE_SOURCE_DIR}/ui/package-lock.json ${_npm_dir}/package-lock.json COPYONLY)
  file(READ ${_npm_dir}/package-lock.json _lock)
  set(_stamp ${_npm_dir}/node_modules/.skald-lock)
  set(_have "")
  if(EXISTS ${_stamp})
    file(READ ${_stamp} _have)
  endif()
  set(_npm_ok TRUE)
  if(NOT _have STREQUAL _lock)
    message(STATUS "SKALD_UI: npm ci in ${_npm_dir}")
    execute_process(COMMAND ${SKALD_NPM} ci --no-audit --no-fund --loglevel=error
      WORKING_DIRECTORY ${_npm_dir} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out TIMEOUT 900)
    if(_rc EQUAL 0)
      file(WRITE ${_stamp} "${_lock}")
    else()
      set(_npm_ok FALSE)
      message(WARNING "SKALD_UI: `npm ci` failed (${_rc}), building skald-store without its web UI:\n${_out}")
    endif()
  endif()
  if(_npm_ok)
    set(SKALD_UI_EMBEDDED ON)
  endif()
endif()

if(SKALD_UI_EMBEDDED)
  file(GLOB_RECURSE _ui_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/ui/src/*)
  set(_gen ${CMAKE_BINARY_DIR}/ui/ui_assets_data.cc)
  add_custom_command(OUTPUT ${_gen}
    COMMAND ${SKALD_NODE} ${CMAKE_SOURCE_DIR}/ui/build.mjs --node-modules ${_npm_dir}/node_modules
            --out ${CMAKE_BINARY_DIR}/ui/dist --cc ${_gen}
    DEPENDS ${_ui_srcs} ${CMAKE_SOURCE_DIR}/ui/build.mjs ${CMAKE_SOURCE_DIR}/ui/index.html ${_stamp}
    COMMENT "esbuild: bundling the web UI" VERBATIM)
  target_sources(skald_store_api PRIVATE ${_gen})
  # Only the file that refers to the table needs to know it exists.
  set_source_files_properties(${CMAKE_SOURCE_DIR}/store/api/ui_assets.cc PROPERTIES COMPILE_DEFINITIONS SKALD_UI_EMBEDDED=1)
  message(STATUS "SKALD_UI: web UI bundled into skald-store")
else()
  message(STATUS "SKALD_UI: off, skald-store answers / with a short note")
endif()
