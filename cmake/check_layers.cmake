# Nothing depends sideways or upward: no source under services/ or libs/
# includes tools/ (the CLI, the report jobs, benchmarks). Run at configure
# time by the top CMakeLists.txt and by the ctest layers_check (which also
# plants a violation and expects this script to fail on it):
#   cmake -DROOT=<tree> -P cmake/check_layers.cmake
if(NOT ROOT)
  message(FATAL_ERROR "check_layers: pass -DROOT=<source tree>")
endif()
file(GLOB_RECURSE sources ${ROOT}/services/*.cc ${ROOT}/services/*.h ${ROOT}/libs/*.cc ${ROOT}/libs/*.h)
set(violations "")
foreach(src ${sources})
  if(src MATCHES "/node_modules/")
    continue()
  endif()
  file(STRINGS ${src} upward REGEX "^[ \t]*#[ \t]*include[ \t]+\"tools/")
  if(upward)
    file(RELATIVE_PATH rel ${ROOT} ${src})
    list(APPEND violations "${rel}: ${upward}")
  endif()
endforeach()
if(violations)
  string(REPLACE ";" "\n  " listed "${violations}")
  message(FATAL_ERROR "services and libs must not include tools/ (move what both need into libs/):\n  ${listed}")
endif()
