// One registration function per area; addon.cc calls them all. Each area's glue lives
// in its own file (cpu.cc, memory.cc, ...) so areas do not touch each other.
#pragma once
#include <napi.h>

namespace hpn {
void RegisterCpu(Napi::Env env, Napi::Object exports);
void RegisterMemory(Napi::Env env, Napi::Object exports);
void RegisterDisk(Napi::Env env, Napi::Object exports);
void RegisterNet(Napi::Env env, Napi::Object exports);
void RegisterHost(Napi::Env env, Napi::Object exports);
void RegisterKernel(Napi::Env env, Napi::Object exports);
void RegisterHardware(Napi::Env env, Napi::Object exports);
void RegisterProcess(Napi::Env env, Napi::Object exports);
void RegisterLifecycle(Napi::Env env, Napi::Object exports);
}  // namespace hpn
