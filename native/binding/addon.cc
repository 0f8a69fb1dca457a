// The addon's export table: nothing but the per-area registrations.
#include "registry.h"

namespace {
Napi::Object Init(Napi::Env env, Napi::Object exports) {
  hpn::RegisterCpu(env, exports);
  hpn::RegisterMemory(env, exports);
  hpn::RegisterDisk(env, exports);
  hpn::RegisterNet(env, exports);
  hpn::RegisterHost(env, exports);
  hpn::RegisterKernel(env, exports);
  hpn::RegisterHardware(env, exports);
  hpn::RegisterProcess(env, exports);
  hpn::RegisterLifecycle(env, exports);
  return exports;
}
}  // namespace

NODE_API_MODULE(hostprobe, Init)
