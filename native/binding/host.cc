// N-API glue for the host area. Synchronous, except hostUsersAsync: utmp is a file on
// the root file system (not procfs), so it is also offered on the libuv pool.
#include "host.h"
#include "common.h"
#include "registry.h"

namespace hpn {

namespace {

Napi::Value users_array(Napi::Env env, const std::vector<hp::UserEntry>& rows) {
  Napi::Array arr = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& u = rows[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", str(env, u.name));
    o.Set("terminal", opt_str(env, u.terminal));
    o.Set("host", str(env, u.host));
    o.Set("started", num(env, u.started));
    o.Set("pid", num(env, u.pid));
    arr.Set(static_cast<uint32_t>(i), o);
  }
  return arr;
}

// hostUsers(roots) -> [{name, terminal, host, started, pid}]
Napi::Value host_users(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return users_array(info.Env(), hp::read_users(cached_roots(info, 0))); });
}

// hostUsersAsync(roots) -> Promise of the same
Napi::Value host_users_async(const Napi::CallbackInfo& info) {
  hp::Roots roots = cached_roots(info, 0);
  return RunAsync<std::vector<hp::UserEntry>>(
      info, [roots] { return hp::read_users(roots); },
      [](Napi::Env env, std::vector<hp::UserEntry>& rows) { return users_array(env, rows); });
}

// The six uname fields joined by NUL (which none of them can contain): one string for
// N-API to create instead of six plus an object; the TypeScript side splits it.
Napi::Value uname_joined(Napi::Env env, const hp::Uname& u) {
  std::string s;
  s.reserve(u.sysname.size() + u.nodename.size() + u.release.size() + u.version.size() + u.machine.size() +
            u.domainname.size() + 5);
  for (const std::string* f : {&u.sysname, &u.nodename, &u.release, &u.version, &u.machine, &u.domainname}) {
    if (!s.empty() || f != &u.sysname) s.push_back('\0');
    s.append(*f);
  }
  return str(env, s);
}

// hostUname() -> "sysname\0nodename\0release\0version\0machine\0domainname"
Napi::Value host_uname(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    std::string_view j = hp::read_uname_joined();
    return Napi::String::New(info.Env(), j.data(), j.size());
  });
}

// hostOsRelease(roots) -> {id, idLike, name, ..., path}
Napi::Value host_os_release(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::OsRelease r = hp::read_os_release(cached_roots(info, 0));
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", opt_str(env, r.id));
    o.Set("idLike", opt_str(env, r.id_like));
    o.Set("name", opt_str(env, r.name));
    o.Set("prettyName", opt_str(env, r.pretty_name));
    o.Set("version", opt_str(env, r.version));
    o.Set("versionId", opt_str(env, r.version_id));
    o.Set("versionCodename", opt_str(env, r.version_codename));
    o.Set("buildId", opt_str(env, r.build_id));
    o.Set("variant", opt_str(env, r.variant));
    o.Set("variantId", opt_str(env, r.variant_id));
    o.Set("imageId", opt_str(env, r.image_id));
    o.Set("imageVersion", opt_str(env, r.image_version));
    o.Set("path", str(env, r.path));
    return o;
  });
}

// hostInfo(roots) -> [unameJoined, bootTime, uptime]
Napi::Value host_info(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::HostInfo h = hp::read_host_info(cached_roots(info, 0));
    Napi::Array a = Napi::Array::New(env, 3);
    a.Set(0u, uname_joined(env, h.uname));
    a.Set(1u, num(env, h.boot_time));
    a.Set(2u, num(env, h.uptime));
    return a;
  });
}

// hostFileNr(roots) -> {allocated, unused, maximum}
Napi::Value host_file_nr(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    hp::FileNr f = hp::read_file_nr(cached_roots(info, 0));
    Napi::Object o = Napi::Object::New(env);
    o.Set("allocated", num(env, f.allocated));
    o.Set("unused", num(env, f.unused));
    o.Set("maximum", num(env, f.maximum));
    return o;
  });
}

// hostEntropyAvail(roots) -> bits
Napi::Value host_entropy_avail(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value { return num(info.Env(), hp::read_entropy_avail(cached_roots(info, 0))); });
}

// hostEntropyPoolSize(roots) -> bits | null
Napi::Value host_entropy_pool_size(const Napi::CallbackInfo& info) {
  return Guard(info,
               [&]() -> Napi::Value { return opt_num(info.Env(), hp::read_entropy_pool_size(cached_roots(info, 0))); });
}

// hostClockSource(roots) -> {available: string[], current} | null
Napi::Value host_clock_source(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto c = hp::read_clock_source(cached_roots(info, 0));
    if (!c) return env.Null();
    Napi::Object o = Napi::Object::New(env);
    Napi::Array a = Napi::Array::New(env, c->available.size());
    for (size_t i = 0; i < c->available.size(); ++i) a.Set(static_cast<uint32_t>(i), str(env, c->available[i]));
    o.Set("available", a);
    o.Set("current", str(env, c->current));
    return o;
  });
}

Napi::Value psi_line(Napi::Env env, const std::optional<hp::PsiLine>& l) {
  if (!l) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("avg10", num(env, l->avg10));
  o.Set("avg60", num(env, l->avg60));
  o.Set("avg300", num(env, l->avg300));
  // us / 1000 / 1000 as node_exporter computes it (one division by 1e6 can differ in the last bit).
  o.Set("total", num(env, static_cast<double>(l->total_us) / 1000.0 / 1000.0));
  return o;
}

Napi::Value psi_resource(Napi::Env env, const std::optional<hp::PsiResource>& r) {
  if (!r) return env.Null();
  Napi::Object o = Napi::Object::New(env);
  o.Set("some", psi_line(env, r->some));
  o.Set("full", psi_line(env, r->full));
  return o;
}

// hostPressure(roots) -> {cpu, io, memory, irq} | null; totals in seconds
Napi::Value host_pressure(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    Napi::Env env = info.Env();
    auto p = hp::read_pressure(cached_roots(info, 0));
    if (!p) return env.Null();
    Napi::Object o = Napi::Object::New(env);
    o.Set("cpu", psi_resource(env, p->cpu));
    o.Set("io", psi_resource(env, p->io));
    o.Set("memory", psi_resource(env, p->memory));
    o.Set("irq", psi_resource(env, p->irq));
    return o;
  });
}

}  // namespace

void RegisterHost(Napi::Env env, Napi::Object exports) {
  exports.Set("hostUsers", Napi::Function::New(env, host_users, "hostUsers"));
  exports.Set("hostUsersAsync", Napi::Function::New(env, host_users_async, "hostUsersAsync"));
  exports.Set("hostUname", Napi::Function::New(env, host_uname, "hostUname"));
  exports.Set("hostOsRelease", Napi::Function::New(env, host_os_release, "hostOsRelease"));
  exports.Set("hostInfo", Napi::Function::New(env, host_info, "hostInfo"));
  exports.Set("hostFileNr", Napi::Function::New(env, host_file_nr, "hostFileNr"));
  exports.Set("hostEntropyAvail", Napi::Function::New(env, host_entropy_avail, "hostEntropyAvail"));
  exports.Set("hostEntropyPoolSize", Napi::Function::New(env, host_entropy_pool_size, "hostEntropyPoolSize"));
  exports.Set("hostClockSource", Napi::Function::New(env, host_clock_source, "hostClockSource"));
  exports.Set("hostPressure", Napi::Function::New(env, host_pressure, "hostPressure"));
}

}  // namespace hpn
