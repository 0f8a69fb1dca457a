// N-API glue for the cpu area. Filled in by the cpu work.
#include "common.h"
#include "registry.h"

namespace hpn {
void RegisterCpu(Napi::Env, Napi::Object) {}
}  // namespace hpn
