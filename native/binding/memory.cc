// N-API glue for the memory area. Filled in by the memory work.
#include "common.h"
#include "registry.h"

namespace hpn {
void RegisterMemory(Napi::Env, Napi::Object) {}
}  // namespace hpn
