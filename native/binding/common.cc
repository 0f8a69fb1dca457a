#include "common.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace hpn {

Napi::Error make_error(Napi::Env env, const std::string& kind, const std::string& message) {
  Napi::Error err = Napi::Error::New(env, message);
  err.Set("kind", Napi::String::New(env, kind));
  return err;
}

Napi::Error make_error(Napi::Env env, const hp::Error& e) {
  Napi::Error err = make_error(env, hp::error_kind_name(e.kind()), e.what());
  if (e.err() != 0) {
    const char* name = strerrorname_np(e.err());
    err.Set("code", Napi::String::New(env, name ? name : "EUNKNOWN"));
    err.Set("errno", Napi::Number::New(env, e.err()));
  }
  if (!e.path().empty()) err.Set("path", Napi::String::New(env, e.path()));
  if (e.pid() >= 0) err.Set("pid", Napi::Number::New(env, static_cast<double>(e.pid())));
  return err;
}

hp::Roots roots_arg(const Napi::CallbackInfo& info, size_t index) {
  hp::Roots r;
  if (info.Length() <= index || !info[index].IsObject()) return r;
  if (auto v = string_opt(info[index], "procfs")) r.procfs = *v;
  if (auto v = string_opt(info[index], "sysfs")) r.sysfs = *v;
  if (auto v = string_opt(info[index], "rootfs")) r.rootfs = *v;
  return r;
}

bool bool_opt(const Napi::Value& obj, const char* key, bool def) {
  if (!obj.IsObject()) return def;
  Napi::Value v = obj.As<Napi::Object>().Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : def;
}

std::optional<std::string> string_opt(const Napi::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  Napi::Value v = obj.As<Napi::Object>().Get(key);
  if (!v.IsString()) return std::nullopt;
  return v.As<Napi::String>().Utf8Value();
}

std::optional<double> number_opt(const Napi::Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  Napi::Value v = obj.As<Napi::Object>().Get(key);
  if (!v.IsNumber()) return std::nullopt;
  return v.As<Napi::Number>().DoubleValue();
}

std::string string_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsString())
    throw hp::Error(hp::ErrorKind::InvalidArgument, std::string("argument '") + name + "' must be a string");
  return info[index].As<Napi::String>().Utf8Value();
}

int64_t int_arg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsNumber())
    throw hp::Error(hp::ErrorKind::InvalidArgument, std::string("argument '") + name + "' must be a number");
  return info[index].As<Napi::Number>().Int64Value();
}

namespace {
// The roots object of the last call on this thread, weakly referenced, and its decoding.
// The TypeScript layer passes either the frozen module-level roots or a fresh object per
// call and never mutates one, so "same object" means "same roots": decoding three
// strings through N-API on every call would cost more than a small read.
struct RootsCache {
  napi_env env = nullptr;
  napi_ref ref = nullptr;
  hp::Roots roots;
};
thread_local RootsCache roots_cache;
thread_local std::vector<napi_env> hooked_envs;  // envs whose teardown clears the cache

void on_env_cleanup(void* arg) {
  auto env = static_cast<napi_env>(arg);
  if (roots_cache.env == env) {
    roots_cache.env = nullptr;  // the reference dies with its env
    roots_cache.ref = nullptr;
  }
  std::erase(hooked_envs, env);
}
}  // namespace

const hp::Roots& cached_roots(const Napi::CallbackInfo& info, size_t index) {
  napi_env env = info.Env();
  RootsCache& c = roots_cache;
  if (info.Length() <= index || !info[index].IsObject()) {
    static const hp::Roots defaults;  // null/undefined: /proc, /sys, /
    return defaults;
  }
  napi_value v = info[index];
  if (c.ref && c.env == env) {
    napi_value last = nullptr;
    bool same = false;
    if (napi_get_reference_value(env, c.ref, &last) == napi_ok && last &&
        napi_strict_equals(env, v, last, &same) == napi_ok && same)
      return c.roots;
  }
  hp::Roots decoded = roots_arg(info, index);
  if (c.ref && c.env == env) napi_delete_reference(env, c.ref);
  c.ref = nullptr;
  if (std::find(hooked_envs.begin(), hooked_envs.end(), env) == hooked_envs.end() &&
      napi_add_env_cleanup_hook(env, on_env_cleanup, env) == napi_ok)
    hooked_envs.push_back(env);
  c.env = env;
  if (napi_create_reference(env, v, 0, &c.ref) != napi_ok) c.ref = nullptr;  // weak: never keeps it alive
  c.roots = std::move(decoded);
  return c.roots;
}

double* out_array(const Napi::CallbackInfo& info, size_t index, size_t n, Napi::Value& result) {
  // Raw N-API: one napi_get_typedarray_info instead of the several calls the wrappers make.
  napi_env env = info.Env();
  if (info.Length() > index) {
    napi_value v = info[index];
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    // napi_invalid_arg (no exception) when `v` is not a typed array
    if (napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr) == napi_ok &&
        type == napi_float64_array && length >= n) {
      result = Napi::Value(env, v);
      return static_cast<double*>(data);
    }
  }
  Napi::Float64Array a = Napi::Float64Array::New(env, n);
  result = a;
  return a.Data();
}

}  // namespace hpn
