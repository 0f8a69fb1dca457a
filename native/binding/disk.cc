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
#include <chrono>
#include <cmath>
#include <memory>
#include <mutex>
#include <unordered_map>

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

Napi::Object io_obj(Napi::Env env, const hp::DiskIo& d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", str(env, d.name));
  o.Set("major", num(env, d.major));
  o.Set("minor", num(env, d.minor));
  o.Set("readCount", num(env, d.read_count));
  o.Set("writeCount", num(env, d.write_count));
  o.Set("readBytes", num(env, d.read_bytes));
  o.Set("writeBytes", num(env, d.write_bytes));
  o.Set("readTime", num(env, d.read_time));
  o.Set("writeTime", num(env, d.write_time));
  o.Set("readMergedCount", num(env, d.read_merged_count));
  o.Set("writeMergedCount", num(env, d.write_merged_count));
  o.Set("busyTime", num(env, d.busy_time));
  o.Set("inProgress", opt_num(env, d.in_progress));
  o.Set("weightedTime", opt_num(env, d.weighted_time));
  o.Set("discardCount", opt_num(env, d.discard_count));
  o.Set("discardMergedCount", opt_num(env, d.discard_merged_count));
  o.Set("discardSectors", opt_num(env, d.discard_sectors));
  o.Set("discardTime", opt_num(env, d.discard_time));
  o.Set("flushCount", opt_num(env, d.flush_count));
  o.Set("flushTime", opt_num(env, d.flush_time));
  return o;
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
  ctx->tsfn = Tsfn::New(env, "hostprobe:statvfs", 0, 1, ctx.get(),
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

// diskIoCounters(roots, perDisk) -> per-device counters (whole disks only unless perDisk)
Napi::Value DiskIoCounters(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    bool perdisk = info.Length() > 1 && info[1].IsBoolean() && info[1].As<Napi::Boolean>().Value();
    auto disks = hp::read_disk_io(roots, perdisk);
    Napi::Array out = Napi::Array::New(env, disks.size());
    for (size_t i = 0; i < disks.size(); ++i) out.Set(static_cast<uint32_t>(i), io_obj(env, disks[i]));
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
    hp::Roots roots = roots_arg(info, 0);
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
    hp::Roots roots = roots_arg(info, 0);
    std::string path = hp::usage_path(roots, string_arg(info, 1, "path"));
    std::optional<std::chrono::milliseconds> timeout;
    if (info.Length() > 2 && info[2].IsNumber()) {
      double ms = info[2].As<Napi::Number>().DoubleValue();
      if (std::isfinite(ms) && ms > 0) timeout = std::chrono::milliseconds(static_cast<int64_t>(std::ceil(ms)));
    }
    return usage_obj(info.Env(), hp::StatfsRegistry::instance().run_sync(path, timeout));
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

}  // namespace

void RegisterDisk(Napi::Env env, Napi::Object exports) {
  exports.Set("diskPartitions", Napi::Function::New(env, DiskPartitions, "diskPartitions"));
  exports.Set("diskIoCounters", Napi::Function::New(env, DiskIoCounters, "diskIoCounters"));
  exports.Set("diskUsageStart", Napi::Function::New(env, DiskUsageStart, "diskUsageStart"));
  exports.Set("diskUsageSync", Napi::Function::New(env, DiskUsageSync, "diskUsageSync"));
  exports.Set("diskUsageMarkStuck", Napi::Function::New(env, DiskUsageMarkStuck, "diskUsageMarkStuck"));
  exports.Set("diskUsageStuck", Napi::Function::New(env, DiskUsageStuck, "diskUsageStuck"));
  exports.Set("diskUsageStuckPaths", Napi::Function::New(env, DiskUsageStuckPaths, "diskUsageStuckPaths"));
}

}  // namespace hpn
