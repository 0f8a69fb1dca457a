#include "process_parse.h"

#include <fcntl.h>
#include <sys/resource.h>

#include <algorithm>

#include "error.h"
#include "parse.h"

namespace hp::proc {

namespace {

// Next whitespace-separated token of `s` starting at `pos`; empty at the end.
std::string_view next_token(std::string_view s, size_t& pos) {
  while (pos < s.size() && is_space(s[pos])) ++pos;
  size_t start = pos;
  while (pos < s.size() && !is_space(s[pos])) ++pos;
  return s.substr(start, pos - start);
}

// Decimal integer token. The common case (plain digits, an optional '-' for signed
// types) is parsed inline; anything else goes through to_int(), which accepts a '+' and
// rejects garbage, so the result is the same as to_int's, only faster.
template <typename T>
bool num(std::string_view tok, T& out) {
  size_t i = 0;
  bool neg = false;
  if constexpr (std::is_signed_v<T>) {
    if (!tok.empty() && tok[0] == '-') neg = true, i = 1;
  }
  if (i < tok.size() && tok.size() - i <= 18) {  // <= 18 digits cannot overflow a u64
    uint64_t v = 0;
    for (; i < tok.size(); ++i) {
      unsigned d = static_cast<unsigned char>(tok[i]) - '0';
      if (d > 9) break;
      v = v * 10 + d;
    }
    if (i == tok.size()) {
      if constexpr (std::is_signed_v<T>) {
        out = neg ? -static_cast<T>(v) : static_cast<T>(v);
      } else {
        out = static_cast<T>(v);
      }
      return true;
    }
  }
  if constexpr (std::is_signed_v<T>) {
    auto v = to_i64(tok);
    if (!v) return false;
    out = static_cast<T>(*v);
  } else {
    auto v = to_u64(tok);
    if (!v) return false;
    out = static_cast<T>(*v);
  }
  return true;
}

// The first number of a status value ("123 kB", "1\t2\t3\t4" -> 123 / 1).
int64_t first_int(std::string_view v) {
  size_t pos = 0;
  auto t = next_token(v, pos);
  int64_t n = 0;
  // Every number of status is a count, a size or an id: a negative one is as absent (-1)
  // as a malformed one (fuzzing found "Threads: -5" published as is).
  return num(t, n) && n >= 0 ? n : -1;
}

}  // namespace

char parse_stat_state(std::string_view text) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos || close + 2 >= text.size()) return '\0';
  return text[close + 2];
}

ProcStat parse_stat(std::string_view text) {
  reject_nul(text, "");
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    throw_parse_error("", "stat: no '(comm)'");
  ProcStat st;
  st.comm.assign(text.substr(open + 1, close - open - 1));
  std::string_view rest = text.substr(close + 1);
  size_t pos = 0;
  // fields after ')' indexed from 0 (state) as psutil does.
  int idx = 0;
  bool ok = true;
  for (;;) {
    std::string_view tok = next_token(rest, pos);
    if (tok.empty()) break;
    switch (idx) {
      case 0: st.state = tok.size() == 1 ? tok[0] : '?'; break;
      case 1: ok = num(tok, st.ppid); break;
      case 2: ok = num(tok, st.pgrp); break;
      case 3: ok = num(tok, st.session); break;
      case 4: ok = num(tok, st.tty_nr); break;
      case 5: ok = num(tok, st.tpgid); break;
      case 6: ok = num(tok, st.flags); break;
      case 7: ok = num(tok, st.minflt); break;
      case 8: ok = num(tok, st.cminflt); break;
      case 9: ok = num(tok, st.majflt); break;
      case 10: ok = num(tok, st.cmajflt); break;
      case 11: ok = num(tok, st.utime); break;
      case 12: ok = num(tok, st.stime); break;
      case 13: ok = num(tok, st.cutime); break;
      case 14: ok = num(tok, st.cstime); break;
      case 15: ok = num(tok, st.priority); break;
      case 16: ok = num(tok, st.nice); break;
      case 17: ok = num(tok, st.num_threads); break;
      case 19: ok = num(tok, st.starttime); break;
      case 20: ok = num(tok, st.vsize); break;
      case 21: ok = num(tok, st.rss); break;
      case 36: ok = num(tok, st.processor); break;
      case 37: ok = num(tok, st.rt_priority); break;
      case 38: ok = num(tok, st.policy); break;
      case 39: ok = num(tok, st.blkio_ticks); break;
      default: break;
    }
    if (!ok) throw_parse_error("", "stat: bad field " + std::to_string(idx) + " '" + std::string(tok) + "'");
    ++idx;
    if (idx > 39) break;
  }
  if (idx < 22) throw_parse_error("", "stat: truncated (" + std::to_string(idx) + " fields after comm)");
  // Counters, sizes and a parent pid: never negative in a kernel's stat (fuzzing found
  // negative children times published as negative seconds).
  if (st.ppid < 0 || st.cutime < 0 || st.cstime < 0 || st.num_threads < 0 || st.rss < 0 || st.processor < -1)
    throw_parse_error("", "stat: a negative count, time or pid");
  return st;
}

ProcStatus parse_status(std::string_view text) {
  ProcStatus s;
  Lines lines(text);
  std::string_view line;
  auto ids = [](std::string_view v, std::array<int64_t, 3>& out) {
    size_t pos = 0;
    for (auto& o : out) {
      auto n = to_i64(next_token(v, pos));
      o = n && *n >= 0 ? *n : -1;
    }
  };
  while (lines.next(line)) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    std::string_view val = line.substr(colon + 1);
    switch (key.empty() ? '\0' : key[0]) {
      case 'N':
        // comm is a C string: a NUL (only in a corrupt file; fuzzing) ends it.
        if (key == "Name")
          s.name.assign(trim(val.substr(0, val.find('\0'))));
        else if (key == "NSpid" || key == "NStgid") {
        }
        break;
      case 'S':
        if (key == "State") {
          auto v = trim(val);
          if (!v.empty()) s.state = v[0];
        }
        break;
      case 'T':
        if (key == "Tgid")
          s.tgid = first_int(val);
        else if (key == "Threads")
          s.threads = first_int(val);
        break;
      case 'P':
        if (key == "PPid") s.ppid = first_int(val);
        break;
      case 'U':
        if (key == "Uid") ids(val, s.uids);
        break;
      case 'G':
        if (key == "Gid") ids(val, s.gids);
        break;
      case 'V':
        if (key == "VmSwap") s.vm_swap_kb = first_int(val);
        break;
      case 'C':
        if (key == "Cpus_allowed_list") s.cpus_allowed_list.assign(trim(val));
        break;
      case 'v':
        if (key == "voluntary_ctxt_switches") s.voluntary_ctxt_switches = first_int(val);
        break;
      case 'n':
        if (key == "nonvoluntary_ctxt_switches") s.nonvoluntary_ctxt_switches = first_int(val);
        break;
      default: break;
    }
  }
  return s;
}

ProcStatus parse_status_numbers(std::string_view text) {
  ProcStatus s;
  // The kernel prints the keys in a fixed order, so each search starts where the previous
  // key was found (and falls back to the whole text if the order ever changes).
  size_t from = 0;
  auto value = [&](std::string_view key) -> std::string_view {
    for (size_t start : {from, size_t{0}}) {
      size_t pos = start;
      for (;;) {
        pos = text.find(key, pos);
        if (pos == std::string_view::npos) break;
        if (pos > 0 && text[pos - 1] == '\n') {
          size_t b = pos + key.size();
          size_t e = text.find('\n', b);
          if (e == std::string_view::npos) e = text.size();
          from = e;
          return text.substr(b, e - b);
        }
        pos += key.size();
      }
      if (start == 0) break;
    }
    return {};
  };
  auto ids = [](std::string_view v, std::array<int64_t, 3>& out) {
    size_t pos = 0;
    for (auto& o : out) {
      int64_t n = 0;
      o = num(next_token(v, pos), n) && n >= 0 ? n : -1;
    }
  };
  if (auto v = value("Uid:"); !v.empty()) ids(v, s.uids);
  if (auto v = value("Gid:"); !v.empty()) ids(v, s.gids);
  if (auto v = value("VmSize:"); !v.empty()) s.vm_size_kb = first_int(v);
  if (auto v = value("VmRSS:"); !v.empty()) s.vm_rss_kb = first_int(v);
  if (auto v = value("RssFile:"); !v.empty()) s.rss_file_kb = first_int(v);
  if (auto v = value("RssShmem:"); !v.empty()) s.rss_shmem_kb = first_int(v);
  if (auto v = value("VmData:"); !v.empty()) s.vm_data_kb = first_int(v);
  if (auto v = value("VmStk:"); !v.empty()) s.vm_stk_kb = first_int(v);
  if (auto v = value("VmExe:"); !v.empty()) s.vm_exe_kb = first_int(v);
  if (auto v = value("VmSwap:"); !v.empty()) s.vm_swap_kb = first_int(v);
  if (auto v = value("Threads:"); !v.empty()) s.threads = first_int(v);
  if (auto v = value("voluntary_ctxt_switches:"); !v.empty()) s.voluntary_ctxt_switches = first_int(v);
  if (auto v = value("nonvoluntary_ctxt_switches:"); !v.empty()) s.nonvoluntary_ctxt_switches = first_int(v);
  return s;
}

ProcStatm parse_statm(std::string_view text) {
  ProcStatm m;
  uint64_t* out[] = {&m.size, &m.resident, &m.shared, &m.text, &m.lib, &m.data, &m.dirty};
  size_t pos = 0;
  for (size_t i = 0; i < 7; ++i) {
    std::string_view tok = next_token(text, pos);
    if (tok.empty()) throw_parse_error("", "statm: truncated (" + std::to_string(i) + " fields)");
    if (!num(tok, *out[i])) throw_parse_error("", "statm: bad field '" + std::string(tok) + "'");
  }
  return m;
}

ProcIo parse_io(std::string_view text) {
  ProcIo io;
  unsigned seen = 0;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    line = trim(line);
    if (line.empty()) continue;
    // psutil splits on b': ' and skips lines that do not split into two.
    size_t sep = line.find(": ");
    if (sep == std::string_view::npos || line.find(": ", sep + 2) != std::string_view::npos) continue;
    std::string_view key = line.substr(0, sep);
    uint64_t v = 0;
    if (!num(trim(line.substr(sep + 2)), v)) continue;
    if (key == "rchar")
      io.rchar = v, seen |= 1;
    else if (key == "wchar")
      io.wchar = v, seen |= 2;
    else if (key == "syscr")
      io.syscr = v, seen |= 4;
    else if (key == "syscw")
      io.syscw = v, seen |= 8;
    else if (key == "read_bytes")
      io.read_bytes = v, seen |= 16;
    else if (key == "write_bytes")
      io.write_bytes = v, seen |= 32;
    else if (key == "cancelled_write_bytes")
      io.cancelled_write_bytes = v;
  }
  if (seen == 0) throw_parse_error("", "io: file was empty");
  if (seen != 63) throw_parse_error("", "io: missing field(s)");
  return io;
}

ProcMemFull parse_smaps_totals(std::string_view text) {
  reject_nul(text, "");
  ProcMemFull m;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.empty()) continue;
    char c = line[0];
    if (c != 'P' && c != 'S') continue;
    uint64_t* dst = nullptr;
    size_t skip = 0;
    if (starts_with(line, "Private_")) {
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      dst = &m.uss;
      skip = colon + 1;
    } else if (starts_with(line, "Pss:")) {
      dst = &m.pss, skip = 4;
    } else if (starts_with(line, "Swap:")) {
      dst = &m.swap, skip = 5;
    } else if (starts_with(line, "SwapPss:")) {
      dst = &m.swap_pss, skip = 8;
    } else {
      continue;
    }
    size_t pos = skip;
    auto v = to_u64(next_token(line, pos));
    if (v) *dst += *v * 1024;
  }
  return m;
}

std::vector<ProcMap> parse_smaps(std::string_view text, PathExistsFn path_exists, const void* ctx) {
  reject_nul(text, "");
  std::vector<ProcMap> out;
  Lines lines(text);
  std::string_view line;
  ProcMap* cur = nullptr;
  while (lines.next(line)) {
    if (line.empty()) continue;
    size_t pos = 0;
    std::string_view first = next_token(line, pos);
    if (first.empty()) continue;
    if (first.back() != ':') {
      // A mapping header: addr perms offset dev inode [path]
      ProcMap m;
      m.addr.assign(first);
      m.perms.assign(next_token(line, pos));
      next_token(line, pos);  // offset
      next_token(line, pos);  // dev
      next_token(line, pos);  // inode
      std::string_view path = trim(pos < line.size() ? line.substr(pos) : std::string_view{});
      if (path.empty()) {
        m.path = "[anon]";
      } else {
        m.path.assign(path);
        constexpr std::string_view kDeleted = " (deleted)";
        if (m.path.size() > kDeleted.size() &&
            std::string_view(m.path).substr(m.path.size() - kDeleted.size()) == kDeleted && path_exists &&
            !path_exists(m.path, ctx)) {
          m.path.resize(m.path.size() - kDeleted.size());
        }
      }
      out.push_back(std::move(m));
      cur = &out.back();
      continue;
    }
    if (!cur) throw_parse_error("", "smaps: field line before any mapping");
    std::string_view key = first.substr(0, first.size() - 1);
    auto v = to_u64(next_token(line, pos));
    if (!v) {
      if (key == "VmFlags" || key == "THPeligible" || key == "ProtectionKey") continue;  // gh#369
      throw_parse_error("", "smaps: don't know how to interpret line '" + std::string(line) + "'");
    }
    uint64_t bytes = *v * 1024;
    if (key == "Rss")
      cur->rss = bytes;
    else if (key == "Size")
      cur->size = bytes;
    else if (key == "Pss")
      cur->pss = bytes;
    else if (key == "Shared_Clean")
      cur->shared_clean = bytes;
    else if (key == "Shared_Dirty")
      cur->shared_dirty = bytes;
    else if (key == "Private_Clean")
      cur->private_clean = bytes;
    else if (key == "Private_Dirty")
      cur->private_dirty = bytes;
    else if (key == "Referenced")
      cur->referenced = bytes;
    else if (key == "Anonymous")
      cur->anonymous = bytes;
    else if (key == "Swap")
      cur->swap = bytes;
  }
  return out;
}

std::vector<ProcMap> group_maps(const std::vector<ProcMap>& maps) {
  std::vector<ProcMap> out;
  for (const auto& m : maps) {
    auto it = std::find_if(out.begin(), out.end(), [&](const ProcMap& g) { return g.path == m.path; });
    if (it == out.end()) {
      ProcMap g = m;
      g.addr.clear();
      g.perms.clear();
      out.push_back(std::move(g));
      continue;
    }
    it->rss += m.rss;
    it->size += m.size;
    it->pss += m.pss;
    it->shared_clean += m.shared_clean;
    it->shared_dirty += m.shared_dirty;
    it->private_clean += m.private_clean;
    it->private_dirty += m.private_dirty;
    it->referenced += m.referenced;
    it->anonymous += m.anonymous;
    it->swap += m.swap;
  }
  return out;
}

std::vector<std::string> parse_cmdline(std::string_view data) {
  std::vector<std::string> out;
  if (data.empty()) return out;
  char sep = data.back() == '\0' ? '\0' : ' ';
  if (data.back() == sep) data.remove_suffix(1);
  for (auto part : split(data, sep)) out.emplace_back(part);
  if (sep == '\0' && out.size() == 1 && data.find(' ') != std::string_view::npos) {
    out.clear();
    for (auto part : split(data, ' ')) out.emplace_back(part);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_environ(std::string_view data) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  for (;;) {
    size_t next = data.find('\0', pos);
    if (next == std::string_view::npos || next <= pos) break;
    size_t eq = data.substr(pos, next - pos).find('=');
    if (eq != std::string_view::npos && eq > 0) {
      std::string key(data.substr(pos, eq));
      std::string value(data.substr(pos + eq + 1, next - pos - eq - 1));
      // A later duplicate wins, as with a Python dict.
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; });
      if (it != out.end())
        it->second = std::move(value);
      else
        out.emplace_back(std::move(key), std::move(value));
    }
    pos = next + 1;
  }
  return out;
}

FdInfo parse_fdinfo(std::string_view text) {
  FdInfo fi;
  bool have_pos = false, have_flags = false;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    auto kv = split_key_value(line);
    if (!kv) continue;
    if (kv->key == "pos") {
      auto v = to_u64(kv->value);
      if (v) fi.pos = *v, have_pos = true;
    } else if (kv->key == "flags") {
      auto v = to_u64(kv->value, 8);
      if (v) fi.flags = *v, have_flags = true;
    }
  }
  if (!have_pos || !have_flags) throw_parse_error("", "fdinfo: missing pos or flags");
  return fi;
}

std::string file_flags_to_mode(uint64_t flags) {
  std::string mode;
  switch (flags & (O_RDONLY | O_WRONLY | O_RDWR)) {
    case O_RDONLY: mode = "r"; break;
    case O_WRONLY: mode = "w"; break;
    default: mode = "w+"; break;
  }
  if (flags & O_APPEND) mode[0] = mode[0] == 'w' ? 'a' : mode[0];
  if (mode == "w+") mode = "r+";
  return mode;
}

std::vector<std::optional<RlimitPair>> parse_limits(std::string_view text) {
  static constexpr std::pair<std::string_view, int> kNames[] = {
      {"Max cpu time", RLIMIT_CPU},
      {"Max file size", RLIMIT_FSIZE},
      {"Max data size", RLIMIT_DATA},
      {"Max stack size", RLIMIT_STACK},
      {"Max core file size", RLIMIT_CORE},
      {"Max resident set", RLIMIT_RSS},
      {"Max processes", RLIMIT_NPROC},
      {"Max open files", RLIMIT_NOFILE},
      {"Max locked memory", RLIMIT_MEMLOCK},
      {"Max address space", RLIMIT_AS},
      {"Max file locks", RLIMIT_LOCKS},
      {"Max pending signals", RLIMIT_SIGPENDING},
      {"Max msgqueue size", RLIMIT_MSGQUEUE},
      {"Max nice priority", RLIMIT_NICE},
      {"Max realtime priority", RLIMIT_RTPRIO},
      {"Max realtime timeout", RLIMIT_RTTIME},
  };
  std::vector<std::optional<RlimitPair>> out(RLIM_NLIMITS);
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    for (const auto& [name, res] : kNames) {
      if (!starts_with(line, name)) continue;
      std::string_view rest = line.substr(name.size());
      if (!rest.empty() && !is_space(rest[0])) continue;  // a longer name sharing the prefix
      size_t pos = 0;
      std::string_view soft = next_token(rest, pos), hard = next_token(rest, pos);
      auto val = [](std::string_view t) -> std::optional<uint64_t> {
        if (t == "unlimited") return static_cast<uint64_t>(RLIM_INFINITY);
        return to_u64(t);
      };
      auto s = val(soft), h = val(hard);
      if (!s || !h) throw_parse_error("", "limits: bad line '" + std::string(line) + "'");
      out[static_cast<size_t>(res)] = RlimitPair{*s, *h};
      break;
    }
  }
  return out;
}

std::vector<int> parse_cpu_list(std::string_view text) {
  // CPU ids are below the kernel's NR_CPUS (8192 at most today); 2^16 bounds both an id and
  // the size of the list, so a corrupt range ("0-18888888888", found by fuzzing) is a parse
  // error instead of billions of entries.
  constexpr int64_t kMaxCpus = int64_t{1} << 16;
  std::vector<int> out;
  text = trim(text);
  if (text.empty()) return out;
  auto bad = [&] { throw_parse_error("", "bad cpu list '" + std::string(text.substr(0, 256)) + "'"); };
  for (auto part : split(text, ',')) {
    part = trim(part);
    if (part.empty()) continue;
    size_t dash = part.find('-');
    if (dash == std::string_view::npos) {
      auto v = to_i64(part);
      if (!v || *v < 0 || *v >= kMaxCpus) bad();
      out.push_back(static_cast<int>(*v));
    } else {
      auto a = to_i64(part.substr(0, dash)), b = to_i64(part.substr(dash + 1));
      if (!a || !b || *a < 0 || *b < *a || *b >= kMaxCpus) bad();
      if (out.size() + static_cast<size_t>(*b - *a) >= static_cast<size_t>(kMaxCpus)) bad();
      for (int64_t c = *a; c <= *b; ++c) out.push_back(static_cast<int>(c));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::pair<int64_t, std::string>> parse_passwd(std::string_view text) {
  std::vector<std::pair<int64_t, std::string>> out;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.empty() || line[0] == '#') continue;
    auto parts = split(line, ':');
    if (parts.size() < 3) continue;
    auto uid = to_i64(parts[2]);
    // A uid of -1 or a name with a NUL is not an account (fuzzing): skipped like a malformed line.
    if (!uid || *uid < 0 || parts[0].empty() || parts[0].find('\0') != std::string_view::npos) continue;
    out.emplace_back(*uid, std::string(parts[0]));
  }
  return out;
}

const char* status_name(char state) {
  switch (state) {
    case 'R': return "running";
    case 'S': return "sleeping";
    case 'D': return "disk-sleep";
    case 'T': return "stopped";
    case 't': return "tracing-stop";
    case 'Z': return "zombie";
    case 'X':
    case 'x': return "dead";
    case 'K': return "wake-kill";
    case 'W': return "waking";
    case 'I': return "idle";
    case 'P': return "parked";
    default: return "?";
  }
}

}  // namespace hp::proc
