// N-API glue for the net area. Filled in by the net work.
#include "common.h"
#include "registry.h"

namespace hpn {
void RegisterNet(Napi::Env, Napi::Object) {}
}  // namespace hpn
