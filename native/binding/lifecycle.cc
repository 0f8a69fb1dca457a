// N-API glue for the agent's process lifecycle. exitImmediately(code) ends the process
// with _exit(2): no atexit handlers, no static destructors. process.exit() runs libuv's
// shutdown, which joins the thread pool's threads, so it never returns while a pool
// thread is stuck in a read that does not return (a hung FUSE or NFS mount, a textfile
// on one); the agent's SIGTERM path must exit within its bound whatever is stuck. The
// caller flushes its own output first.
#include <unistd.h>

#include "common.h"
#include "registry.h"

namespace hpn {

namespace {

// exitImmediately(code: integer 0..255) -> never returns
Napi::Value exit_immediately(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "exitImmediately(code): code must be a number").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const int32_t code = info[0].As<Napi::Number>().Int32Value();
  if (code < 0 || code > 255) {
    Napi::RangeError::New(env, "exitImmediately(code): code must be 0..255").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  _exit(code);
}

}  // namespace

void RegisterLifecycle(Napi::Env env, Napi::Object exports) {
  exports.Set("exitImmediately", Napi::Function::New(env, exit_immediately, "exitImmediately"));
}

}  // namespace hpn
