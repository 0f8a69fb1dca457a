// Small pure helpers for parsing kernel text formats over std::string_view.
#pragma once
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace hp {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits on runs of whitespace; no empty fields.
std::vector<std::string_view> fields(std::string_view s);
// Splits on one character; keeps empty fields.
std::vector<std::string_view> split(std::string_view s, char sep);

// Iterates the lines of a text, without their '\n'.
class Lines {
 public:
  explicit Lines(std::string_view text) : rest_(text) {}
  bool next(std::string_view& line) {
    if (rest_.empty()) return false;
    size_t nl = rest_.find('\n');
    if (nl == std::string_view::npos) {
      line = rest_;
      rest_ = {};
    } else {
      line = rest_.substr(0, nl);
      rest_.remove_prefix(nl + 1);
    }
    return true;
  }

 private:
  std::string_view rest_;
};

template <typename T>
std::optional<T> to_int(std::string_view s, int base = 10) {
  T v{};
  s = trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

inline std::optional<uint64_t> to_u64(std::string_view s, int base = 10) { return to_int<uint64_t>(s, base); }
inline std::optional<int64_t> to_i64(std::string_view s, int base = 10) { return to_int<int64_t>(s, base); }
std::optional<double> to_double(std::string_view s);

// Parses "Key:   123 kB" style lines (meminfo, status). Returns the key and the first
// numeric token; `has_kb` tells whether a "kB" unit followed.
struct KeyValue {
  std::string_view key;
  std::string_view value;  // the rest of the line after ':' trimmed
};
std::optional<KeyValue> split_key_value(std::string_view line, char sep = ':');

bool starts_with(std::string_view s, std::string_view prefix);

// True when a file's text has nothing but whitespace: every file the core parses has at
// least one record on a real kernel (a header, a root mount, a counter), so an empty one is
// a parse error ("empty file"), not zero records.
inline bool is_blank(std::string_view text) { return trim(text).empty(); }

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
// Names that become Prometheus label values (interfaces, devices, mount points) must be.
bool valid_utf8(std::string_view s);

// Names seen in one parse, to refuse a duplicated key or line (a second MemTotal, a second
// cpu0 line: duplicate series). The views point into the parsed text.
class SeenNames {
 public:
  // False when `name` was seen before.
  bool add(std::string_view name) { return seen_.insert(name).second; }

 private:
  std::unordered_set<std::string_view> seen_;
};

// Decodes the octal escapes (\040 \011 \012 \134) used in /proc mounts and mountinfo.
std::string unescape_octal(std::string_view s);

// Throws a Parse error naming `path` when `text` holds a NUL byte. The kernel's text files
// (everything but cmdline, environ and binary records) never do; a NUL would reach a name or
// a label and cut it short wherever it is used as a C string (found by fuzzing).
void reject_nul(std::string_view text, const std::string& path);

}  // namespace hp
