// N-API glue for the host area. Filled in by the host work.
#include "common.h"
#include "registry.h"

namespace hpn {
void RegisterHost(Napi::Env, Napi::Object) {}
}  // namespace hpn
