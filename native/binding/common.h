// Shared glue for the Node-API binding: argument decoding, hp::Error -> JS error
// conversion, and a Promise worker that runs a core call on the libuv thread pool.
// No C++ exception crosses into JS: every entry point goes through Guard().
#pragma once
#include <napi.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "error.h"
#include "roots.h"

namespace hpn {

// A JS Error carrying the core error's kind ("NoSuchProcess", ...), errno code
// ("ENOENT"), path and pid, for the TypeScript layer to map onto typed errors.
Napi::Error make_error(Napi::Env env, const hp::Error& e);
Napi::Error make_error(Napi::Env env, const std::string& kind, const std::string& message);

// Decodes {procfs, sysfs, rootfs} (each optional) from info[index].
hp::Roots roots_arg(const Napi::CallbackInfo& info, size_t index);

// Decodes roots like roots_arg, but remembers the last roots object seen on this thread
// (weakly referenced): passing the same object again costs one strict-equality check.
const hp::Roots& cached_roots(const Napi::CallbackInfo& info, size_t index);
// The data of a Float64Array result of at least `n` doubles: the caller's scratch array at
// `index` when it is one and big enough, else a new one; `result` is set to the array.
double* out_array(const Napi::CallbackInfo& info, size_t index, size_t n, Napi::Value& result);

// Option helpers: `obj[key]` when present and of the right type.
bool bool_opt(const Napi::Value& obj, const char* key, bool def);
std::optional<std::string> string_opt(const Napi::Value& obj, const char* key);
std::optional<double> number_opt(const Napi::Value& obj, const char* key);
std::string string_arg(const Napi::CallbackInfo& info, size_t index, const char* name);
int64_t int_arg(const Napi::CallbackInfo& info, size_t index, const char* name);

inline Napi::Value num(Napi::Env env, double v) { return Napi::Number::New(env, v); }
inline Napi::Value num(Napi::Env env, uint64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }
inline Napi::Value num(Napi::Env env, int64_t v) { return Napi::Number::New(env, static_cast<double>(v)); }
inline Napi::Value num(Napi::Env env, int v) { return Napi::Number::New(env, v); }
inline Napi::Value num(Napi::Env env, unsigned v) { return Napi::Number::New(env, v); }
inline Napi::Value str(Napi::Env env, const std::string& v) { return Napi::String::New(env, v); }
template <typename T>
Napi::Value opt_num(Napi::Env env, const std::optional<T>& v) {
  return v ? num(env, *v) : env.Null();
}
inline Napi::Value opt_str(Napi::Env env, const std::optional<std::string>& v) {
  return v ? Napi::String::New(env, *v) : env.Null();
}

// Runs `body` and converts any C++ exception into a thrown JS error.
template <typename F>
Napi::Value Guard(const Napi::CallbackInfo& info, F&& body) {
  Napi::Env env = info.Env();
  try {
    return body();
  } catch (const Napi::Error& e) {
    e.ThrowAsJavaScriptException();
  } catch (const hp::Error& e) {
    make_error(env, e).ThrowAsJavaScriptException();
  } catch (const std::exception& e) {
    make_error(env, "IoError", e.what()).ThrowAsJavaScriptException();
  } catch (...) {
    make_error(env, "IoError", "unknown native error").ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

// Runs `compute` off the JS thread and settles a Promise with `convert(result)`,
// or rejects it with the typed error `compute` threw.
template <typename T>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Compute = std::function<T()>;
  using Convert = std::function<Napi::Value(Napi::Env, T&)>;

  static Napi::Promise Run(Napi::Env env, Compute compute, Convert convert) {
    auto* w = new PromiseWorker(env, std::move(compute), std::move(convert));
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
  }

 protected:
  void Execute() override {
    try {
      result_.emplace(compute_());
    } catch (const hp::Error& e) {
      error_.emplace(e);
    } catch (const std::exception& e) {
      error_.emplace(hp::ErrorKind::Io, e.what());
    } catch (...) {
      error_.emplace(hp::ErrorKind::Io, "unknown native error");
    }
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (error_) {
      deferred_.Reject(make_error(env, *error_).Value());
      return;
    }
    try {
      deferred_.Resolve(convert_(env, *result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    } catch (const std::exception& e) {
      deferred_.Reject(make_error(env, "IoError", e.what()).Value());
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  PromiseWorker(Napi::Env env, Compute compute, Convert convert)
      : Napi::AsyncWorker(env, "hostprobe"),
        deferred_(Napi::Promise::Deferred::New(env)),
        compute_(std::move(compute)),
        convert_(std::move(convert)) {}

  Napi::Promise::Deferred deferred_;
  Compute compute_;
  Convert convert_;
  std::optional<T> result_;
  std::optional<hp::Error> error_;
};

// Same as Guard for functions returning a Promise: argument errors reject synchronously
// as thrown JS errors (the TS layer turns them into rejections).
template <typename T, typename Compute, typename Convert>
Napi::Value RunAsync(const Napi::CallbackInfo& info, Compute compute, Convert convert) {
  return Guard(
      info, [&]() -> Napi::Value { return PromiseWorker<T>::Run(info.Env(), std::move(compute), std::move(convert)); });
}

}  // namespace hpn
