// N-API glue for the kernel facts of native/core/kernel.h (timex, hung tasks, SELinux,
// schedstat, isolated CPUs, thermal throttles). All synchronous: one syscall or a few small
// files each.
#include "kernel.h"
#include "common.h"
#include "registry.h"

namespace hpn {

namespace {

// kernelTimex() -> {state, offset, freq, ..., tai}: adjtimex(2)'s raw fields
Napi::Value kernel_timex(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Timex t = hp::read_timex();
    Napi::Object o = Napi::Object::New(env);
    o.Set("state", num(env, t.state));
    o.Set("offset", num(env, static_cast<double>(t.offset)));
    o.Set("freq", num(env, static_cast<double>(t.freq)));
    o.Set("maxerror", num(env, static_cast<double>(t.maxerror)));
    o.Set("esterror", num(env, static_cast<double>(t.esterror)));
    o.Set("status", num(env, t.status));
    o.Set("constant", num(env, static_cast<double>(t.constant)));
    o.Set("precision", num(env, static_cast<double>(t.precision)));
    o.Set("tolerance", num(env, static_cast<double>(t.tolerance)));
    o.Set("tick", num(env, static_cast<double>(t.tick)));
    o.Set("ppsfreq", num(env, static_cast<double>(t.ppsfreq)));
    o.Set("jitter", num(env, static_cast<double>(t.jitter)));
    o.Set("shift", num(env, t.shift));
    o.Set("stabil", num(env, static_cast<double>(t.stabil)));
    o.Set("jitcnt", num(env, static_cast<double>(t.jitcnt)));
    o.Set("calcnt", num(env, static_cast<double>(t.calcnt)));
    o.Set("errcnt", num(env, static_cast<double>(t.errcnt)));
    o.Set("stbcnt", num(env, static_cast<double>(t.stbcnt)));
    o.Set("tai", num(env, t.tai));
    return o;
  });
}

// kernelHungTasks(roots) -> count | null
Napi::Value kernel_hung_tasks(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return opt_num(info.Env(), hp::read_kernel_hung(cached_roots(info, 0))); });
}

// kernelSelinux(roots) -> {enabled, currentMode, configMode}
Napi::Value kernel_selinux(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Selinux s = hp::read_selinux(cached_roots(info, 0));
    Napi::Object o = Napi::Object::New(env);
    o.Set("enabled", Napi::Boolean::New(env, s.enabled));
    o.Set("currentMode", num(env, s.current_mode));
    o.Set("configMode", num(env, s.config_mode));
    return o;
  });
}

// kernelSchedstat(roots) -> [{cpu, runningNs, waitingNs, timeslices}] | null
Napi::Value kernel_schedstat(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto rows = hp::read_schedstat(cached_roots(info, 0));
    if (!rows) return env.Null();
    Napi::Array a = Napi::Array::New(env, rows->size());
    for (size_t i = 0; i < rows->size(); ++i) {
      const auto& c = (*rows)[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("cpu", str(env, c.cpu));
      o.Set("runningNs", num(env, static_cast<double>(c.running_ns)));
      o.Set("waitingNs", num(env, static_cast<double>(c.waiting_ns)));
      o.Set("timeslices", num(env, static_cast<double>(c.timeslices)));
      a.Set(static_cast<uint32_t>(i), o);
    }
    return a;
  });
}

// kernelIsolatedCpus(roots) -> number[] | null
Napi::Value kernel_isolated_cpus(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto cpus = hp::read_isolated_cpus(cached_roots(info, 0));
    if (!cpus) return env.Null();
    Napi::Array a = Napi::Array::New(env, cpus->size());
    for (size_t i = 0; i < cpus->size(); ++i) a.Set(static_cast<uint32_t>(i), num(env, (*cpus)[i]));
    return a;
  });
}

// kernelThrottles(roots) -> {packages: [{package, count}], cores: [{package, core, count}]}
Napi::Value kernel_throttles(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Throttles t = hp::read_throttles(cached_roots(info, 0));
    Napi::Array p = Napi::Array::New(env, t.packages.size());
    for (size_t i = 0; i < t.packages.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("package", num(env, static_cast<double>(t.packages[i].package)));
      o.Set("count", num(env, static_cast<double>(t.packages[i].count)));
      p.Set(static_cast<uint32_t>(i), o);
    }
    Napi::Array c = Napi::Array::New(env, t.cores.size());
    for (size_t i = 0; i < t.cores.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("package", num(env, static_cast<double>(t.cores[i].package)));
      o.Set("core", num(env, static_cast<double>(t.cores[i].core)));
      o.Set("count", num(env, static_cast<double>(t.cores[i].count)));
      c.Set(static_cast<uint32_t>(i), o);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("packages", p);
    o.Set("cores", c);
    return o;
  });
}

// kernelCpuInfo(roots) -> [{processor, vendorId, cpuFamily, model, modelName, stepping,
// microcode, cacheSize, physicalId, coreId, flags, bugs}]
Napi::Value kernel_cpu_info(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto rows = hp::read_cpuinfo_entries(cached_roots(info, 0));
    auto strs = [&](const std::vector<std::string>& v) {
      Napi::Array a = Napi::Array::New(env, v.size());
      for (size_t i = 0; i < v.size(); ++i) a.Set(static_cast<uint32_t>(i), str(env, v[i]));
      return a;
    };
    Napi::Array a = Napi::Array::New(env, rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& c = rows[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("processor", num(env, static_cast<double>(c.processor)));
      o.Set("vendorId", str(env, c.vendor_id));
      o.Set("cpuFamily", str(env, c.cpu_family));
      o.Set("model", str(env, c.model));
      o.Set("modelName", str(env, c.model_name));
      o.Set("stepping", str(env, c.stepping));
      o.Set("microcode", str(env, c.microcode));
      o.Set("cacheSize", str(env, c.cache_size));
      o.Set("physicalId", str(env, c.physical_id));
      o.Set("coreId", str(env, c.core_id));
      o.Set("flags", strs(c.flags));
      o.Set("bugs", strs(c.bugs));
      a.Set(static_cast<uint32_t>(i), o);
    }
    return a;
  });
}

// kernelStatSoftirqs(roots) -> [hi, timer, net_tx, net_rx, block, block_iopoll, tasklet,
// sched, hrtimer, rcu] | null
Napi::Value kernel_stat_softirqs(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto v = hp::read_stat_softirq_vectors(cached_roots(info, 0));
    if (!v) return env.Null();
    Napi::Array a = Napi::Array::New(env, v->size());
    for (size_t i = 0; i < v->size(); ++i) a.Set(static_cast<uint32_t>(i), num(env, (*v)[i]));
    return a;
  });
}

}  // namespace

void RegisterKernel(Napi::Env env, Napi::Object exports) {
  exports.Set("kernelTimex", Napi::Function::New(env, kernel_timex, "kernelTimex"));
  exports.Set("kernelHungTasks", Napi::Function::New(env, kernel_hung_tasks, "kernelHungTasks"));
  exports.Set("kernelSelinux", Napi::Function::New(env, kernel_selinux, "kernelSelinux"));
  exports.Set("kernelSchedstat", Napi::Function::New(env, kernel_schedstat, "kernelSchedstat"));
  exports.Set("kernelIsolatedCpus", Napi::Function::New(env, kernel_isolated_cpus, "kernelIsolatedCpus"));
  exports.Set("kernelStatSoftirqs", Napi::Function::New(env, kernel_stat_softirqs, "kernelStatSoftirqs"));
  exports.Set("kernelCpuInfo", Napi::Function::New(env, kernel_cpu_info, "kernelCpuInfo"));
  exports.Set("kernelThrottles", Napi::Function::New(env, kernel_throttles, "kernelThrottles"));
}

}  // namespace hpn
