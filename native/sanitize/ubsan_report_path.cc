// Built only with HOSTPROBE_SANITIZE (into the GoogleTest binary and the addon).
//
// With g++, ASan and UBSan are two runtimes (libasan, libubsan), and when both are loaded
// libubsan ignores UBSAN_OPTIONS=log_path: its reports go to stderr only, which vitest
// loses when a worker aborts. This points libubsan's report file at
// $HOSTPROBE_UBSAN_LOG_PATH (".<pid>" appended, as with ASan's log_path) so that
// scripts/test-sanitize.sh can show and count every finding.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace {

__attribute__((constructor)) void hostprobe_ubsan_report_path() {
  const char* path = std::getenv("HOSTPROBE_UBSAN_LOG_PATH");
  if (path == nullptr || *path == '\0') return;
  void* ubsan = dlopen("libubsan.so.1", RTLD_NOW | RTLD_NOLOAD);
  // dlsym on libubsan's handle finds libubsan's own definition, not libasan's copy.
  void* sym = ubsan != nullptr ? dlsym(ubsan, "__sanitizer_set_report_path") : nullptr;
  if (sym == nullptr) {
    std::fprintf(stderr, "hostprobe: HOSTPROBE_UBSAN_LOG_PATH=%s is set but libubsan.so.1 is not loaded\n", path);
    std::abort();
  }
  reinterpret_cast<void (*)(const char*)>(sym)(path);
}

}  // namespace
