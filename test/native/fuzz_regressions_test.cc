// The fuzz targets of native/fuzz/targets/ in the normal suite: every target runs, with its
// contract checks, on its seeds from the fixture trees (native/fuzz/seeds.txt) and on every
// input a fuzz run ever found failing (test/fixtures/fuzz-regressions/<target>/, kept by
// scripts/fuzz.mjs). A contract violation traps, which fails this binary loudly.
#include <glob.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../../native/fuzz/fuzz.h"
#include "fs.h"
#include "support.h"

namespace {

namespace fs = std::filesystem;
using hp::test_support::kFixtures;

const std::string kFuzzDir = HOSTPROBE_FUZZ_DIR;
const std::string kRegressions = kFixtures + "/fuzz-regressions";

std::map<std::string, std::vector<std::string>> seed_patterns() {
  std::map<std::string, std::vector<std::string>> out;
  std::ifstream in(kFuzzDir + "/seeds.txt");
  EXPECT_TRUE(in) << kFuzzDir << "/seeds.txt";
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << "seeds.txt: " << line;
    if (colon == std::string::npos) continue;
    std::istringstream rest(line.substr(colon + 1));
    std::string pat;
    auto& pats = out[line.substr(0, colon)];
    while (rest >> pat) pats.push_back(pat);
  }
  return out;
}

std::vector<std::string> glob_files(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; ++i)
      if (fs::is_regular_file(g.gl_pathv[i])) out.emplace_back(g.gl_pathv[i]);
  globfree(&g);
  return out;
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(FuzzTargets, EveryTargetHasSeedsAndHoldsItsContractOnThem) {
  auto patterns = seed_patterns();
  const auto& targets = hp::fuzz::registry();
  ASSERT_GE(targets.size(), 30u);
  for (const auto& [name, fn] : targets) {
    auto it = patterns.find(name);
    ASSERT_NE(it, patterns.end()) << name << " has no line in native/fuzz/seeds.txt";
    size_t seeds = 0;
    for (const auto& pat : it->second) {
      auto files = glob_files(kFixtures + "/" + pat);
      EXPECT_FALSE(files.empty()) << name << ": seed pattern " << pat << " matches nothing";
      for (const auto& f : files) {
        SCOPED_TRACE(name + " <- " + f);
        fn(bytes_of(f));
        ++seeds;
      }
    }
    EXPECT_GT(seeds, 0u) << name;
  }
  for (const auto& [name, pats] : patterns)
    EXPECT_TRUE(targets.count(name)) << "seeds.txt names " << name << ", which no target defines";
}

TEST(FuzzTargets, EveryKeptRegressionInputHoldsTheContract) {
  const auto& targets = hp::fuzz::registry();
  ASSERT_TRUE(fs::is_directory(kRegressions)) << kRegressions;
  size_t n = 0;
  for (const auto& dir : fs::directory_iterator(kRegressions)) {
    const std::string name = dir.path().filename();
    // ts-<property>/: the TypeScript properties' inputs (test/fuzz/property.ts replays them).
    if (!dir.is_directory() || name.rfind("ts-", 0) == 0) continue;
    auto it = targets.find(name);
    ASSERT_NE(it, targets.end()) << kRegressions << "/" << name << " names no fuzz target";
    for (const auto& f : fs::directory_iterator(dir.path())) {
      SCOPED_TRACE(f.path().string());
      it->second(bytes_of(f.path()));
      ++n;
    }
  }
  EXPECT_GT(n, 0u) << "an empty " << kRegressions;
}

}  // namespace
