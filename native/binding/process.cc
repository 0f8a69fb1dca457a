// N-API glue for the process area. Filled in by the process work.
#include "common.h"
#include "registry.h"

namespace hpn {
void RegisterProcess(Napi::Env, Napi::Object) {}
}  // namespace hpn
