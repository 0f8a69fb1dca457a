// /proc/<pid>/{stat,status,statm,io,smaps,smaps_rollup,cmdline,environ,fdinfo/<fd>,limits}
// and /etc/passwd.
#include "../fuzz.h"
#include "process_parse.h"

using namespace hp;
using namespace hp::proc;

HP_FUZZ_TARGET(proc_pid_stat) {
  ProcStat st;
  if (!fuzz::returns([&] { st = parse_stat(input); })) return;
  HP_FUZZ_CHECK(fuzz::no_nul(st.comm));
  HP_FUZZ_CHECK(st.ppid >= 0 && st.num_threads >= 0 && st.rss >= 0);
  HP_FUZZ_CHECK(st.cutime >= 0 && st.cstime >= 0);
  HP_FUZZ_CHECK(st.processor >= -1);
  char state = parse_stat_state(input);
  (void)state;
}

HP_FUZZ_TARGET(proc_pid_status) {
  for (const ProcStatus& s : {parse_status(input), parse_status_numbers(input)}) {
    // -1 means absent; every present number is a count or an id, never negative.
    for (int64_t v : {s.tgid, s.ppid, s.threads, s.voluntary_ctxt_switches, s.nonvoluntary_ctxt_switches, s.vm_swap_kb,
                      s.vm_size_kb, s.vm_rss_kb, s.rss_file_kb, s.rss_shmem_kb, s.vm_exe_kb, s.vm_data_kb, s.vm_stk_kb})
      HP_FUZZ_CHECK(v >= -1);
    for (int64_t v : s.uids) HP_FUZZ_CHECK(v >= -1);
    for (int64_t v : s.gids) HP_FUZZ_CHECK(v >= -1);
    HP_FUZZ_CHECK(fuzz::no_nul(s.name));
  }
}

HP_FUZZ_TARGET(proc_pid_statm) {
  fuzz::returns([&] { parse_statm(input); });
}

HP_FUZZ_TARGET(proc_pid_io) {
  fuzz::returns([&] { parse_io(input); });
}

static bool exists_never(const std::string&, const void*) { return false; }

HP_FUZZ_TARGET(proc_pid_smaps) {
  fuzz::returns([&] { parse_smaps_totals(input); });
  std::vector<ProcMap> maps;
  if (!fuzz::returns([&] { maps = parse_smaps(input, exists_never, nullptr); })) return;
  for (const auto& m : maps) HP_FUZZ_CHECK(!m.addr.empty() && fuzz::no_nul(m.path));
  auto grouped = group_maps(maps);
  HP_FUZZ_CHECK(grouped.size() <= maps.size());
  uint64_t rss = 0, grss = 0;
  for (const auto& m : maps) rss += m.rss;
  for (const auto& m : grouped) grss += m.rss;
  HP_FUZZ_CHECK(rss == grss);  // grouping sums, it neither drops nor invents
}

HP_FUZZ_TARGET(proc_pid_cmdline) {
  // NUL-separated when the data ends with a NUL; otherwise (a process that rewrote its
  // title) split on spaces, NULs kept, exactly as psutil does.
  if (!input.empty() && input.back() == '\0')
    for (const auto& a : parse_cmdline(input)) HP_FUZZ_CHECK(fuzz::no_nul(a));
  else
    (void)parse_cmdline(input);
  for (const auto& [k, v] : parse_environ(input)) {
    HP_FUZZ_CHECK(fuzz::no_nul(k) && fuzz::no_nul(v));
    HP_FUZZ_CHECK(k.find('=') == std::string::npos);
  }
}

HP_FUZZ_TARGET(proc_pid_fdinfo) {
  FdInfo fi;
  if (!fuzz::returns([&] { fi = parse_fdinfo(input); })) return;
  std::string mode = file_flags_to_mode(fi.flags);
  HP_FUZZ_CHECK(!mode.empty());
}

HP_FUZZ_TARGET(proc_pid_limits) {
  std::vector<std::optional<RlimitPair>> limits;
  fuzz::returns([&] { limits = parse_limits(input); });
}

HP_FUZZ_TARGET(passwd) {
  for (const auto& [uid, name] : parse_passwd(input)) {
    HP_FUZZ_CHECK(uid >= 0);
    HP_FUZZ_CHECK(fuzz::name_ok(name) && name.find(':') == std::string::npos && name.find('\n') == std::string::npos);
  }
}
