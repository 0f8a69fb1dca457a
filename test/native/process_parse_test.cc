// The pure parsers of process_parse.h, fed directly (no I/O).
#include "process_parse.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include "error.h"
#include "fs.h"

namespace hp::proc {
namespace {

std::string stat_line(const std::string& pid_comm, int fields_after = 50) {
  // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice threads itreal starttime vsize rss ... processor(36) ... blkio(39)
  const char* vals[] = {"S",   "7",   "8",  "9",  "34817", "-1", "4194560", "11", "12",     "13",      "14",
                        "150", "160", "17", "18", "20",    "-5", "3",       "0",  "123456", "4096000", "250"};
  std::string s = pid_comm + " ";
  for (int i = 0; i < fields_after; ++i) {
    if (i) s += " ";
    if (i < 22)
      s += vals[i];
    else if (i == 36)
      s += "1";
    else if (i == 39)
      s += "42";
    else
      s += "0";
  }
  return s + "\n";
}

TEST(ProcessParse, StatTakesTheCommandNameUpToTheLastParen) {
  ProcStat st = parse_stat(stat_line("4242 (a b) (c)"));
  EXPECT_EQ(st.comm, "a b) (c");
  EXPECT_EQ(st.state, 'S');
  EXPECT_EQ(st.ppid, 7);
  EXPECT_EQ(st.tty_nr, 34817);
  EXPECT_EQ(st.flags, 4194560u);
  EXPECT_EQ(st.minflt, 11u);
  EXPECT_EQ(st.majflt, 13u);
  EXPECT_EQ(st.utime, 150u);
  EXPECT_EQ(st.stime, 160u);
  EXPECT_EQ(st.nice, -5);
  EXPECT_EQ(st.num_threads, 3);
  EXPECT_EQ(st.starttime, 123456u);
  EXPECT_EQ(st.vsize, 4096000u);
  EXPECT_EQ(st.rss, 250);
  EXPECT_EQ(st.processor, 1);
  EXPECT_EQ(st.blkio_ticks, 42u);
  EXPECT_EQ(parse_stat_state(stat_line("1 (x) (y z)")), 'S');
}

TEST(ProcessParse, StatNameMayHoldNewlinesAndBeEmpty) {
  EXPECT_EQ(parse_stat(stat_line("5 (two\nlines)")).comm, "two\nlines");
  EXPECT_EQ(parse_stat(stat_line("5 ()")).comm, "");
}

TEST(ProcessParse, StatWithoutTrailingFieldsDefaultsThemLikePsutil) {
  ProcStat st = parse_stat(stat_line("9 (old)", 22));  // up to rss only
  EXPECT_EQ(st.rss, 250);
  EXPECT_EQ(st.processor, -1);
  EXPECT_EQ(st.blkio_ticks, 0u);  // gh#2455
}

TEST(ProcessParse, MalformedStatIsAParseError) {
  EXPECT_THROW(parse_stat("12 no parens S 1 2 3"), Error);
  EXPECT_THROW(parse_stat(stat_line("12 (short)", 10)), Error);
  EXPECT_THROW(parse_stat("12 (x) S one 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22"), Error);
  try {
    parse_stat("");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Parse);
  }
  EXPECT_EQ(parse_stat_state("garbage"), '\0');
  EXPECT_EQ(parse_stat_state("1 (x)"), '\0');
}

TEST(ProcessParse, StatusIdsThreadsSwitchesAndSwap) {
  ProcStatus s = parse_status(
      "Name:\tbash\nState:\tS (sleeping)\nTgid:\t77\nPPid:\t1\nUid:\t1000\t1001\t1002\t1003\n"
      "Gid:\t100\t101\t102\t103\nVmSwap:\t     128 kB\nThreads:\t4\nCpus_allowed_list:\t0-3,6\n"
      "voluntary_ctxt_switches:\t150\nnonvoluntary_ctxt_switches:\t9\n");
  EXPECT_EQ(s.name, "bash");
  EXPECT_EQ(s.state, 'S');
  EXPECT_EQ(s.tgid, 77);
  EXPECT_EQ(s.ppid, 1);
  EXPECT_EQ(s.uids, (std::array<int64_t, 3>{1000, 1001, 1002}));
  EXPECT_EQ(s.gids, (std::array<int64_t, 3>{100, 101, 102}));
  EXPECT_EQ(s.vm_swap_kb, 128);
  EXPECT_EQ(s.threads, 4);
  EXPECT_EQ(s.cpus_allowed_list, "0-3,6");
  EXPECT_EQ(s.voluntary_ctxt_switches, 150);
  EXPECT_EQ(s.nonvoluntary_ctxt_switches, 9);
  // A kernel thread has no VmSwap; a garbled Uid line gives -1, not a crash.
  ProcStatus k = parse_status("Name:\tkthreadd\nUid:\tx\n");
  EXPECT_EQ(k.vm_swap_kb, -1);
  EXPECT_EQ(k.uids[0], -1);
}

TEST(ProcessParse, StatusNumbersMatchTheFullParser) {
  std::string text =
      "Name:\tvoluntary_ctxt_switches:\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t77\nPPid:\t1\n"
      "Uid:\t1000\t1001\t1002\t1003\nGid:\t100\t101\t102\t103\nVmSwap:\t     128 kB\nThreads:\t4\n"
      "voluntary_ctxt_switches:\t150\nnonvoluntary_ctxt_switches:\t9\n";
  ProcStatus full = parse_status(text), fast = parse_status_numbers(text);
  EXPECT_EQ(fast.uids, full.uids);
  EXPECT_EQ(fast.gids, full.gids);
  EXPECT_EQ(fast.threads, 4);
  EXPECT_EQ(fast.vm_swap_kb, 128);
  EXPECT_EQ(fast.voluntary_ctxt_switches, 150);  // not fooled by the Name value
  EXPECT_EQ(fast.nonvoluntary_ctxt_switches, 9);
  EXPECT_FALSE(fast.has_statm());  // no VmSize...: the scan reads statm
  ProcStatus mem = parse_status_numbers(
      "Name:\tx\nVmSize:\t  1000 kB\nVmRSS:\t   300 kB\nRssAnon:\t 100 kB\nRssFile:\t 150 kB\n"
      "RssShmem:\t  50 kB\nVmData:\t 400 kB\nVmStk:\t 132 kB\nVmExe:\t  20 kB\nVmLib:\t 9 kB\n");
  EXPECT_TRUE(mem.has_statm());
  EXPECT_EQ(mem.vm_size_kb, 1000);
  EXPECT_EQ(mem.vm_rss_kb, 300);
  EXPECT_EQ(mem.rss_file_kb + mem.rss_shmem_kb, 200);
  EXPECT_EQ(mem.vm_data_kb + mem.vm_stk_kb, 532);
  EXPECT_EQ(mem.vm_exe_kb, 20);
  ProcStatus kthread = parse_status_numbers("Name:\tkthreadd\nUid:\t0\t0\t0\t0\n");
  EXPECT_EQ(kthread.vm_swap_kb, -1);
  EXPECT_EQ(kthread.gids[0], -1);
}

TEST(ProcessParse, StatmInPagesAndTruncation) {
  ProcStatm m = parse_statm("42743 3045 2021 233 0 4321 0\n");
  EXPECT_EQ(m.size, 42743u);
  EXPECT_EQ(m.resident, 3045u);
  EXPECT_EQ(m.shared, 2021u);
  EXPECT_EQ(m.text, 233u);
  EXPECT_EQ(m.data, 4321u);
  EXPECT_THROW(parse_statm("100 50\n"), Error);
  EXPECT_THROW(parse_statm("100 x 1 1 1 1 1\n"), Error);
}

TEST(ProcessParse, IoSkipsMalformedLinesAndRejectsAnEmptyFile) {
  ProcIo io = parse_io(
      "rchar: 10\n\ngarbage line\nwchar: 20\nsyscr: 30\nsyscw: 40\nread_bytes: 50\n"
      "write_bytes: 60\nbogus: 1: 2\ncancelled_write_bytes: 5\n");
  EXPECT_EQ(io.rchar, 10u);
  EXPECT_EQ(io.wchar, 20u);
  EXPECT_EQ(io.syscr, 30u);
  EXPECT_EQ(io.syscw, 40u);
  EXPECT_EQ(io.read_bytes, 50u);
  EXPECT_EQ(io.write_bytes, 60u);
  EXPECT_EQ(io.cancelled_write_bytes, 5u);
  EXPECT_THROW(parse_io(""), Error);
  EXPECT_THROW(parse_io("rchar: 1\nwchar: 2\n"), Error);  // missing fields
}

TEST(ProcessParse, SmapsTotalsSumPrivateLinesAndKeepPssAndSwap) {
  ProcMemFull m = parse_smaps_totals(
      "55d0-7ffd ---p 00000000 00:00 0   [rollup]\nRss:  12180 kB\nPss:  5120 kB\nPss_Anon:  3000 kB\n"
      "Private_Clean:  1000 kB\nPrivate_Dirty:  3000 kB\nPrivate_Hugetlb:  24 kB\nSwap:  12 kB\nSwapPss:  6 kB\n");
  EXPECT_EQ(m.uss, (1000u + 3000u + 24u) * 1024u);
  EXPECT_EQ(m.pss, 5120u * 1024u);  // Pss_Anon is not Pss
  EXPECT_EQ(m.swap, 12u * 1024u);   // SwapPss is not Swap
  EXPECT_EQ(m.swap_pss, 6u * 1024u);
  ProcMemFull empty = parse_smaps_totals("");
  EXPECT_EQ(empty.uss + empty.pss + empty.swap, 0u);
}

TEST(ProcessParse, SmapsRowsAnonDeletedAndVmFlags) {
  std::string text =
      "1000-2000 r--p 00000000 fd:01 12   /usr/bin/x\nSize: 4 kB\nRss: 4 kB\nPss: 2 kB\nVmFlags: rd mr\n"
      "2000-3000 r-xp 00001000 fd:01 12   /usr/bin/x\nSize: 8 kB\nRss: 8 kB\nPrivate_Dirty: 1 kB\n"
      "3000-4000 rw-p 00000000 00:00 0 \nSize: 4 kB\nAnonymous: 4 kB\nSwap: 4 kB\n"
      "4000-5000 rw-s 00000000 00:05 99   /gone (deleted)\nSize: 4 kB\nTHPeligible:    0\n";
  auto never = [](const std::string&, const void*) { return false; };
  auto maps = parse_smaps(text, never, nullptr);
  ASSERT_EQ(maps.size(), 4u);
  EXPECT_EQ(maps[0].addr, "1000-2000");
  EXPECT_EQ(maps[0].perms, "r--p");
  EXPECT_EQ(maps[0].path, "/usr/bin/x");
  EXPECT_EQ(maps[0].pss, 2048u);
  EXPECT_EQ(maps[2].path, "[anon]");
  EXPECT_EQ(maps[2].anonymous, 4096u);
  EXPECT_EQ(maps[2].swap, 4096u);
  EXPECT_EQ(maps[3].path, "/gone");  // " (deleted)" stripped: the path does not exist
  auto always = [](const std::string&, const void*) { return true; };
  EXPECT_EQ(parse_smaps(text, always, nullptr)[3].path, "/gone (deleted)");

  auto grouped = group_maps(maps);
  ASSERT_EQ(grouped.size(), 3u);
  EXPECT_EQ(grouped[0].path, "/usr/bin/x");
  EXPECT_EQ(grouped[0].size, 12u * 1024u);
  EXPECT_EQ(grouped[0].rss, 12u * 1024u);
  EXPECT_EQ(grouped[0].private_dirty, 1024u);
  EXPECT_TRUE(grouped[0].addr.empty());

  EXPECT_THROW(parse_smaps("Size: 4 kB\n"), Error);                       // a field before any header
  EXPECT_THROW(parse_smaps("1-2 r--p 0 0:0 0 /x\nWeird: abc\n"), Error);  // psutil: ValueError
}

TEST(ProcessParse, CmdlineRulesOfPsutil) {
  using V = std::vector<std::string>;
  EXPECT_EQ(parse_cmdline(std::string("/bin/sleep\0"
                                      "300\0",
                                      15)),
            (V{"/bin/sleep", "300"}));
  EXPECT_EQ(parse_cmdline(""), V{});
  // setproctitle: no trailing NUL -> space-separated
  EXPECT_EQ(parse_cmdline("nginx: worker process"), (V{"nginx:", "worker", "process"}));
  // one NUL-terminated argument with spaces -> split on spaces (empty fields kept, like Python)
  EXPECT_EQ(parse_cmdline(std::string("chrome --a  --b\0", 16)), (V{"chrome", "--a", "", "--b"}));
  // an empty argv[0]
  EXPECT_EQ(parse_cmdline(std::string("\0", 1)), V{""});
  // an argument that is empty in the middle
  EXPECT_EQ(parse_cmdline(std::string("a\0\0b\0", 5)), (V{"a", "", "b"}));
}

TEST(ProcessParse, EnvironBlockRules) {
  std::string data("HOME=/\0TERM=linux\0NOEQUALS\0=leading\0A=b=c\0DUP=1\0DUP=2\0TRAILING=dropped", 67);
  auto env = parse_environ(data);
  std::vector<std::pair<std::string, std::string>> want = {
      {"HOME", "/"}, {"TERM", "linux"}, {"A", "b=c"}, {"DUP", "2"}};
  EXPECT_EQ(env, want);
  // A double NUL ends the block.
  auto stop = parse_environ(std::string("A=1\0\0B=2\0", 9));
  ASSERT_EQ(stop.size(), 1u);
  EXPECT_TRUE(parse_environ("").empty());
}

TEST(ProcessParse, FdinfoAndPsutilModes) {
  FdInfo fi = parse_fdinfo("pos:\t42\nflags:\t0100002\nmnt_id:\t25\n");
  EXPECT_EQ(fi.pos, 42u);
  EXPECT_EQ(fi.flags, 0100002u);
  EXPECT_THROW(parse_fdinfo("pos:\t1\n"), Error);
  EXPECT_EQ(file_flags_to_mode(O_RDONLY), "r");
  EXPECT_EQ(file_flags_to_mode(O_WRONLY), "w");
  EXPECT_EQ(file_flags_to_mode(O_RDWR), "r+");
  EXPECT_EQ(file_flags_to_mode(O_WRONLY | O_APPEND), "a");
  EXPECT_EQ(file_flags_to_mode(O_RDWR | O_APPEND), "a+");
  EXPECT_EQ(file_flags_to_mode(0100002), "r+");  // O_RDWR | O_LARGEFILE
}

TEST(ProcessParse, LimitsTableWithUnlimited) {
  auto l = parse_limits(
      "Limit                     Soft Limit           Hard Limit           Units     \n"
      "Max cpu time              unlimited            unlimited            seconds   \n"
      "Max open files            1024                 524288               files     \n"
      "Max nice priority         0                    0                    \n");
  ASSERT_TRUE(l[RLIMIT_NOFILE].has_value());
  EXPECT_EQ(l[RLIMIT_NOFILE]->soft, 1024u);
  EXPECT_EQ(l[RLIMIT_NOFILE]->hard, 524288u);
  EXPECT_EQ(l[RLIMIT_CPU]->soft, static_cast<uint64_t>(RLIM_INFINITY));
  EXPECT_EQ(l[RLIMIT_NICE]->hard, 0u);
  EXPECT_FALSE(l[RLIMIT_AS].has_value());
  EXPECT_THROW(parse_limits("Max open files            lots                 5       files\n"), Error);
}

TEST(ProcessParse, CpuListsAndPasswd) {
  EXPECT_EQ(parse_cpu_list("0-3,6,8-9\n"), (std::vector<int>{0, 1, 2, 3, 6, 8, 9}));
  EXPECT_EQ(parse_cpu_list("1"), (std::vector<int>{1}));
  EXPECT_TRUE(parse_cpu_list("").empty());
  EXPECT_THROW(parse_cpu_list("3-1"), Error);
  auto pw = parse_passwd("root:x:0:0:root:/root:/bin/bash\n# c\nalice:x:1000:1000::/h:/bin/sh\nbroken\n:x:5:5\n");
  ASSERT_EQ(pw.size(), 2u);
  EXPECT_EQ(pw[1], (std::pair<int64_t, std::string>{1000, "alice"}));
}

// Every prefix of every fixture file (a file truncated anywhere) either parses or throws
// hp::Error: no crash, no other exception (run under ASan with HOSTPROBE_SANITIZE=1).
TEST(ProcessParse, TruncatedAtEveryByteParsesOrThrowsATypedError) {
  const std::string base = HOSTPROBE_FIXTURES "/proc-basic/proc/1/";
  struct Case {
    const char* file;
    void (*parse)(std::string_view);
  };
  const Case cases[] = {
      {"stat",
       [](std::string_view t) {
         (void)parse_stat(t);
         (void)parse_stat_state(t);
       }},
      {"status",
       [](std::string_view t) {
         (void)parse_status(t);
         (void)parse_status_numbers(t);
       }},
      {"statm", [](std::string_view t) { (void)parse_statm(t); }},
      {"io", [](std::string_view t) { (void)parse_io(t); }},
      {"smaps",
       [](std::string_view t) {
         (void)group_maps(parse_smaps(t));
         (void)parse_smaps_totals(t);
       }},
      {"smaps_rollup", [](std::string_view t) { (void)parse_smaps_totals(t); }},
      {"limits", [](std::string_view t) { (void)parse_limits(t); }},
      {"cmdline", [](std::string_view t) { (void)parse_cmdline(t); }},
      {"environ", [](std::string_view t) { (void)parse_environ(t); }},
      {"fdinfo/5", [](std::string_view t) { (void)parse_fdinfo(t); }},
  };
  for (const auto& c : cases) {
    std::string text = read_file(base + c.file);
    ASSERT_FALSE(text.empty()) << c.file;
    for (size_t n = 0; n <= text.size(); ++n) {
      try {
        c.parse(std::string_view(text).substr(0, n));
      } catch (const Error&) {
        // a typed parse error is fine
      }
    }
  }
}

TEST(ProcessParse, StatusNamesOfPsutil) {
  EXPECT_STREQ(status_name('R'), "running");
  EXPECT_STREQ(status_name('S'), "sleeping");
  EXPECT_STREQ(status_name('D'), "disk-sleep");
  EXPECT_STREQ(status_name('Z'), "zombie");
  EXPECT_STREQ(status_name('t'), "tracing-stop");
  EXPECT_STREQ(status_name('x'), "dead");
  EXPECT_STREQ(status_name('I'), "idle");
  EXPECT_STREQ(status_name('P'), "parked");
  EXPECT_STREQ(status_name('Q'), "?");
}

}  // namespace
}  // namespace hp::proc
