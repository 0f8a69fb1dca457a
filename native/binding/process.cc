// N-API glue for the process area.
//
// Per-process calls are synchronous, like psutil's methods: each is one to a few reads of
// small /proc files that the kernel serves from memory. Every one takes (roots, pid, ...);
// the ones that act on a process (or must not read a reused pid) also take the start time
// in clock ticks, the second half of the identity.
//
// On the libuv pool: processScan (the whole table) and processesSummary (every thread's
// stat). processScanSync is the same scan on the calling thread, for processIter.
//
// The scan result is columnar: typed arrays for the numbers (one ArrayBuffer for all the
// numeric columns) and plain arrays only for the strings, so converting 1000 processes
// costs a few dozen N-API calls per column instead of one object per process.
#include <sys/resource.h>
#include <sys/socket.h>

#include <cmath>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "common.h"
#include "net_connections.h"
#include "process.h"
#include "process_scan.h"
#include "registry.h"

namespace hpn {
namespace {

namespace pc = hp::proc;

int64_t pid_arg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsNumber())
    throw hp::Error(hp::ErrorKind::InvalidArgument, "pid must be a number");
  double v = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || v < 0 || v != std::floor(v) || v > 4294967295.0)
    throw hp::Error(hp::ErrorKind::InvalidArgument, "pid must be a non-negative integer");
  return static_cast<int64_t>(v);
}

uint64_t ticks_arg(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsNumber())
    throw hp::Error(hp::ErrorKind::InvalidArgument, "start time (ticks) must be a number");
  double v = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(v) || v < 0) throw hp::Error(hp::ErrorKind::InvalidArgument, "bad start time");
  return static_cast<uint64_t>(v);
}

bool has_number(const Napi::CallbackInfo& info, size_t index) {
  return info.Length() > index && info[index].IsNumber();
}

// RLIM_INFINITY <-> -1, as psutil (Python's resource.RLIM_INFINITY).
double rlim_to_js(uint64_t v) { return v == static_cast<uint64_t>(RLIM_INFINITY) ? -1.0 : static_cast<double>(v); }
uint64_t rlim_from_js(double v, const char* what) {
  if (v == -1 || std::isinf(v)) return static_cast<uint64_t>(RLIM_INFINITY);
  if (!std::isfinite(v) || v < 0 || v != std::floor(v))
    throw hp::Error(hp::ErrorKind::InvalidArgument, std::string(what) + " must be a non-negative integer or -1");
  return static_cast<uint64_t>(v);
}

Napi::Array string_array(Napi::Env env, const std::vector<std::string>& v) {
  Napi::Array a = Napi::Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) a.Set(static_cast<uint32_t>(i), Napi::String::New(env, v[i]));
  return a;
}

// ------------------------------------------------------------------ per-process reads

// processStat(roots, pid, startTicks?) -> the parsed stat file (times in seconds)
Napi::Value process_stat(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    int64_t pid = pid_arg(info, 1);
    pc::ProcDir d(roots, pid);
    pc::ProcStat st = has_number(info, 2) ? pc::read_stat_checked(d, ticks_arg(info, 2)) : pc::read_stat(d);
    double hz = static_cast<double>(pc::clock_ticks());
    Napi::Object o = Napi::Object::New(env);
    o.Set("comm", str(env, st.comm));
    o.Set("state", str(env, std::string(1, st.state)));
    o.Set("ppid", num(env, st.ppid));
    o.Set("pgrp", num(env, st.pgrp));
    o.Set("session", num(env, st.session));
    o.Set("ttyNr", num(env, st.tty_nr));
    o.Set("minflt", num(env, st.minflt));
    o.Set("majflt", num(env, st.majflt));
    o.Set("utime", num(env, static_cast<double>(st.utime) / hz));
    o.Set("stime", num(env, static_cast<double>(st.stime) / hz));
    o.Set("cutime", num(env, static_cast<double>(st.cutime) / hz));
    o.Set("cstime", num(env, static_cast<double>(st.cstime) / hz));
    o.Set("blkio", num(env, static_cast<double>(st.blkio_ticks) / hz));
    o.Set("priority", num(env, st.priority));
    o.Set("nice", num(env, st.nice));
    o.Set("numThreads", num(env, st.num_threads));
    o.Set("startTicks", num(env, st.starttime));
    o.Set("createTime", num(env, pc::boot_time(roots) + static_cast<double>(st.starttime) / hz));
    o.Set("processor", st.processor >= 0 ? num(env, st.processor) : env.Null());
    return o;
  });
}

// processName(roots, pid) -> psutil's name(): comm, or the cmdline basename it truncates
Napi::Value process_name(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    pc::ProcStat st = has_number(info, 2) ? pc::read_stat_checked(d, ticks_arg(info, 2)) : pc::read_stat(d);
    return str(info.Env(), pc::read_name(d, st));
  });
}

// processStatus(roots, pid) -> {uids, gids, numThreads, voluntary, involuntary, vmSwap, cpusAllowed}
Napi::Value process_status(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    pc::ProcStatus s = pc::read_status(d);
    if (s.uids[0] < 0 || s.gids[0] < 0)
      throw hp::Error(hp::ErrorKind::Parse, d.path("status") + ": no Uid/Gid line", d.path("status"), 0, d.pid());
    Napi::Object o = Napi::Object::New(env);
    Napi::Array uids = Napi::Array::New(env, 3), gids = Napi::Array::New(env, 3);
    for (uint32_t i = 0; i < 3; ++i) {
      uids.Set(i, num(env, s.uids[i]));
      gids.Set(i, num(env, s.gids[i]));
    }
    o.Set("uids", uids);
    o.Set("gids", gids);
    o.Set("numThreads", num(env, s.threads));
    o.Set("voluntary", s.voluntary_ctxt_switches >= 0 ? num(env, s.voluntary_ctxt_switches) : env.Null());
    o.Set("involuntary", s.nonvoluntary_ctxt_switches >= 0 ? num(env, s.nonvoluntary_ctxt_switches) : env.Null());
    o.Set("vmSwap", num(env, s.vm_swap_kb > 0 ? static_cast<double>(s.vm_swap_kb) * 1024 : 0.0));
    o.Set("cpusAllowedList", str(env, s.cpus_allowed_list));
    return o;
  });
}

// processStatm(roots, pid) -> {rss, vms, shared, text, lib, data, dirty} in bytes
Napi::Value process_statm(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    pc::ProcStatm m = pc::read_statm(d);
    double p = static_cast<double>(pc::page_size());
    Napi::Object o = Napi::Object::New(env);
    o.Set("rss", num(env, static_cast<double>(m.resident) * p));
    o.Set("vms", num(env, static_cast<double>(m.size) * p));
    o.Set("shared", num(env, static_cast<double>(m.shared) * p));
    o.Set("text", num(env, static_cast<double>(m.text) * p));
    o.Set("lib", num(env, static_cast<double>(m.lib) * p));
    o.Set("data", num(env, static_cast<double>(m.data) * p));
    o.Set("dirty", num(env, static_cast<double>(m.dirty) * p));
    return o;
  });
}

// processIo(roots, pid) -> psutil's pio in camelCase
Napi::Value process_io(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    pc::ProcIo io = pc::read_io(d);
    Napi::Object o = Napi::Object::New(env);
    o.Set("readCount", num(env, io.syscr));
    o.Set("writeCount", num(env, io.syscw));
    o.Set("readBytes", num(env, io.read_bytes));
    o.Set("writeBytes", num(env, io.write_bytes));
    o.Set("readChars", num(env, io.rchar));
    o.Set("writeChars", num(env, io.wchar));
    return o;
  });
}

Napi::Value process_cmdline(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    return string_array(info.Env(), pc::read_cmdline(d));
  });
}

Napi::Value process_exe(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    return str(info.Env(), pc::exe_with_guess(d));
  });
}

Napi::Value process_cwd(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    return str(info.Env(), pc::read_cwd(d));
  });
}

// processEnviron(roots, pid) -> [k0, v0, k1, v1, ...] (TS builds the object safely)
Napi::Value process_environ(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    auto kv = pc::read_environ(d);
    Napi::Array a = Napi::Array::New(env, kv.size() * 2);
    uint32_t i = 0;
    for (const auto& [k, v] : kv) {
      a.Set(i++, str(env, k));
      a.Set(i++, str(env, v));
    }
    return a;
  });
}

Napi::Value process_num_fds(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    return num(info.Env(), pc::read_num_fds(d));
  });
}

Napi::Value process_memory_full(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    pc::ProcMemFull m = pc::read_memory_full(d);
    Napi::Object o = Napi::Object::New(env);
    o.Set("uss", num(env, m.uss));
    o.Set("pss", num(env, m.pss));
    o.Set("swap", num(env, m.swap));
    return o;
  });
}

// processMemoryMaps(roots, pid, grouped) -> rows
Napi::Value process_memory_maps(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    bool grouped = !(info.Length() > 2 && info[2].IsBoolean() && !info[2].As<Napi::Boolean>().Value());
    auto maps = pc::read_memory_maps(d, grouped);
    Napi::Array a = Napi::Array::New(env, maps.size());
    for (size_t i = 0; i < maps.size(); ++i) {
      const auto& m = maps[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("path", str(env, m.path));
      if (!grouped) {
        o.Set("addr", str(env, m.addr));
        o.Set("perms", str(env, m.perms));
      }
      o.Set("rss", num(env, m.rss));
      o.Set("size", num(env, m.size));
      o.Set("pss", num(env, m.pss));
      o.Set("sharedClean", num(env, m.shared_clean));
      o.Set("sharedDirty", num(env, m.shared_dirty));
      o.Set("privateClean", num(env, m.private_clean));
      o.Set("privateDirty", num(env, m.private_dirty));
      o.Set("referenced", num(env, m.referenced));
      o.Set("anonymous", num(env, m.anonymous));
      o.Set("swap", num(env, m.swap));
      a.Set(static_cast<uint32_t>(i), o);
    }
    return a;
  });
}

Napi::Value process_open_files(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    auto files = pc::read_open_files(d);
    Napi::Array a = Napi::Array::New(env, files.size());
    for (size_t i = 0; i < files.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("path", str(env, files[i].path));
      o.Set("fd", num(env, files[i].fd));
      o.Set("position", num(env, files[i].position));
      o.Set("mode", str(env, files[i].mode));
      o.Set("flags", num(env, files[i].flags));
      a.Set(static_cast<uint32_t>(i), o);
    }
    return a;
  });
}

Napi::Value process_threads(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    auto threads = pc::read_threads(d);
    Napi::Array a = Napi::Array::New(env, threads.size());
    for (size_t i = 0; i < threads.size(); ++i) {
      Napi::Object o = Napi::Object::New(env);
      o.Set("id", num(env, threads[i].id));
      o.Set("userTime", num(env, threads[i].user));
      o.Set("systemTime", num(env, threads[i].system));
      a.Set(static_cast<uint32_t>(i), o);
    }
    return a;
  });
}

// processTerminal(roots, pid, startTicks?) -> "/dev/pts/0" | null
Napi::Value process_terminal(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::ProcDir d(roots, pid_arg(info, 1));
    pc::ProcStat st = has_number(info, 2) ? pc::read_stat_checked(d, ticks_arg(info, 2)) : pc::read_stat(d);
    pc::TerminalMap map;
    return opt_str(info.Env(), map.lookup(roots, st.tty_nr));
  });
}

// processConnections(roots, pid, kind) -> rows of psutil's pconn (the net area's reader,
// restricted to this pid's fds and read in its network namespace)
Napi::Value process_connections(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    int64_t pid = pid_arg(info, 1);
    std::string kind = info.Length() > 2 && info[2].IsString() ? info[2].As<Napi::String>().Utf8Value() : "inet";
    if (!hp::valid_connection_kind(kind))
      throw hp::Error(hp::ErrorKind::InvalidArgument,
                      "invalid kind '" + kind +
                          "'; choose between inet, inet4, inet6, tcp, tcp4, tcp6, udp, udp4, udp6, unix, all");
    pc::ProcDir d(roots, pid);
    std::vector<hp::Connection> rows;
    try {
      rows = hp::read_connections(roots, kind, static_cast<int>(pid));
    } catch (const hp::Error& e) {
      // psutil's rules on top: a zombie's net/ and fd/ are gone -> ZombieProcess.
      if (e.kind() == hp::ErrorKind::NotFound || e.kind() == hp::ErrorKind::NoSuchProcess) {
        if (d.is_zombie()) pc::throw_zombie(pid, e.path());
        if (!d.alive()) pc::throw_nsp(pid, e.path());
      }
      if (e.kind() == hp::ErrorKind::AccessDenied) pc::throw_access_denied(pid, e.path(), e.err());
      throw;
    }
    Napi::Array a = Napi::Array::New(env, rows.size());
    auto addr = [&](const std::optional<hp::InetAddr>& x) -> Napi::Value {
      if (!x) return env.Null();
      Napi::Object o = Napi::Object::New(env);
      o.Set("ip", str(env, x->ip));
      o.Set("port", num(env, static_cast<unsigned>(x->port)));
      return o;
    };
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& c = rows[i];
      Napi::Object o = Napi::Object::New(env);
      o.Set("fd", num(env, c.fd));
      o.Set("family", num(env, c.family));
      o.Set("type", num(env, c.type));
      if (c.family == AF_UNIX) {
        o.Set("laddr", str(env, c.path));
        o.Set("raddr", env.Null());
      } else {
        o.Set("laddr", addr(c.laddr));
        o.Set("raddr", addr(c.raddr));
      }
      o.Set("status", str(env, c.status));
      a.Set(static_cast<uint32_t>(i), o);
    }
    return a;
  });
}

// ------------------------------------------------------------------ system-wide helpers

Napi::Value process_pids(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto pids = pc::list_pids(roots_arg(info, 0));
    Napi::Array a = Napi::Array::New(env, pids.size());
    for (size_t i = 0; i < pids.size(); ++i) a.Set(static_cast<uint32_t>(i), num(env, pids[i]));
    return a;
  });
}

Napi::Value process_pid_exists(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), pc::pid_exists(roots_arg(info, 0), pid_arg(info, 1)));
  });
}

// processPpidMap(roots) -> Float64Array [pid, ppid, startTicks, ...]
Napi::Value process_ppid_map(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    auto map = pc::ppid_map(roots_arg(info, 0));
    Napi::Float64Array a = Napi::Float64Array::New(info.Env(), map.size() * 3);
    double* out = a.Data();
    for (const auto& e : map) {
      *out++ = static_cast<double>(e.pid);
      *out++ = static_cast<double>(e.ppid);
      *out++ = static_cast<double>(e.start_ticks);
    }
    return a;
  });
}

Napi::Value process_username(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    return str(info.Env(), pc::username_for(roots, int_arg(info, 1, "uid")));
  });
}

Napi::Value process_mem_total(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return num(info.Env(), pc::mem_total(roots_arg(info, 0))); });
}

Napi::Value process_same_pid_namespace(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    return Napi::Boolean::New(info.Env(), pc::same_pid_namespace(roots_arg(info, 0)));
  });
}

// ------------------------------------------------------------------ syscalls

Napi::Value process_set_nice(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::set_nice(roots, pid_arg(info, 1), ticks_arg(info, 2), static_cast<int>(int_arg(info, 3, "value")));
    return info.Env().Undefined();
  });
}

Napi::Value process_ionice(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::IoPriority p = pc::get_ionice(roots, pid_arg(info, 1), ticks_arg(info, 2));
    Napi::Object o = Napi::Object::New(env);
    o.Set("ioclass", num(env, p.ioclass));
    o.Set("value", num(env, p.value));
    return o;
  });
}

Napi::Value process_set_ionice(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::set_ionice(roots, pid_arg(info, 1), ticks_arg(info, 2), static_cast<int>(int_arg(info, 3, "ioclass")),
                   static_cast<int>(int_arg(info, 4, "value")));
    return info.Env().Undefined();
  });
}

Napi::Value process_cpu_affinity(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    auto cpus = pc::get_cpu_affinity(roots, pid_arg(info, 1), ticks_arg(info, 2));
    Napi::Array a = Napi::Array::New(env, cpus.size());
    for (size_t i = 0; i < cpus.size(); ++i) a.Set(static_cast<uint32_t>(i), num(env, cpus[i]));
    return a;
  });
}

Napi::Value process_set_cpu_affinity(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    if (info.Length() < 4 || !info[3].IsArray())
      throw hp::Error(hp::ErrorKind::InvalidArgument, "cpus must be an array of CPU numbers");
    Napi::Array a = info[3].As<Napi::Array>();
    std::vector<int> cpus;
    for (uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Value v = a.Get(i);
      if (!v.IsNumber()) throw hp::Error(hp::ErrorKind::InvalidArgument, "cpus must be an array of CPU numbers");
      double c = v.As<Napi::Number>().DoubleValue();
      if (!std::isfinite(c) || c != std::floor(c) || c < 0 || c > 1e7)
        throw hp::Error(hp::ErrorKind::InvalidArgument, "invalid CPU number " + std::to_string(c));
      cpus.push_back(static_cast<int>(c));
    }
    pc::set_cpu_affinity(roots, pid_arg(info, 1), ticks_arg(info, 2), cpus);
    return info.Env().Undefined();
  });
}

// processRlimit(roots, pid, startTicks, resource) -> [soft, hard] (-1 = unlimited)
Napi::Value process_rlimit(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::RlimitPair l =
        pc::get_rlimit(roots, pid_arg(info, 1), ticks_arg(info, 2), static_cast<int>(int_arg(info, 3, "resource")));
    Napi::Array a = Napi::Array::New(env, 2);
    a.Set(0u, num(env, rlim_to_js(l.soft)));
    a.Set(1u, num(env, rlim_to_js(l.hard)));
    return a;
  });
}

Napi::Value process_set_rlimit(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    if (!has_number(info, 4) || !has_number(info, 5))
      throw hp::Error(hp::ErrorKind::InvalidArgument, "limits must be a [soft, hard] pair of numbers");
    pc::RlimitPair l{rlim_from_js(info[4].As<Napi::Number>().DoubleValue(), "soft limit"),
                     rlim_from_js(info[5].As<Napi::Number>().DoubleValue(), "hard limit")};
    pc::set_rlimit(roots, pid_arg(info, 1), ticks_arg(info, 2), static_cast<int>(int_arg(info, 3, "resource")), l);
    return info.Env().Undefined();
  });
}

Napi::Value process_signal(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    pc::send_signal(roots, pid_arg(info, 1), ticks_arg(info, 2), static_cast<int>(int_arg(info, 3, "signal")));
    return info.Env().Undefined();
  });
}

// processWaitCheck(roots, pid, startTicks) -> {exited, code}
Napi::Value process_wait_check(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::Roots roots = roots_arg(info, 0);
    pc::WaitState ws = pc::wait_check(roots, pid_arg(info, 1), ticks_arg(info, 2));
    Napi::Object o = Napi::Object::New(env);
    o.Set("exited", Napi::Boolean::New(env, ws.exited));
    o.Set("code", ws.code ? num(env, *ws.code) : env.Null());
    return o;
  });
}

// ------------------------------------------------------------------ the scan

struct Column {
  const char* name;
  uint32_t attr;  // which requested attribute brings it
  double (*get)(const pc::ScanRow&);
};

double d(uint64_t v) { return static_cast<double>(v); }
double d(int64_t v) { return static_cast<double>(v); }

// Every numeric column, in output order. A column is emitted when its attribute was asked.
const Column kColumns[] = {
    {"state", pc::kScanStatus,
     [](const pc::ScanRow& r) { return static_cast<double>(static_cast<unsigned char>(r.state)); }},
    {"ppid", pc::kScanPpid, [](const pc::ScanRow& r) { return d(r.ppid); }},
    {"uidReal", pc::kScanUids | pc::kScanUsername, [](const pc::ScanRow& r) { return d(r.uids[0]); }},
    {"uidEffective", pc::kScanUids | pc::kScanUsername, [](const pc::ScanRow& r) { return d(r.uids[1]); }},
    {"uidSaved", pc::kScanUids, [](const pc::ScanRow& r) { return d(r.uids[2]); }},
    {"gidReal", pc::kScanGids, [](const pc::ScanRow& r) { return d(r.gids[0]); }},
    {"gidEffective", pc::kScanGids, [](const pc::ScanRow& r) { return d(r.gids[1]); }},
    {"gidSaved", pc::kScanGids, [](const pc::ScanRow& r) { return d(r.gids[2]); }},
    {"createTime", pc::kScanCreateTime, [](const pc::ScanRow& r) { return r.create_time; }},
    {"cpuUser", pc::kScanCpuTimes, [](const pc::ScanRow& r) { return r.cpu[0]; }},
    {"cpuSystem", pc::kScanCpuTimes, [](const pc::ScanRow& r) { return r.cpu[1]; }},
    {"cpuChildrenUser", pc::kScanCpuTimes, [](const pc::ScanRow& r) { return r.cpu[2]; }},
    {"cpuChildrenSystem", pc::kScanCpuTimes, [](const pc::ScanRow& r) { return r.cpu[3]; }},
    {"cpuIowait", pc::kScanCpuTimes, [](const pc::ScanRow& r) { return r.cpu[4]; }},
    {"memRss", pc::kScanMemoryInfo | pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.mem[0]); }},
    {"memVms", pc::kScanMemoryInfo | pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.mem[1]); }},
    {"memShared", pc::kScanMemoryInfo | pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.mem[2]); }},
    {"memText", pc::kScanMemoryInfo | pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.mem[3]); }},
    {"memLib", pc::kScanMemoryInfo | pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.mem[4]); }},
    {"memData", pc::kScanMemoryInfo | pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.mem[5]); }},
    {"memDirty", pc::kScanMemoryInfo | pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.mem[6]); }},
    {"memUss", pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.full[0]); }},
    {"memPss", pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.full[1]); }},
    {"memSwap", pc::kScanMemoryFullInfo, [](const pc::ScanRow& r) { return d(r.full[2]); }},
    {"vmSwap", pc::kScanMemorySwap, [](const pc::ScanRow& r) { return d(r.swap); }},
    {"numThreads", pc::kScanNumThreads, [](const pc::ScanRow& r) { return d(r.num_threads); }},
    {"numFds", pc::kScanNumFds, [](const pc::ScanRow& r) { return d(r.num_fds); }},
    {"fdLimitSoft", pc::kScanFdLimit, [](const pc::ScanRow& r) { return rlim_to_js(r.fd_limit[0]); }},
    {"fdLimitHard", pc::kScanFdLimit, [](const pc::ScanRow& r) { return rlim_to_js(r.fd_limit[1]); }},
    {"ctxVoluntary", pc::kScanNumCtxSwitches, [](const pc::ScanRow& r) { return d(r.ctx[0]); }},
    {"ctxInvoluntary", pc::kScanNumCtxSwitches, [](const pc::ScanRow& r) { return d(r.ctx[1]); }},
    {"ioReadCount", pc::kScanIoCounters, [](const pc::ScanRow& r) { return d(r.io[0]); }},
    {"ioWriteCount", pc::kScanIoCounters, [](const pc::ScanRow& r) { return d(r.io[1]); }},
    {"ioReadBytes", pc::kScanIoCounters, [](const pc::ScanRow& r) { return d(r.io[2]); }},
    {"ioWriteBytes", pc::kScanIoCounters, [](const pc::ScanRow& r) { return d(r.io[3]); }},
    {"ioReadChars", pc::kScanIoCounters, [](const pc::ScanRow& r) { return d(r.io[4]); }},
    {"ioWriteChars", pc::kScanIoCounters, [](const pc::ScanRow& r) { return d(r.io[5]); }},
    {"minorFaults", pc::kScanPageFaults, [](const pc::ScanRow& r) { return d(r.faults[0]); }},
    {"majorFaults", pc::kScanPageFaults, [](const pc::ScanRow& r) { return d(r.faults[1]); }},
    {"nice", pc::kScanNice, [](const pc::ScanRow& r) { return d(r.nice); }},
    {"cpuNum", pc::kScanCpuNum, [](const pc::ScanRow& r) { return d(r.cpu_num); }},
    {"threadsR", pc::kScanThreadStates, [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[0]); }},
    {"threadsS", pc::kScanThreadStates, [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[1]); }},
    {"threadsD", pc::kScanThreadStates, [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[2]); }},
    {"threadsZ", pc::kScanThreadStates, [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[3]); }},
    {"threadsT", pc::kScanThreadStates, [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[4]); }},
    {"threadst", pc::kScanThreadStates, [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[5]); }},
    {"threadsI", pc::kScanThreadStates, [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[6]); }},
    {"threadsX", pc::kScanThreadStates, [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[7]); }},
    {"threadsOther", pc::kScanThreadStates,
     [](const pc::ScanRow& r) { return static_cast<double>(r.thread_states[8]); }},
};

struct ScanJob {
  hp::Roots roots;
  uint32_t mask = 0;
  std::optional<std::vector<int64_t>> pids;
};

ScanJob scan_args(const Napi::CallbackInfo& info) {
  ScanJob job;
  job.roots = roots_arg(info, 0);
  if (info.Length() < 2 || !info[1].IsArray())
    throw hp::Error(hp::ErrorKind::InvalidArgument, "attrs must be an array of attribute names");
  Napi::Array attrs = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < attrs.Length(); ++i) {
    Napi::Value v = attrs.Get(i);
    std::string name = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
    auto bit = pc::scan_attr_bit(name);
    if (!bit) throw hp::Error(hp::ErrorKind::InvalidArgument, "unknown scan attribute '" + name + "'");
    job.mask |= *bit;
  }
  if (info.Length() > 2 && info[2].IsArray()) {
    Napi::Array a = info[2].As<Napi::Array>();
    job.pids.emplace();
    for (uint32_t i = 0; i < a.Length(); ++i) {
      Napi::Value v = a.Get(i);
      if (!v.IsNumber()) throw hp::Error(hp::ErrorKind::InvalidArgument, "pids must be numbers");
      job.pids->push_back(v.As<Napi::Number>().Int64Value());
    }
  }
  return job;
}

pc::ScanResult run_scan(const ScanJob& job) {
  return pc::scan_processes(job.roots, job.mask, job.pids ? &*job.pids : nullptr);
}

Napi::Value scan_to_js(Napi::Env env, const pc::ScanResult& res, uint32_t mask) {
  const size_t n = res.rows.size();
  Napi::Object out = Napi::Object::New(env);
  out.Set("length", num(env, static_cast<double>(n)));

  Napi::Int32Array pids = Napi::Int32Array::New(env, n);
  Napi::Float64Array starts = Napi::Float64Array::New(env, n);
  Napi::Uint8Array flags = Napi::Uint8Array::New(env, n);
  Napi::Uint32Array missing = Napi::Uint32Array::New(env, n);
  for (size_t i = 0; i < n; ++i) {
    const auto& r = res.rows[i];
    pids[i] = static_cast<int32_t>(r.pid);
    starts[i] = static_cast<double>(r.start_ticks);
    flags[i] = r.flags;
    missing[i] = r.missing;
  }
  out.Set("pid", pids);
  out.Set("startTicks", starts);
  out.Set("flags", flags);
  out.Set("missing", missing);

  // All numeric columns in one ArrayBuffer, column-major; each column is a view.
  std::vector<const Column*> cols;
  for (const auto& c : kColumns)
    if (c.attr & mask) cols.push_back(&c);
  Napi::ArrayBuffer buf = Napi::ArrayBuffer::New(env, std::max<size_t>(1, cols.size() * n) * sizeof(double));
  double* data = static_cast<double*>(buf.Data());
  Napi::Object columns = Napi::Object::New(env);
  for (size_t c = 0; c < cols.size(); ++c) {
    double* col = data + c * n;
    auto get = cols[c]->get;
    for (size_t i = 0; i < n; ++i) col[i] = get(res.rows[i]);
    columns.Set(cols[c]->name, Napi::Float64Array::New(env, n, buf, c * n * sizeof(double)));
  }
  out.Set("columns", columns);

  Napi::Object strings = Napi::Object::New(env);
  // Equal strings (300 "sleep", every "kworker/..." cmdline "") become one JS string:
  // fewer N-API calls and less garbage than one string per row.
  std::unordered_map<std::string_view, napi_value> interned;
  auto string_column = [&](const char* name, uint32_t bit, auto field) {
    if (!(mask & bit)) return;
    interned.clear();
    napi_value arr;
    NAPI_THROW_IF_FAILED_VOID(env, napi_create_array_with_length(env, n, &arr));
    napi_value null_value = env.Null();
    for (size_t i = 0; i < n; ++i) {
      const auto& r = res.rows[i];
      const std::string* s = field(r);
      napi_value v = null_value;
      if (!(r.missing & bit) && s) {
        auto it = interned.find(*s);
        if (it != interned.end()) {
          v = it->second;
        } else {
          NAPI_THROW_IF_FAILED_VOID(env, napi_create_string_utf8(env, s->data(), s->size(), &v));
          interned.emplace(*s, v);
        }
      }
      NAPI_THROW_IF_FAILED_VOID(env, napi_set_element(env, arr, static_cast<uint32_t>(i), v));
    }
    strings.Set(name, Napi::Value(env, arr));
  };
  string_column("name", pc::kScanName, [](const pc::ScanRow& r) { return &r.name; });
  string_column("exe", pc::kScanExe, [](const pc::ScanRow& r) { return &r.exe; });
  string_column("cwd", pc::kScanCwd, [](const pc::ScanRow& r) { return &r.cwd; });
  string_column("cmdline", pc::kScanCmdline, [](const pc::ScanRow& r) { return &r.cmdline; });
  string_column("terminal", pc::kScanTerminal,
                [](const pc::ScanRow& r) { return r.has_terminal ? &r.terminal : nullptr; });
  out.Set("strings", strings);

  if (mask & pc::kScanUsername) {
    Napi::Object users = Napi::Object::New(env);
    for (const auto& [uid, name] : res.users) users.Set(std::to_string(uid), name);
    out.Set("users", users);
  }
  return out;
}

// processScan(roots, attrs, pids?) -> Promise<columnar result>
Napi::Value process_scan(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    auto job = std::make_shared<ScanJob>(scan_args(info));
    return PromiseWorker<pc::ScanResult>::Run(
        info.Env(), [job]() { return run_scan(*job); },
        [job](Napi::Env env, pc::ScanResult& res) { return scan_to_js(env, res, job->mask); });
  });
}

// processScanSync(roots, attrs, pids?) -> columnar result (processIter, asDict)
Napi::Value process_scan_sync(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    ScanJob job = scan_args(info);
    pc::ScanResult res = run_scan(job);
    return scan_to_js(info.Env(), res, job.mask);
  });
}

Napi::Value summary_to_js(Napi::Env env, const pc::ProcessesSummary& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("pids", num(env, s.pids));
  o.Set("threads", num(env, s.threads));
  o.Set("maxProcesses", opt_num(env, s.pid_max));
  o.Set("maxThreads", opt_num(env, s.threads_max));
  auto counts = [&](const std::map<char, int64_t>& m) {
    Napi::Object c = Napi::Object::New(env);
    for (const auto& [k, v] : m) c.Set(std::string(1, k), num(env, v));
    return c;
  };
  o.Set("states", counts(s.states));
  o.Set("threadStates", counts(s.thread_states));
  return o;
}

// processesSummary(roots) -> Promise<{pids, threads, maxProcesses, maxThreads, states, threadStates}>
Napi::Value processes_summary(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    return PromiseWorker<pc::ProcessesSummary>::Run(
        info.Env(), [roots]() { return pc::processes_summary(roots); },
        [](Napi::Env env, pc::ProcessesSummary& s) { return summary_to_js(env, s); });
  });
}

// processThreadTotals(roots, pids, wchans, ctx) -> Promise<({wchans: [wchan, count][],
// ctx: [voluntary, nonvoluntary] | null} | null)[]>, one entry per pid (null: gone), read on
// the libuv pool: a file or two per thread of every process.
Napi::Value process_thread_totals(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = roots_arg(info, 0);
    if (info.Length() < 2 || !info[1].IsArray())
      throw hp::Error(hp::ErrorKind::InvalidArgument, "pids must be an array");
    Napi::Array a = info[1].As<Napi::Array>();
    std::vector<int> pids;
    pids.reserve(a.Length());
    for (uint32_t i = 0; i < a.Length(); ++i)
      pids.push_back(static_cast<int>(a.Get(i).As<Napi::Number>().Int32Value()));
    bool want_wchans = info.Length() > 2 && info[2].ToBoolean().Value();
    bool want_ctx = info.Length() > 3 && info[3].ToBoolean().Value();
    bool want_threads = info.Length() > 4 && info[4].ToBoolean().Value();
    using Result = std::vector<std::optional<pc::ThreadTotals>>;
    return PromiseWorker<Result>::Run(
        info.Env(),
        [roots, pids, want_wchans, want_ctx, want_threads]() {
          Result out;
          out.reserve(pids.size());
          for (int pid : pids) out.push_back(pc::read_thread_totals(roots, pid, want_wchans, want_ctx, want_threads));
          return out;
        },
        [](Napi::Env env, Result& r) -> Napi::Value {
          Napi::Array arr = Napi::Array::New(env, r.size());
          for (size_t i = 0; i < r.size(); ++i) {
            if (!r[i]) {
              arr.Set(static_cast<uint32_t>(i), env.Null());
              continue;
            }
            Napi::Object o = Napi::Object::New(env);
            Napi::Array pairs = Napi::Array::New(env, r[i]->wchans.size());
            for (size_t j = 0; j < r[i]->wchans.size(); ++j) {
              Napi::Array p = Napi::Array::New(env, 2);
              p.Set(0u, str(env, r[i]->wchans[j].first));
              p.Set(1u, num(env, r[i]->wchans[j].second));
              pairs.Set(static_cast<uint32_t>(j), p);
            }
            o.Set("wchans", pairs);
            if (r[i]->ctx) {
              Napi::Array c = Napi::Array::New(env, 2);
              c.Set(0u, num(env, r[i]->ctx->first));
              c.Set(1u, num(env, r[i]->ctx->second));
              o.Set("ctx", c);
            } else {
              o.Set("ctx", env.Null());
            }
            // threads: [tid, name, utime s, stime s, minflt, majflt, read bytes, write bytes, vol, invol][]
            const double hz = static_cast<double>(pc::clock_ticks());
            Napi::Array threads = Napi::Array::New(env, r[i]->threads.size());
            for (size_t j = 0; j < r[i]->threads.size(); ++j) {
              const auto& t = r[i]->threads[j];
              Napi::Array row = Napi::Array::New(env, 10);
              row.Set(0u, num(env, t.tid));
              row.Set(1u, str(env, t.name));
              row.Set(2u, num(env, static_cast<double>(t.utime) / hz));
              row.Set(3u, num(env, static_cast<double>(t.stime) / hz));
              row.Set(4u, num(env, t.minflt));
              row.Set(5u, num(env, t.majflt));
              row.Set(6u, num(env, t.read_bytes));
              row.Set(7u, num(env, t.write_bytes));
              row.Set(8u, num(env, t.vol));
              row.Set(9u, num(env, t.invol));
              threads.Set(static_cast<uint32_t>(j), row);
            }
            o.Set("threads", threads);
            arr.Set(static_cast<uint32_t>(i), o);
          }
          return arr;
        });
  });
}

Napi::Value process_clock_ticks(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return num(info.Env(), static_cast<double>(pc::clock_ticks())); });
}

Napi::Value process_boot_time(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return num(info.Env(), pc::boot_time(roots_arg(info, 0))); });
}

}  // namespace

void RegisterProcess(Napi::Env env, Napi::Object exports) {
  struct Fn {
    const char* name;
    Napi::Value (*fn)(const Napi::CallbackInfo&);
  };
  const Fn fns[] = {
      {"processStat", process_stat},
      {"processName", process_name},
      {"processStatus", process_status},
      {"processStatm", process_statm},
      {"processIo", process_io},
      {"processCmdline", process_cmdline},
      {"processExe", process_exe},
      {"processCwd", process_cwd},
      {"processEnviron", process_environ},
      {"processNumFds", process_num_fds},
      {"processMemoryFull", process_memory_full},
      {"processMemoryMaps", process_memory_maps},
      {"processOpenFiles", process_open_files},
      {"processThreads", process_threads},
      {"processTerminal", process_terminal},
      {"processConnections", process_connections},
      {"processPids", process_pids},
      {"processPidExists", process_pid_exists},
      {"processPpidMap", process_ppid_map},
      {"processUsername", process_username},
      {"processMemTotal", process_mem_total},
      {"processSamePidNamespace", process_same_pid_namespace},
      {"processSetNice", process_set_nice},
      {"processIonice", process_ionice},
      {"processSetIonice", process_set_ionice},
      {"processCpuAffinity", process_cpu_affinity},
      {"processSetCpuAffinity", process_set_cpu_affinity},
      {"processRlimit", process_rlimit},
      {"processSetRlimit", process_set_rlimit},
      {"processSignal", process_signal},
      {"processWaitCheck", process_wait_check},
      {"processScan", process_scan},
      {"processScanSync", process_scan_sync},
      {"processesSummary", processes_summary},
      {"processThreadTotals", process_thread_totals},
      {"processClockTicks", process_clock_ticks},
      {"processBootTime", process_boot_time},
  };
  for (const auto& f : fns) exports.Set(f.name, Napi::Function::New(env, f.fn, f.name));
}

}  // namespace hpn
