// N-API glue for the cpu area. Every function is synchronous: each is one or a few small
// procfs/sysfs reads that the kernel serves from memory.
//
// cpuTimes returns raw ticks in a flat Float64Array (10 values, or 11 per CPU with the
// CPU number first): the TypeScript side builds the objects faster than per-property
// N-API calls, divides by USER_HZ (cpuClockTicks) for seconds, and computes the
// percentages on exact integer tick deltas.
#include "cpu.h"
#include "common.h"
#include "registry.h"

namespace hpn {

namespace {

constexpr size_t kTimes = 10;

void put_times(double* out, const hp::CpuTimes& t) {
  out[0] = t.user;
  out[1] = t.nice;
  out[2] = t.system;
  out[3] = t.idle;
  out[4] = t.iowait;
  out[5] = t.irq;
  out[6] = t.softirq;
  out[7] = t.steal;
  out[8] = t.guest;
  out[9] = t.guest_nice;
}

// cpuTimes(roots, perCpu, out?) -> Float64Array of ticks (system-wide: written into `out`
// when it is a Float64Array of at least 10)
Napi::Value cpu_times(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const hp::Roots& roots = cached_roots(info, 0);
    bool per_cpu = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    if (!per_cpu) {
      hp::CpuTimes t = hp::read_cpu_times(roots, 1);
      Napi::Value a;
      put_times(out_array(info, 2, kTimes, a), t);
      return a;
    }
    auto rows = hp::read_per_cpu_times(roots, 1);
    Napi::Float64Array a = Napi::Float64Array::New(env, rows.size() * (kTimes + 1));
    double* out = a.Data();
    for (const auto& r : rows) {
      out[0] = r.cpu;
      put_times(out + 1, r.times);
      out += kTimes + 1;
    }
    return a;
  });
}

// cpuClockTicks() -> USER_HZ
Napi::Value cpu_clock_ticks(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return num(info.Env(), static_cast<double>(hp::clock_ticks())); });
}

// cpuCount(roots, logical) -> number | null
Napi::Value cpu_count(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    const hp::Roots& roots = cached_roots(info, 0);
    bool logical = !(info.Length() > 1 && info[1].IsBoolean() && !info[1].As<Napi::Boolean>().Value());
    return opt_num(info.Env(), logical ? hp::read_cpu_count_logical(roots) : hp::read_cpu_count_cores(roots));
  });
}

// cpuStats(roots) -> {ctxSwitches, interrupts, softInterrupts, syscalls, forks, procsRunning, procsBlocked}
Napi::Value cpu_stats(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::CpuStats s = hp::read_cpu_stats(cached_roots(info, 0));
    Napi::Object o = Napi::Object::New(env);
    o.Set("ctxSwitches", num(env, s.ctx_switches));
    o.Set("interrupts", num(env, s.interrupts));
    o.Set("softInterrupts", num(env, s.soft_interrupts));
    o.Set("syscalls", num(env, 0));
    o.Set("forks", num(env, s.forks));
    o.Set("procsRunning", num(env, s.procs_running));
    o.Set("procsBlocked", num(env, s.procs_blocked));
    return o;
  });
}

// cpuFreq(roots) -> Float64Array of [cpu, current, min, max] per CPU (MHz)
Napi::Value cpu_freq(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    auto rows = hp::read_cpu_freq(cached_roots(info, 0));
    Napi::Float64Array a = Napi::Float64Array::New(info.Env(), rows.size() * 4);
    double* out = a.Data();
    for (const auto& r : rows) {
      out[0] = r.cpu;
      out[1] = r.current;
      out[2] = r.min;
      out[3] = r.max;
      out += 4;
    }
    return a;
  });
}

// cpuFreqInfo(roots) -> [{cpu, cpuinfoCurKHz, ..., governor, availableGovernors}]
Napi::Value cpu_freq_info(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto rows = hp::read_cpu_freq_info(cached_roots(info, 0));
    Napi::Array arr = Napi::Array::New(env, rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& r = rows[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("cpu", num(env, r.cpu));
      o.Set("cpuinfoCurKHz", opt_num(env, r.cpuinfo_cur_khz));
      o.Set("cpuinfoMinKHz", opt_num(env, r.cpuinfo_min_khz));
      o.Set("cpuinfoMaxKHz", opt_num(env, r.cpuinfo_max_khz));
      o.Set("cpuinfoAvgKHz", opt_num(env, r.cpuinfo_avg_khz));
      o.Set("scalingCurKHz", opt_num(env, r.scaling_cur_khz));
      o.Set("scalingMinKHz", opt_num(env, r.scaling_min_khz));
      o.Set("scalingMaxKHz", opt_num(env, r.scaling_max_khz));
      o.Set("governor", opt_str(env, r.governor));
      o.Set("driver", opt_str(env, r.driver));
      Napi::Array g = Napi::Array::New(env, r.available_governors.size());
      for (size_t j = 0; j < r.available_governors.size(); ++j)
        g.Set(static_cast<uint32_t>(j), str(env, r.available_governors[j]));
      o.Set("availableGovernors", g);
      arr.Set(static_cast<uint32_t>(i), o);
    }
    return arr;
  });
}

// The Float64Array(3) that cpuLoadAvgOwn writes into, bound once per thread (env) by
// cpuLoadAvgBind and kept alive by a strong reference. A bound typed array's backing
// store is off the V8 heap (napi_get_typedarray_info materialises it) and never moves.
struct LoadAvgSlot {
  napi_env env = nullptr;
  napi_ref ref = nullptr;
  double* data = nullptr;
  double generation = 0;  // bumped by each bind, so that a caller can tell its own binding
};
thread_local LoadAvgSlot load_avg_slot;
thread_local double load_avg_generations = 0;

void on_load_avg_env_cleanup(void* arg) {
  if (load_avg_slot.env == static_cast<napi_env>(arg)) load_avg_slot = LoadAvgSlot{};
}

// cpuLoadAvgBind(out: Float64Array(3)) -> the binding's generation (> 0)
Napi::Value cpu_load_avg_bind(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    napi_env env = info.Env();
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (info.Length() < 1 ||
        napi_get_typedarray_info(env, info[0], &type, &length, &data, nullptr, nullptr) != napi_ok ||
        type != napi_float64_array || length < 3)
      throw hp::Error(hp::ErrorKind::InvalidArgument, "cpuLoadAvgBind: expected a Float64Array of 3");
    LoadAvgSlot& s = load_avg_slot;
    if (s.env == env && s.ref) napi_delete_reference(env, s.ref);
    if (s.env != env) napi_add_env_cleanup_hook(env, on_load_avg_env_cleanup, env);
    s.env = env;
    s.ref = nullptr;
    napi_create_reference(env, info[0], 1, &s.ref);
    s.data = static_cast<double*>(data);
    s.generation = ++load_avg_generations;
    return num(env, s.generation);
  });
}

// cpuLoadAvgOwn() -> the generation of the binding it wrote the reader's own load
// averages (sysinfo(2)) into, 0 when nothing is bound on this thread. A caller whose bind
// returned another generation (two copies of the library on one thread) binds again. No
// roots to decode, no argument, nothing allocated: psutil's getloadavg is one syscall,
// and so is this.
Napi::Value cpu_load_avg_own(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    LoadAvgSlot& s = load_avg_slot;
    if (s.env != static_cast<napi_env>(info.Env()) || !s.data) return num(info.Env(), 0);
    auto l = hp::read_own_loadavg();
    s.data[0] = l[0];
    s.data[1] = l[1];
    s.data[2] = l[2];
    return num(info.Env(), s.generation);
  });
}

// cpuLoadAvg(roots, out?) -> Float64Array [load1, load5, load15] (written into `out`
// when given)
Napi::Value cpu_load_avg(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    auto l = hp::read_loadavg(cached_roots(info, 0));
    Napi::Value a;
    double* d = out_array(info, 1, 3, a);
    for (size_t i = 0; i < 3; ++i) d[i] = l[i];
    return a;
  });
}

// cpuBootTime(roots) -> seconds since the epoch
Napi::Value cpu_boot_time(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return num(info.Env(), hp::read_boot_time(cached_roots(info, 0))); });
}

}  // namespace

void RegisterCpu(Napi::Env env, Napi::Object exports) {
  exports.Set("cpuTimes", Napi::Function::New(env, cpu_times, "cpuTimes"));
  exports.Set("cpuClockTicks", Napi::Function::New(env, cpu_clock_ticks, "cpuClockTicks"));
  exports.Set("cpuCount", Napi::Function::New(env, cpu_count, "cpuCount"));
  exports.Set("cpuStats", Napi::Function::New(env, cpu_stats, "cpuStats"));
  exports.Set("cpuFreq", Napi::Function::New(env, cpu_freq, "cpuFreq"));
  exports.Set("cpuFreqInfo", Napi::Function::New(env, cpu_freq_info, "cpuFreqInfo"));
  exports.Set("cpuLoadAvg", Napi::Function::New(env, cpu_load_avg, "cpuLoadAvg"));
  exports.Set("cpuLoadAvgOwn", Napi::Function::New(env, cpu_load_avg_own, "cpuLoadAvgOwn"));
  exports.Set("cpuLoadAvgBind", Napi::Function::New(env, cpu_load_avg_bind, "cpuLoadAvgBind"));
  exports.Set("cpuBootTime", Napi::Function::New(env, cpu_boot_time, "cpuBootTime"));
}

}  // namespace hpn
