// N-API glue for the hardware area: sysfs device classes, read on the libuv pool (a hwmon
// driver may talk to its chip over a slow bus while a file is read).
#include "hardware.h"
#include "common.h"
#include "registry.h"

namespace hpn {

namespace {

// Attributes flattened 3 values per file: name, content (null when unreadable), errno (0 when read).
Napi::Value attrs_array(Napi::Env env, const std::vector<hp::SysAttr>& attrs) {
  Napi::Array arr = Napi::Array::New(env, attrs.size() * 3);
  uint32_t i = 0;
  for (const auto& a : attrs) {
    arr.Set(i++, str(env, a.name));
    arr.Set(i++, opt_str(env, a.value));
    arr.Set(i++, num(env, a.err));
  }
  return arr;
}

Napi::Value class_array(Napi::Env env, const std::vector<hp::SysClassEntry>& rows) {
  Napi::Array arr = Napi::Array::New(env, rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& e = rows[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("name", str(env, e.name));
    o.Set("realPath", str(env, e.real_path));
    o.Set("deviceRealPath", opt_str(env, e.device_real_path));
    o.Set("attrs", attrs_array(env, e.attrs));
    o.Set("deviceAttrs", attrs_array(env, e.device_attrs));
    arr.Set(static_cast<uint32_t>(i), o);
  }
  return arr;
}

// hwSysClass(roots, classRel, withDevice) -> [{name, realPath, deviceRealPath, attrs, deviceAttrs}]
Napi::Value hw_sys_class(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    const std::string rel = string_arg(info, 1, "classRel");
    const bool dev = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
    return class_array(info.Env(), hp::read_sys_class(cached_roots(info, 0), rel, dev));
  });
}

// hwSysClassAsync(roots, classRel, withDevice) -> Promise of the same
Napi::Value hw_sys_class_async(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = cached_roots(info, 0);
    std::string rel = string_arg(info, 1, "classRel");
    const bool dev = info.Length() > 2 && info[2].IsBoolean() && info[2].As<Napi::Boolean>().Value();
    return RunAsync<std::vector<hp::SysClassEntry>>(
        info, [roots, rel, dev] { return hp::read_sys_class(roots, rel, dev); },
        [](Napi::Env env, std::vector<hp::SysClassEntry>& rows) { return class_array(env, rows); });
  });
}

// hwSysDirAsync(roots, dirRel) -> Promise of the attrs rows of one directory
Napi::Value hw_sys_dir_async(const Napi::CallbackInfo& info) {
  return Guard(info, [&]() -> Napi::Value {
    hp::Roots roots = cached_roots(info, 0);
    std::string rel = string_arg(info, 1, "dirRel");
    return RunAsync<std::vector<hp::SysAttr>>(
        info, [roots, rel] { return hp::read_sys_dir(roots, rel); },
        [](Napi::Env env, std::vector<hp::SysAttr>& attrs) { return attrs_array(env, attrs); });
  });
}

}  // namespace

void RegisterHardware(Napi::Env env, Napi::Object exports) {
  exports.Set("hwSysClass", Napi::Function::New(env, hw_sys_class, "hwSysClass"));
  exports.Set("hwSysClassAsync", Napi::Function::New(env, hw_sys_class_async, "hwSysClassAsync"));
  exports.Set("hwSysDirAsync", Napi::Function::New(env, hw_sys_dir_async, "hwSysDirAsync"));
}

}  // namespace hpn
