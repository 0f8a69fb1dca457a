// N-API glue for the memory area. Every function is synchronous: /proc/meminfo,
// /proc/vmstat and /proc/zoneinfo are generated from in-memory counters.
//
// memoryVirtual and memorySwap return flat Float64Arrays in psutil's field order; the
// TypeScript side names the fields. memoryMeminfo and memoryVmstat return the kernel's
// field names and their values, which the TypeScript side turns into plain objects.
#include "memory.h"
#include "common.h"
#include "registry.h"

namespace hpn {

namespace {

void put_virtual(double* o, const hp::VirtualMemory& v) {
  o[0] = static_cast<double>(v.total);
  o[1] = static_cast<double>(v.available);
  o[2] = v.percent;
  o[3] = static_cast<double>(v.used);
  o[4] = static_cast<double>(v.free);
  o[5] = static_cast<double>(v.active);
  o[6] = static_cast<double>(v.inactive);
  o[7] = static_cast<double>(v.buffers);
  o[8] = static_cast<double>(v.cached);
  o[9] = static_cast<double>(v.shared);
  o[10] = static_cast<double>(v.slab);
}

void put_swap(double* o, const hp::SwapMemory& s) {
  o[0] = static_cast<double>(s.total);
  o[1] = static_cast<double>(s.used);
  o[2] = static_cast<double>(s.free);
  o[3] = s.percent;
  o[4] = static_cast<double>(s.sin);
  o[5] = static_cast<double>(s.sout);
}

// memoryVirtual(roots, out?) -> Float64Array [total, available, percent, used, free, active,
// inactive, buffers, cached, shared, slab]
Napi::Value memory_virtual(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::VirtualMemory v = hp::read_virtual_memory(cached_roots(info, 0));
    Napi::Value a;
    put_virtual(out_array(info, 1, 11, a), v);
    return a;
  });
}

// memorySwap(roots, out?) -> Float64Array [total, used, free, percent, sin, sout]
Napi::Value memory_swap(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::SwapMemory s = hp::read_swap_memory(cached_roots(info, 0));
    Napi::Value a;
    put_swap(out_array(info, 1, 6, a), s);
    return a;
  });
}

// [names joined by '\n', Float64Array of values]: two N-API values instead of one
// property per field; the TypeScript side builds the object (and reuses the split names
// while the kernel's field list stays the same).
Napi::Value named_values(Napi::Env env, const std::vector<hp::NamedValue>& rows) {
  std::string names;
  names.reserve(rows.size() * 16);
  Napi::Float64Array values = Napi::Float64Array::New(env, rows.size());
  double* out = values.Data();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i) names.push_back('\n');
    names.append(rows[i].name);
    out[i] = static_cast<double>(rows[i].value);
  }
  Napi::Array a = Napi::Array::New(env, 2);
  a.Set(0u, str(env, names));
  a.Set(1u, values);
  return a;
}

// memoryMeminfo(roots) -> [names, values]: MemTotal (bytes), ..., HugePages_Total (count), ...
Napi::Value memory_meminfo(const Napi::CallbackInfo& info) {
  return Guard(info,
               [&]() -> Napi::Value { return named_values(info.Env(), hp::read_meminfo(cached_roots(info, 0))); });
}

// memoryVmstat(roots) -> [names, values]: nr_free_pages, ...
Napi::Value memory_vmstat(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return named_values(info.Env(), hp::read_vmstat(cached_roots(info, 0))); });
}

// memoryAll(roots) -> [virtual Float64Array(11), swap Float64Array(6), [meminfo names, values],
// [vmstat names, values] | null]: one read of meminfo and one of vmstat for all four.
Napi::Value memory_all(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::MemoryReadings m = hp::read_memory(cached_roots(info, 0));
    Napi::Float64Array virt = Napi::Float64Array::New(env, 11);
    put_virtual(virt.Data(), m.virt);
    Napi::Float64Array swap = Napi::Float64Array::New(env, 6);
    put_swap(swap.Data(), m.swap);
    Napi::Array a = Napi::Array::New(env, 4);
    a.Set(0u, virt);
    a.Set(1u, swap);
    a.Set(2u, named_values(env, m.meminfo));
    a.Set(3u, m.has_vmstat ? named_values(env, m.vmstat) : env.Null());
    return a;
  });
}

// memoryPageSize() -> number: sysconf(_SC_PAGESIZE), the unit of the kernel's page counts.
Napi::Value memory_page_size(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return num(info.Env(), static_cast<double>(hp::page_size())); });
}

}  // namespace

void RegisterMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("memoryVirtual", Napi::Function::New(env, memory_virtual, "memoryVirtual"));
  exports.Set("memorySwap", Napi::Function::New(env, memory_swap, "memorySwap"));
  exports.Set("memoryMeminfo", Napi::Function::New(env, memory_meminfo, "memoryMeminfo"));
  exports.Set("memoryVmstat", Napi::Function::New(env, memory_vmstat, "memoryVmstat"));
  exports.Set("memoryAll", Napi::Function::New(env, memory_all, "memoryAll"));
  exports.Set("memoryPageSize", Napi::Function::New(env, memory_page_size, "memoryPageSize"));
}

}  // namespace hpn
