# Nothing depends sideways or upward:
#  - no source under services/ or libs/ includes tools/ (the CLI, the report
#    jobs, benchmarks);
#  - no service includes another service's code (domain, app, adapters, its
#    Service): only the kit (services/common/), the shared libraries (libs/)
#    and what a service publishes for its followers (services/<name>/published/).
#    A follower copies an upstream *fact* into its own events instead of
#    deciding with the upstream's rules. Tests that stand several services up
#    together (services/*/tests/) are exempt;
#  - libs/ include nothing of services/ but the kit.
# Run at configure time by the top CMakeLists.txt and by the ctest
# layers_check (which also plants violations and expects this script to fail):
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
  file(RELATIVE_PATH rel ${ROOT} ${src})
  file(STRINGS ${src} upward REGEX "^[ \t]*#[ \t]*include[ \t]+\"tools/")
  if(upward)
    list(APPEND violations "${rel}: ${upward} (tools/ is above every service and library)")
  endif()
  set(own "")
  if(rel MATCHES "^services/([a-z_]+)/")
    set(own ${CMAKE_MATCH_1})
  endif()
  if(own AND NOT rel MATCHES "^services/[a-z_]+/tests/")
    file(STRINGS ${src} includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"services/")
    foreach(line ${includes})
      string(REGEX MATCH "\"services/([a-z_]+)/([^\"]*)\"" _ "${line}")
      set(other ${CMAKE_MATCH_1})
      set(path ${CMAKE_MATCH_2})
      if(NOT other STREQUAL own AND NOT other STREQUAL "common" AND NOT path MATCHES "^published/")
        list(APPEND violations "${rel}: ${line} (service ${own} uses service ${other}'s code)")
      endif()
    endforeach()
  elseif(rel MATCHES "^libs/")
    file(STRINGS ${src} includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"services/")
    foreach(line ${includes})
      if(NOT line MATCHES "\"services/common/")
        list(APPEND violations "${rel}: ${line} (libs/ sit below the services)")
      endif()
    endforeach()
  endif()
endforeach()
if(violations)
  string(REPLACE ";" "\n  " listed "${violations}")
  message(FATAL_ERROR "layers: nothing may depend sideways or upward (move what several parts need into libs/, "
                      "or copy the upstream fact into your own events):\n  ${listed}")
endif()
