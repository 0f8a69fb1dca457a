// The libFuzzer entry of one fuzz_<name> binary: HOSTPROBE_FUZZ_TARGET names the target
// (a compile definition set by native/fuzz/fuzz.cmake).
#include "fuzz.h"

#ifndef HOSTPROBE_FUZZ_TARGET
#error "HOSTPROBE_FUZZ_TARGET must name the target"
#endif

namespace {
hp::fuzz::TargetFn target() {
  static hp::fuzz::TargetFn fn = [] {
    auto it = hp::fuzz::registry().find(HOSTPROBE_FUZZ_TARGET);
    if (it == hp::fuzz::registry().end()) {
      std::fprintf(stderr, "fuzz: no target named %s\n", HOSTPROBE_FUZZ_TARGET);
      __builtin_trap();
    }
    return it->second;
  }();
  return fn;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  target()(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
