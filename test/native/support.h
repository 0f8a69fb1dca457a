// Shared GoogleTest support for the core's suites: fixture roots and typed-error checks.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "error.h"
#include "roots.h"

namespace hp::test_support {

inline const std::string kFixtures = HOSTPROBE_FIXTURES;

// Roots of the fixture tree test/fixtures/<name>/{proc,sys,rootfs}.
inline Roots fixture(const std::string& name) {
  Roots r;
  r.procfs = kFixtures + "/" + name + "/proc";
  r.sysfs = kFixtures + "/" + name + "/sys";
  r.rootfs = kFixtures + "/" + name + "/rootfs";
  return r;
}

// Expects `fn` to throw hp::Error of `kind` whose message names `needle`.
template <typename F>
void expect_error(F&& fn, ErrorKind kind, const std::string& needle) {
  try {
    fn();
    ADD_FAILURE() << "no exception";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace hp::test_support
