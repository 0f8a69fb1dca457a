// The harness shared by the fuzz targets of the C++ core (native/fuzz/targets/*.cc).
//
// A target is written once with HP_FUZZ_TARGET(name) { ... input ... }; it registers itself
// by name and is run two ways:
//  - by libFuzzer (the HOSTPROBE_FUZZ CMake build: clang, ASan, UBSan): one binary per
//    target, fuzz_<name>, whose LLVMFuzzerTestOneInput (entry.cc) calls that target;
//  - by the GoogleTest suite (test/native/fuzz_regressions_test.cc), which feeds every target
//    its seeds from the fixture trees (native/fuzz/seeds.txt) and every kept regression
//    input (test/fixtures/fuzz-regressions/<name>/).
//
// A target checks the parser's contract, not only that it does not crash: the parser
// returns a result or throws an hp::Error of the expected kind (never both, never another
// exception type), and every value it returns is inside its type's domain. A violation
// prints what was violated and traps (__builtin_trap), which libFuzzer records as a crash
// with its input, and which fails the GoogleTest run.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <string>
#include <string_view>

#include "error.h"

namespace hp::fuzz {

[[noreturn]] inline void violated(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz contract violated: %s (%s:%d)\n", what, file, line);
  std::fflush(stderr);
  __builtin_trap();
}

#define HP_FUZZ_CHECK(cond)                                       \
  do {                                                            \
    if (!(cond)) ::hp::fuzz::violated(#cond, __FILE__, __LINE__); \
  } while (0)

// Runs fn. True when it returned, false when it threw an hp::Error of `kind` whose message
// is non-empty and (when `path` is given) names the path it was given. Any other exception,
// or an hp::Error of another kind, is a contract violation.
template <typename F>
bool returns(F&& fn, ErrorKind kind = ErrorKind::Parse, const std::string* path = nullptr) {
  try {
    fn();
    return true;
  } catch (const Error& e) {
    if (e.kind() != kind) violated("hp::Error of an unexpected kind", __FILE__, __LINE__);
    if (std::strlen(e.what()) == 0) violated("hp::Error without a message", __FILE__, __LINE__);
    if (path && std::string_view(e.what()).find(*path) == std::string_view::npos)
      violated("hp::Error whose message does not name the path", __FILE__, __LINE__);
    return false;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz: untyped exception: %s\n", e.what());
    violated("an exception that is not hp::Error", __FILE__, __LINE__);
  } catch (...) {
    violated("a non-std exception", __FILE__, __LINE__);
  }
}

// Domain helpers.
inline bool finite_nonneg(double v) { return std::isfinite(v) && v >= 0; }
inline bool percent(double v) { return std::isfinite(v) && v >= 0 && v <= 100; }
inline bool no_nul(std::string_view s) { return s.find('\0') == std::string_view::npos; }
inline bool name_ok(std::string_view s) { return !s.empty() && no_nul(s); }
inline bool no_space(std::string_view s) {
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return false;
  return true;
}

using TargetFn = void (*)(std::string_view input);
inline std::map<std::string, TargetFn>& registry() {
  static std::map<std::string, TargetFn> r;
  return r;
}
struct Registrar {
  Registrar(const char* name, TargetFn fn) { registry()[name] = fn; }
};

}  // namespace hp::fuzz

// Defines a target: a function over the input, registered under `name` (entry.cc picks the
// one a libFuzzer binary runs; the GoogleTest suite runs them all).
#define HP_FUZZ_TARGET(name)                                                         \
  static void hp_fuzz_body_##name(std::string_view input);                           \
  static ::hp::fuzz::Registrar hp_fuzz_registrar_##name(#name, hp_fuzz_body_##name); \
  static void hp_fuzz_body_##name(std::string_view input)
