// N-API glue for the disk area.
//
// diskPartitions and diskIoCounters are synchronous: they read one /proc file (mountinfo
// never touches the mounted file systems, so it cannot hang on a dead mount).
//
// diskUsage is different: statvfs on a dead NFS server or a hung FUSE daemon blocks for as
// long as the mount is dead. A libuv pool thread stuck there would be lost for good (the
// pool has 4 of them, shared with fs and dns), so each statvfs runs on a detached thread
// of its own (hp::StatfsRegistry: finished threads are reused, a new one starts when none
// is free) and its result comes back through one per-environment
// thread-safe function. That function is unref'd: a stuck statvfs must not keep the
// process alive; the TypeScript layer keeps the loop alive with its own timeout timer
// while it is waiting.
#include <cerrno>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "block_info.h"
#include "common.h"
#include "disk.h"
#include "disk_statfs.h"
#include "registry.h"

namespace hpn {

namespace {

Napi::Object partition_obj(Napi::Env env, const hp::DiskPartition& p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("device", str(env, p.device));
  o.Set("mountpoint", str(env, p.mountpoint));
  o.Set("fstype", str(env, p.fstype));
  o.Set("opts", str(env, p.opts));
  o.Set("superOpts", str(env, p.super_opts));
  o.Set("major", num(env, p.major));
  o.Set("minor", num(env, p.minor));
  o.Set("readonly", Napi::Boolean::New(env, p.readonly));
  return o;
}

Napi::Object usage_obj(Napi::Env env, const hp::DiskUsage& u) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("total", num(env, u.total));
  o.Set("used", num(env, u.used));
  o.Set("free", num(env, u.free));
  o.Set("percent", num(env, u.percent));
  o.Set("availBytes", num(env, u.avail_bytes));
  o.Set("freeBytes", num(env, u.free_bytes));
  o.Set("files", num(env, u.files));
  o.Set("filesFree", num(env, u.files_free));
  return o;
}

// diskIoCounters' flat layout: kIoFields doubles per device, NaN for a field the line's
// layout does not have. The counters come first, in the order src/disk.ts's COUNTER_FIELDS
// lists them (the ones nowrap adjusts), then the gauge and the device numbers.
constexpr size_t kIoFields = 19;

void put_io(double* o, const hp::DiskIo& d) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  auto opt = [](const std::optional<uint64_t>& v) { return v ? static_cast<double>(*v) : nan; };
  o[0] = static_cast<double>(d.read_count);
  o[1] = static_cast<double>(d.write_count);
  o[2] = static_cast<double>(d.read_bytes);
  o[3] = static_cast<double>(d.write_bytes);
  o[4] = static_cast<double>(d.read_time);
  o[5] = static_cast<double>(d.write_time);
  o[6] = static_cast<double>(d.read_merged_count);
  o[7] = static_cast<double>(d.write_merged_count);
  o[8] = static_cast<double>(d.busy_time);
  o[9] = opt(d.weighted_time);
  o[10] = opt(d.discard_count);
  o[11] = opt(d.discard_merged_count);
  o[12] = opt(d.discard_sectors);
  o[13] = opt(d.discard_time);
  o[14] = opt(d.flush_count);
  o[15] = opt(d.flush_time);
  o[16] = opt(d.in_progress);
  o[17] = d.major;
  o[18] = d.minor;
}

void put_usage(double* o, const hp::DiskUsage& u) {
  o[0] = static_cast<double>(u.total);
  o[1] = static_cast<double>(u.used);
  o[2] = static_cast<double>(u.free);
  o[3] = u.percent;
  o[4] = static_cast<double>(u.avail_bytes);
  o[5] = static_cast<double>(u.free_bytes);
  o[6] = static_cast<double>(u.files);
  o[7] = static_cast<double>(u.files_free);
}

// ---------------------------------------------------------------------------------------
// Settling diskUsage Promises from the statvfs threads.

struct Completion {
  Napi::Promise::Deferred deferred;
  hp::StatfsOutcome outcome;
};

struct EnvCtx;
void settle(Napi::Env env, Napi::Function, EnvCtx*, Completion* c);
using Tsfn = Napi::TypedThreadSafeFunction<EnvCtx, Completion, settle>;

// One per Node environment (main thread, each worker thread).
struct EnvCtx {
  napi_env env = nullptr;
  bool alive = true;  // guarded by g_mu; false once the environment is being torn down
  Tsfn tsfn;
};

// Guards every EnvCtx::alive and the table below. A statvfs thread holds it while it
// queues a completion, so the environment cannot finish tearing the function down under it.
std::mutex g_mu;
std::unordered_map<napi_env, std::shared_ptr<EnvCtx>>& envs() {
  static auto* table = new std::unordered_map<napi_env, std::shared_ptr<EnvCtx>>();
  return *table;
}

void settle(Napi::Env env, Napi::Function, EnvCtx*, Completion* c) {
  std::unique_ptr<Completion> own(c);
  if (static_cast<napi_env>(env) == nullptr) return;  // the environment is going away
  // Nothing may escape: this runs from the event loop, outside any Guard. While the
  // environment shuts down, napi calls fail (cannot run JS) and there is nobody to tell.
  try {
    Napi::HandleScope scope(env);
    try {
      if (own->outcome.error) {
        own->deferred.Reject(make_error(env, *own->outcome.error).Value());
      } else {
        own->deferred.Resolve(usage_obj(env, *own->outcome.usage));
      }
    } catch (const Napi::Error& e) {
      own->deferred.Reject(e.Value());
    }
  } catch (...) {
  }
}

std::shared_ptr<EnvCtx> env_ctx(Napi::Env env) {
  std::lock_guard<std::mutex> lock(g_mu);
  auto it = envs().find(env);
  if (it != envs().end()) return it->second;
  auto ctx = std::make_shared<EnvCtx>();
  ctx->env = env;
  // The finalizer gets its own reference: it may run after the cleanup hook dropped the
  // table's one.
  auto* keep = new std::shared_ptr<EnvCtx>(ctx);
  ctx->tsfn = Tsfn::New(
      env, "hostprobe:statvfs", 0, 1, ctx.get(),
      [](Napi::Env, std::shared_ptr<EnvCtx>* data, EnvCtx*) {
        {
          std::lock_guard<std::mutex> l(g_mu);
          (*data)->alive = false;
        }
        delete data;
      },
      keep);
  ctx->tsfn.Unref(env);
  napi_env raw = env;
  env.AddCleanupHook([raw]() {
    std::lock_guard<std::mutex> l(g_mu);
    auto found = envs().find(raw);
    if (found == envs().end()) return;
    found->second->alive = false;
    envs().erase(found);
  });
  envs().emplace(static_cast<napi_env>(env), ctx);
  return ctx;
}

// ---------------------------------------------------------------------------------------
// Entry points

// diskPartitions(roots, all) -> partition[]
Napi::Value DiskPartitions(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    bool all = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    auto parts = hp::read_partitions(roots, all);
    Napi::Array out = Napi::Array::New(env, parts.size());
    for (size_t i = 0; i < parts.size(); ++i) out.Set(static_cast<uint32_t>(i), partition_obj(env, parts[i]));
    return out;
  });
}

// diskIoCounters(roots, perDisk) -> [names, values]: the device names joined by "\n" and a
// Float64Array of kIoFields values per device (whole disks only unless perDisk). Flat, so
// that the call creates three JS values instead of twenty per device; src/disk.ts builds
// the objects.
Napi::Value DiskIoCounters(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const hp::Roots& roots = cached_roots(info, 0);
    bool perdisk = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    auto disks = hp::read_disk_io(roots, perdisk);
    std::string names;
    Napi::Float64Array values = Napi::Float64Array::New(env, disks.size() * kIoFields);
    double* o = values.Data();
    for (const hp::DiskIo& d : disks) {
      if (!names.empty()) names.push_back('\n');
      names.append(d.name);
      put_io(o, d);
      o += kIoFields;
    }
    Napi::Array out = Napi::Array::New(env, 2);
    out.Set(0u, str(env, names));
    out.Set(1u, values);
    return out;
  });
}

// diskUsageStart(roots, path) -> { promise, id, path }
// Starts (or joins) statvfs(<rootfs>/<path>) on its own thread. When an earlier statvfs of
// the same path is stuck, the promise rejects with kind TimeoutExpired, code EBUSY, and
// id is 0: no thread was started.
Napi::Value DiskUsageStart(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const hp::Roots& roots = cached_roots(info, 0);
    std::string path = hp::usage_path(roots, string_arg(info, 1, "path"));
    std::shared_ptr<EnvCtx> ctx = env_ctx(env);
    Napi::Promise::Deferred deferred = Napi::Promise::Deferred::New(env);
    uint64_t id = 0;
    try {
      id = hp::StatfsRegistry::instance().start(path, [ctx, deferred](const hp::StatfsOutcome& out) {
        auto* c = new Completion{deferred, out};
        std::lock_guard<std::mutex> lock(g_mu);
        if (!ctx->alive || ctx->tsfn.NonBlockingCall(c) != napi_ok) delete c;
      });
    } catch (const hp::Error& e) {
      deferred.Reject(make_error(env, e).Value());
    }
    Napi::Object r = Napi::Object::New(env);
    r.Set("promise", deferred.Promise());
    r.Set("id", num(env, id));
    r.Set("path", str(env, path));
    return r;
  });
}

// diskUsageSync(roots, path, timeoutMs) -> usage; blocks the calling thread up to timeoutMs
// (forever when timeoutMs is 0, negative or not finite).
Napi::Value DiskUsageSync(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    const hp::Roots& roots = cached_roots(info, 0);
    std::string path = hp::usage_path(roots, string_arg(info, 1, "path"));
    std::optional<std::chrono::milliseconds> timeout;
    if (info.Length() > 2 && info[2].IsNumber()) {
      double ms = info[2].As<Napi::Number>().DoubleValue();
      if (std::isfinite(ms) && ms > 0) timeout = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(ms)));
    }
    return usage_obj(info.Env(), hp::StatfsRegistry::instance().run_sync(path, timeout));
  });
}

// diskUsageNow(roots, path, out?) -> Float64Array [total, used, free, percent, availBytes,
// freeBytes, files, filesFree] (written into `out` when it is a Float64Array of at least
// 8). statvfs runs right here on the calling thread, like psutil: no thread hop, and no
// timeout (a dead mount blocks the caller). A path already known stuck (an earlier guarded
// call timed out on it) still fails at once with Timeout/EBUSY instead of hanging.
Napi::Value DiskUsageNow(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    const hp::Roots& roots = cached_roots(info, 0);
    std::string path = hp::usage_path(roots, string_arg(info, 1, "path"));
    hp::StatfsRegistry& registry = hp::StatfsRegistry::instance();
    if (registry.is_stuck(path))
      throw hp::Error(hp::ErrorKind::Timeout,
                      "statvfs " + path + " has not returned since an earlier call timed out (stuck mount)", path,
                      EBUSY);
    Napi::Value a;
    put_usage(out_array(info, 2, 8, a), hp::statvfs_usage(path));
    return a;
  });
}

// diskUsageMarkStuck(id) -> bool: the caller gave up waiting on call `id`.
Napi::Value DiskUsageMarkStuck(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    int64_t id = int_arg(info, 0, "id");
    bool marked = id > 0 && hp::StatfsRegistry::instance().mark_stuck(static_cast<uint64_t>(id));
    return Napi::Boolean::New(info.Env(), marked);
  });
}

// diskUsageStuck(roots, path) -> bool
Napi::Value DiskUsageStuck(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    std::string path = hp::usage_path(roots, string_arg(info, 1, "path"));
    return Napi::Boolean::New(info.Env(), hp::StatfsRegistry::instance().is_stuck(path));
  });
}

// diskUsageStuckPaths() -> string[] (statvfs paths, i.e. with the rootfs prefix)
Napi::Value DiskUsageStuckPaths(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto paths = hp::StatfsRegistry::instance().stuck_paths();
    Napi::Array out = Napi::Array::New(env, paths.size());
    for (size_t i = 0; i < paths.size(); ++i) out.Set(static_cast<uint32_t>(i), str(env, paths[i]));
    return out;
  });
}

// diskBlockInfo(roots, udevDir, name, major, minor) -> { rotational: string | null,
// udev: { [property]: value } | null, slaves: string[] }. Synchronous: one sysfs attribute,
// one directory and one tmpfs file.
Napi::Value DiskBlockInfo(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    const hp::Roots& roots = cached_roots(info, 0);
    std::string udev_dir = string_arg(info, 1, "udevDir");
    std::string name = string_arg(info, 2, "name");
    auto major = static_cast<unsigned>(int_arg(info, 3, "major"));
    auto minor = static_cast<unsigned>(int_arg(info, 4, "minor"));
    hp::BlockDeviceInfo b = hp::read_block_device_info(roots, udev_dir, name, major, minor);
    Napi::Object o = Napi::Object::New(env);
    o.Set("rotational", opt_str(env, b.rotational));
    if (b.udev) {
      Napi::Object props = Napi::Object::New(env);
      for (const auto& [k, v] : *b.udev) props.Set(k, str(env, v));
      o.Set("udev", props);
    } else {
      o.Set("udev", env.Null());
    }
    Napi::Array slaves = Napi::Array::New(env, b.slaves.size());
    for (size_t i = 0; i < b.slaves.size(); ++i) slaves.Set(static_cast<uint32_t>(i), str(env, b.slaves[i]));
    o.Set("slaves", slaves);
    return o;
  });
}

}  // namespace

void RegisterDisk(Napi::Env env, Napi::Object exports) {
  exports.Set("diskPartitions", Napi::Function::New(env, DiskPartitions, "diskPartitions"));
  exports.Set("diskIoCounters", Napi::Function::New(env, DiskIoCounters, "diskIoCounters"));
  exports.Set("diskUsageStart", Napi::Function::New(env, DiskUsageStart, "diskUsageStart"));
  exports.Set("diskUsageSync", Napi::Function::New(env, DiskUsageSync, "diskUsageSync"));
  exports.Set("diskUsageNow", Napi::Function::New(env, DiskUsageNow, "diskUsageNow"));
  exports.Set("diskUsageMarkStuck", Napi::Function::New(env, DiskUsageMarkStuck, "diskUsageMarkStuck"));
  exports.Set("diskUsageStuck", Napi::Function::New(env, DiskUsageStuck, "diskUsageStuck"));
  exports.Set("diskUsageStuckPaths", Napi::Function::New(env, DiskUsageStuckPaths, "diskUsageStuckPaths"));
  exports.Set("diskBlockInfo", Napi::Function::New(env, DiskBlockInfo, "diskBlockInfo"));
}

}  // namespace hpn
