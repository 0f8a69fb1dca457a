#include "common.h"

#include <cstring>

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

}  // namespace hpn
