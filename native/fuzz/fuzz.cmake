# The libFuzzer build (cmake -DHOSTPROBE_FUZZ=ON with clang; scripts/fuzz.mjs drives it): one
# fuzz_<name> binary per HP_FUZZ_TARGET(name) in native/fuzz/targets/*.cc, every one linked
# with libFuzzer, ASan and UBSan over the core built with the same instrumentation.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "HOSTPROBE_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++): libFuzzer is clang's")
endif()
file(GLOB HOSTPROBE_FUZZ_TARGET_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/native/fuzz/targets/*.cc)
add_library(hostprobe_fuzz_targets OBJECT ${HOSTPROBE_FUZZ_TARGET_SOURCES})
target_link_libraries(hostprobe_fuzz_targets PUBLIC hostcore)
set(HOSTPROBE_FUZZ_NAMES "")
foreach(src ${HOSTPROBE_FUZZ_TARGET_SOURCES})
  file(STRINGS ${src} lines REGEX "^HP_FUZZ_TARGET\\(")
  foreach(line ${lines})
    string(REGEX REPLACE "^HP_FUZZ_TARGET\\(([a-z0-9_]+)\\).*" "\\1" name "${line}")
    list(APPEND HOSTPROBE_FUZZ_NAMES ${name})
    add_executable(fuzz_${name} ${CMAKE_CURRENT_SOURCE_DIR}/native/fuzz/entry.cc
      $<TARGET_OBJECTS:hostprobe_fuzz_targets>)
    target_compile_definitions(fuzz_${name} PRIVATE HOSTPROBE_FUZZ_TARGET="${name}")
    target_link_libraries(fuzz_${name} PRIVATE hostcore)
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  endforeach()
endforeach()
list(LENGTH HOSTPROBE_FUZZ_NAMES n)
message(STATUS "hostprobe: ${n} fuzz targets")
