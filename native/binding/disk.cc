// N-API glue for the disk area. Filled in by the disk work.
#include "common.h"
#include "registry.h"

namespace hpn {
void RegisterDisk(Napi::Env, Napi::Object) {}
}  // namespace hpn
