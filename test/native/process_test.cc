// The per-process readers and the batch scan: over the crafted tree in
// test/fixtures/proc-basic (hostile names, a zombie, a kernel thread, truncated and
// malformed files), then against real processes forked here (a zombie, an exited child
// for wait_check, a pid-identity mismatch for send_signal, and an unprivileged reader).
#include "process.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "error.h"
#include "process_scan.h"

namespace hp::proc {
namespace {

Roots fixture() {
  Roots r;
  r.procfs = HOSTPROBE_FIXTURES "/proc-basic/proc";
  r.rootfs = HOSTPROBE_FIXTURES "/proc-basic/root";
  r.sysfs = HOSTPROBE_FIXTURES "/proc-basic/sys";
  return r;
}

template <typename F>
ErrorKind kind_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::Io;  // "did not throw" is never what a caller of kind_of expects
}

#define EXPECT_KIND(expr, k) EXPECT_EQ(kind_of([&] { (void)(expr); }), ErrorKind::k) << #expr

TEST(ProcessFixture, CompleteProcess) {
  Roots r = fixture();
  ProcDir d(r, 1);
  ProcStat st = read_stat(d);
  EXPECT_EQ(st.comm, "systemd");
  EXPECT_EQ(st.ppid, 0);
  EXPECT_EQ(read_name(d, st), "systemd");
  EXPECT_EQ(read_cmdline(d), (std::vector<std::string>{"/sbin/init", "splash"}));
  EXPECT_EQ(read_exe(d), "/usr/lib/systemd/systemd");
  EXPECT_EQ(read_cwd(d), "/hostprobe-fixture-cwd");
  ProcStatus s = read_status(d);
  EXPECT_EQ(s.threads, 2);
  EXPECT_EQ(s.voluntary_ctxt_switches, 1234);
  ProcStatm m = read_statm(d);
  EXPECT_EQ(m.resident, 3045u);
  ProcIo io = read_io(d);
  EXPECT_EQ(io.read_bytes, 4096u);
  auto env = read_environ(d);
  ASSERT_EQ(env.size(), 4u);
  EXPECT_EQ(env[2], (std::pair<std::string, std::string>{"PATH", "/usr/bin:/bin"}));
  EXPECT_EQ(read_num_fds(d), 4);

  auto files = read_open_files(d);
  ASSERT_EQ(files.size(), 2u);  // /dev/null is not a regular file in the root, socket: is not a path
  EXPECT_EQ(files[0].path, "/var/log/app.log");
  EXPECT_EQ(files[0].fd, 3);
  EXPECT_EQ(files[0].position, 42u);
  EXPECT_EQ(files[0].mode, "r+");
  EXPECT_EQ(files[1].path, "/var/log/append.log");
  EXPECT_EQ(files[1].mode, "a");

  auto threads = read_threads(d);
  ASSERT_EQ(threads.size(), 2u);
  EXPECT_EQ(threads[1].id, 2);
  EXPECT_DOUBLE_EQ(threads[1].user, 50.0 / static_cast<double>(clock_ticks()));

  ProcMemFull full = read_memory_full(d);
  EXPECT_EQ(full.uss, (1000u + 3000u + 24u) * 1024u);
  EXPECT_EQ(full.pss, 5120u * 1024u);
  auto grouped = read_memory_maps(d, true);
  ASSERT_EQ(grouped.size(), 4u);
  EXPECT_EQ(grouped[0].path, "/usr/lib/systemd/systemd");
  EXPECT_EQ(grouped[0].rss, (168u + 800u) * 1024u);
  EXPECT_EQ(grouped[2].path, "/memfd:buf");  // deleted and gone: suffix stripped
  EXPECT_EQ(read_memory_maps(d, false).size(), 5u);

  // host mode (a foreign procfs): affinity and limits come from the files
  EXPECT_FALSE(same_pid_namespace(r));
  EXPECT_EQ(get_cpu_affinity(r, 1, 15), (std::vector<int>{0, 1}));
  RlimitPair nofile = get_rlimit(r, 1, 15, RLIMIT_NOFILE);
  EXPECT_EQ(nofile.soft, 1024u);
  EXPECT_EQ(nofile.hard, 524288u);
  EXPECT_KIND(get_rlimit(r, 1, 16, RLIMIT_NOFILE), NoSuchProcess);  // identity mismatch
  EXPECT_KIND(set_nice(r, 1, 15, 5), Unsupported);
  EXPECT_KIND(send_signal(r, 1, 15, 0), Unsupported);
  EXPECT_KIND(get_ionice(r, 1, 15), Unsupported);
  EXPECT_KIND(set_rlimit(r, 1, 15, RLIMIT_NOFILE, RlimitPair{1, 1}), Unsupported);
  EXPECT_KIND(set_cpu_affinity(r, 1, 15, {0}), Unsupported);
}

TEST(ProcessFixture, HostileAndTruncatedNames) {
  Roots r = fixture();
  ProcDir hostile(r, 42);
  ProcStat st = read_stat(hostile);
  EXPECT_EQ(st.comm, "a b) (c");
  EXPECT_EQ(st.ppid, 1);
  EXPECT_EQ(read_name(hostile, st), "a b) (c");
  EXPECT_EQ(read_cmdline(hostile), (std::vector<std::string>{"./a b) (c", "300"}));

  ProcDir longname(r, 100);
  EXPECT_EQ(read_name(longname, read_stat(longname)), "averyveryverylongname_sleep");
  // No exe link in the fixture: "" like a kernel thread, then psutil's guess from cmdline[0].
  EXPECT_EQ(read_exe(longname), "");
  EXPECT_EQ(exe_with_guess(longname), "/opt/bin/averyveryverylongname_sleep");

  ProcDir kworker(r, 101);
  EXPECT_EQ(read_name(kworker, read_stat(kworker)), "kworker/u4:1-ev");  // cmdline does not start with it

  EXPECT_EQ(read_cmdline(ProcDir(r, 300)),
            (std::vector<std::string>{"nginx:", "worker", "process", "is", "shutting", "down"}));
  EXPECT_EQ(read_cmdline(ProcDir(r, 301)),
            (std::vector<std::string>{"/opt/chrome/chrome", "--type=renderer", "", "--lang=en"}));
}

TEST(ProcessFixture, ZombieAndKernelThreadFollowPsutilHead) {
  Roots r = fixture();
  ProcDir z(r, 200);
  ProcStat st = read_stat(z);
  EXPECT_EQ(st.state, 'Z');
  EXPECT_EQ(read_name(z, st), "defunct-child");  // 13 chars: no cmdline needed
  EXPECT_KIND(read_cmdline(z), ZombieProcess);
  EXPECT_KIND(read_exe(z), ZombieProcess);
  EXPECT_KIND(read_cwd(z), ZombieProcess);
  EXPECT_KIND(read_environ(z), ZombieProcess);
  EXPECT_KIND(read_memory_full(z), ZombieProcess);
  EXPECT_EQ(read_statm(z).resident, 0u);
  EXPECT_EQ(read_num_fds(z), 0);

  ProcDir k(r, 400);
  EXPECT_EQ(read_exe(k), "");
  EXPECT_TRUE(read_cmdline(k).empty());
  EXPECT_EQ(exe_with_guess(k), "");
  ProcMemFull full = read_memory_full(k);  // no smaps_rollup -> smaps (empty) -> zeros
  EXPECT_EQ(full.uss + full.pss + full.swap, 0u);
  EXPECT_TRUE(read_memory_maps(k, true).empty());
}

TEST(ProcessFixture, MissingAndMalformedFiles) {
  Roots r = fixture();
  EXPECT_KIND(ProcDir(r, 999), NoSuchProcess);
  EXPECT_KIND(ProcDir(r, -1), InvalidArgument);
  EXPECT_KIND(read_stat(ProcDir(r, 500)), Parse);
  EXPECT_KIND(read_stat(ProcDir(r, 501)), Parse);
  try {
    read_stat(ProcDir(r, 501));
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/proc-basic/proc/501/stat"), std::string::npos) << e.what();
    EXPECT_EQ(e.pid(), 501);
  }
  ProcDir bad(r, 502);
  EXPECT_KIND(read_statm(bad), Parse);
  EXPECT_KIND(read_io(bad), Parse);  // empty io
  ProcDir mess(r, 503);
  EXPECT_EQ(read_io(mess).wchar, 20u);  // malformed lines skipped
  // A missing optional file of a live (non-zombie) process is a real ENOENT: NotFound.
  EXPECT_KIND(read_io(ProcDir(r, 100)), NotFound);
}

TEST(ProcessFixture, TableFunctions) {
  Roots r = fixture();
  auto pids = list_pids(r);
  EXPECT_EQ(pids, (std::vector<int64_t>{1, 42, 100, 101, 200, 300, 301, 400, 500, 501, 502, 503}));
  EXPECT_TRUE(pid_exists(r, 1));
  EXPECT_TRUE(pid_exists(r, 101));  // no status file: falls back to the listing
  EXPECT_FALSE(pid_exists(r, 999));
  EXPECT_FALSE(pid_exists(r, 0));
  auto map = ppid_map(r);
  auto it = std::find_if(map.begin(), map.end(), [](const PpidEntry& e) { return e.pid == 42; });
  ASSERT_NE(it, map.end());
  EXPECT_EQ(it->ppid, 1);
  EXPECT_EQ(it->start_ticks, 5000u);
  EXPECT_DOUBLE_EQ(boot_time(r), 1700000000.0);
  EXPECT_EQ(mem_total(r), 8000000ull * 1024u);
  EXPECT_EQ(username_for(r, 1000), "alice");  // from <rootfs>/etc/passwd
  EXPECT_EQ(username_for(r, 4242), "4242");

  ProcessesSummary sum = processes_summary(r);
  EXPECT_EQ(sum.pid_max, 4194304);
  EXPECT_EQ(sum.threads_max, 63204);
  EXPECT_EQ(sum.pids, 10);  // 500 and 501 have malformed stat files
  EXPECT_EQ(sum.states['Z'], 1);
  EXPECT_EQ(sum.thread_states['R'], 1);  // pid 1's second thread
  EXPECT_EQ(sum.threads, 11);
}

TEST(ProcessFixture, ScanGivesFlagsNotExceptions) {
  Roots r = fixture();
  ScanResult res = scan_processes(r, kScanAllAttrs);
  ASSERT_EQ(res.rows.size(), 12u);
  auto row = [&](int64_t pid) -> const ScanRow& {
    for (const auto& x : res.rows)
      if (x.pid == pid) return x;
    throw std::runtime_error("no row");
  };
  const ScanRow& init = row(1);
  EXPECT_EQ(init.flags, 0) << init.missing;
  EXPECT_EQ(init.name, "systemd");
  EXPECT_EQ(init.cmdline, std::string("/sbin/init\0splash\0", 18));
  EXPECT_EQ(init.exe, "/usr/lib/systemd/systemd");
  EXPECT_EQ(init.num_fds, 4);
  EXPECT_EQ(init.fd_limit[0], 1024u);
  EXPECT_EQ(init.io[2], 4096u);
  EXPECT_EQ(init.mem[0], 3045u * static_cast<uint64_t>(page_size()));
  EXPECT_EQ(init.full[1], 5120u * 1024u);
  EXPECT_EQ(init.swap, 12u * 1024u);
  EXPECT_DOUBLE_EQ(init.create_time, 1700000000.0 + 15.0 / static_cast<double>(clock_ticks()));
  EXPECT_EQ(init.thread_states[0], 1u);  // R
  EXPECT_EQ(init.thread_states[1], 1u);  // S

  const ScanRow& hostile = row(42);
  EXPECT_EQ(hostile.name, "a b) (c");
  EXPECT_EQ(res.users.at(1000), "alice");
  EXPECT_EQ(row(100).name, "averyveryverylongname_sleep");
  // cmdline rules in the scan: space-separated (setproctitle), one NUL-ended argument with spaces
  EXPECT_EQ(row(300).cmdline, std::string("nginx:\0worker\0process\0is\0shutting\0down\0", 39));
  EXPECT_EQ(row(301).cmdline, std::string("/opt/chrome/chrome\0--type=renderer\0\0--lang=en\0", 46));
  EXPECT_EQ(row(400).cmdline, "");
  EXPECT_EQ(row(100).exe, "/opt/bin/averyveryverylongname_sleep");

  const ScanRow& z = row(200);
  EXPECT_TRUE(z.flags & kRowZombie);
  EXPECT_FALSE(z.flags & kRowVanished);
  EXPECT_TRUE(z.missing & kScanCmdline);
  EXPECT_TRUE(z.missing & kScanExe);
  EXPECT_TRUE(z.missing & kScanCwd);
  EXPECT_TRUE(z.missing & kScanMemoryFullInfo);
  EXPECT_FALSE(z.missing & kScanMemoryInfo);
  EXPECT_FALSE(z.missing & kScanCpuTimes);
  EXPECT_EQ(z.state, 'Z');

  EXPECT_TRUE(row(500).flags & kRowError);
  EXPECT_EQ(row(500).missing, kScanAllAttrs);
  const ScanRow& bad = row(502);
  EXPECT_TRUE(bad.flags & kRowError);
  EXPECT_TRUE(bad.missing & kScanMemoryInfo);
  EXPECT_TRUE(bad.missing & kScanIoCounters);
  EXPECT_TRUE(bad.missing & kScanUids);
  EXPECT_FALSE(bad.missing & kScanCpuTimes);

  // Only some pids, one of them absent.
  std::vector<int64_t> some{42, 999};
  ScanResult two = scan_processes(r, kScanName | kScanPpid, &some);
  ASSERT_EQ(two.rows.size(), 2u);
  EXPECT_EQ(two.rows[0].name, "a b) (c");
  EXPECT_TRUE(two.rows[1].flags & kRowVanished);
}

TEST(ProcessFixture, AttrNamesRoundTrip) {
  for (uint32_t bit = 1; bit & kScanAllAttrs; bit <<= 1) {
    const char* n = scan_attr_name(bit);
    ASSERT_NE(n, nullptr) << bit;
    EXPECT_EQ(scan_attr_bit(n), bit);
  }
  EXPECT_FALSE(scan_attr_bit("nope").has_value());
}

// ---------------------------------------------------------------- live

Roots live() { return Roots{}; }

uint64_t start_of(int64_t pid) {
  ProcDir d(live(), pid);
  return read_stat(d).starttime;
}

TEST(ProcessLive, OwnProcess) {
  Roots r = live();
  int64_t me = ::getpid();
  ProcDir d(r, me);
  ProcStat st = read_stat(d);
  EXPECT_EQ(st.ppid, ::getppid());
  EXPECT_TRUE(pid_exists(r, me));
  EXPECT_TRUE(same_pid_namespace(r));
  EXPECT_GE(read_num_fds(d), 3);
  auto pids = list_pids(r);
  EXPECT_TRUE(std::binary_search(pids.begin(), pids.end(), me));
  std::vector<int64_t> only{me};
  ScanResult res = scan_processes(r, kScanAllAttrs, &only);
  ASSERT_EQ(res.rows.size(), 1u);
  EXPECT_EQ(res.rows[0].flags, 0);
  EXPECT_EQ(res.rows[0].missing, 0u);
  // The scan holds two more fds of its own (the procfs and the pid directory).
  EXPECT_GE(res.rows[0].num_fds, read_num_fds(d));
  EXPECT_LE(res.rows[0].num_fds, read_num_fds(d) + 2);
  EXPECT_GT(get_cpu_affinity(r, me, st.starttime).size(), 0u);
  EXPECT_EQ(get_rlimit(r, me, st.starttime, RLIMIT_NOFILE).soft, [] {
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    return rl.rlim_cur;
  }());
}

// The scan takes statm's numbers from status when status is read anyway: every live
// process must give the same memoryInfo both ways (read back to back).
TEST(ProcessLive, MemoryFromStatusEqualsStatm) {
  Roots r = live();
  int compared = 0;
  for (int64_t pid : list_pids(r)) {
    std::vector<int64_t> one{pid};
    ScanResult before = scan_processes(r, kScanMemoryInfo, &one);            // statm path
    ScanResult both = scan_processes(r, kScanMemoryInfo | kScanUids, &one);  // status path
    ScanResult statm = scan_processes(r, kScanMemoryInfo, &one);             // statm path again
    const ScanRow &a = both.rows[0], &b = statm.rows[0], &c = before.rows[0];
    if (a.flags || b.flags || c.flags || a.start_ticks != b.start_ticks || b.start_ticks != c.start_ticks) continue;
    // A process that mapped or unmapped memory between the reads is moving: skip it.
    if (b.mem[1] != c.mem[1] || b.mem[3] != c.mem[3]) continue;
    // rss/shared/data may move between the reads of a running process; size and text did not.
    EXPECT_EQ(a.mem[1], b.mem[1]) << pid;
    EXPECT_EQ(a.mem[3], b.mem[3]) << pid;
    EXPECT_NEAR(static_cast<double>(a.mem[0]), static_cast<double>(b.mem[0]), 8 * 1024 * 1024) << pid;
    ++compared;
  }
  EXPECT_GT(compared, 0);
}

TEST(ProcessLive, ZombieChild) {
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  // Wait until it is a zombie, without reaping it.
  Roots r = live();
  for (int i = 0; i < 500; ++i) {
    ProcDir d;
    if (d.open(r, child) == 0 && d.is_zombie()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ProcDir d(r, child);
  ASSERT_TRUE(d.is_zombie());
  EXPECT_KIND(read_cmdline(d), ZombieProcess);
  EXPECT_KIND(read_exe(d), ZombieProcess);
  EXPECT_KIND(read_cwd(d), ZombieProcess);
  EXPECT_KIND(read_environ(d), ZombieProcess);
  EXPECT_KIND(read_memory_full(d), ZombieProcess);
  EXPECT_EQ(read_num_fds(d), 0);
  std::vector<int64_t> only{child};
  ScanResult res = scan_processes(r, kScanAllAttrs, &only);
  EXPECT_TRUE(res.rows[0].flags & kRowZombie);
  EXPECT_FALSE(res.rows[0].flags & kRowVanished);
  EXPECT_TRUE(res.rows[0].missing & kScanExe);
  // Our child: wait_check sees the exit status without reaping it.
  WaitState ws = wait_check(r, child, read_stat(d).starttime);
  EXPECT_TRUE(ws.exited);
  EXPECT_EQ(ws.code, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  // Now it is gone: every read through the old directory fd is NoSuchProcess.
  EXPECT_KIND(read_stat(d), NoSuchProcess);
  EXPECT_KIND(read_cmdline(d), NoSuchProcess);
  EXPECT_FALSE(pid_exists(r, child));
}

TEST(ProcessLive, WaitCheckReportsExitCodesAndSignals) {
  Roots r = live();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  uint64_t start = start_of(child);
  EXPECT_FALSE(wait_check(r, child, start).exited);
  // A stale identity: never signalled, NoSuchProcess.
  EXPECT_KIND(send_signal(r, child, start + 1, SIGKILL), NoSuchProcess);
  EXPECT_FALSE(wait_check(r, child, start).exited);
  EXPECT_TRUE(wait_check(r, child, start + 1).exited);  // "that" process is gone
  send_signal(r, child, start, SIGTERM);
  WaitState ws;
  for (int i = 0; i < 1000 && !ws.exited; ++i) {
    ws = wait_check(r, child, start);
    if (!ws.exited) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(ws.exited);
  EXPECT_EQ(ws.code, -SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_KIND(send_signal(r, child, start, SIGTERM), NoSuchProcess);
}

TEST(ProcessLive, SettersCheckIdentityAndApply) {
  Roots r = live();
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::pause();
    ::_exit(0);
  }
  uint64_t start = start_of(child);
  set_nice(r, child, start, 5);
  EXPECT_EQ(read_stat(ProcDir(r, child)).nice, 5);
  EXPECT_KIND(set_nice(r, child, start + 1, 6), NoSuchProcess);
  set_ionice(r, child, start, 2, 4);
  IoPriority io = get_ionice(r, child, start);
  EXPECT_EQ(io.ioclass, 2);
  EXPECT_EQ(io.value, 4);
  EXPECT_KIND(set_ionice(r, child, start, 3, 1), InvalidArgument);
  set_cpu_affinity(r, child, start, {0});
  EXPECT_EQ(get_cpu_affinity(r, child, start), std::vector<int>{0});
  EXPECT_KIND(set_cpu_affinity(r, child, start, {100000}), InvalidArgument);
  set_rlimit(r, child, start, RLIMIT_NOFILE, RlimitPair{64, 128});
  RlimitPair l = get_rlimit(r, child, start, RLIMIT_NOFILE);
  EXPECT_EQ(l.soft, 64u);
  EXPECT_EQ(l.hard, 128u);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
}

// An unprivileged reader gets AccessDenied for another user's process (needs root to
// drop to nobody; as a normal user the test reads pid 1 directly).
TEST(ProcessLive, AccessDeniedForAnotherUsersProcess) {
  auto check = []() -> int {
    Roots r = live();
    ProcDir d(r, 1);
    if (kind_of([&] { read_io(d); }) != ErrorKind::AccessDenied) return 10;
    if (kind_of([&] { read_num_fds(d); }) != ErrorKind::AccessDenied) return 11;
    if (kind_of([&] { read_environ(d); }) != ErrorKind::AccessDenied) return 12;
    if (kind_of([&] { read_open_files(d); }) != ErrorKind::AccessDenied) return 13;
    ProcStat st = read_stat(d);  // readable by anyone
    if (st.comm.empty()) return 14;
    std::vector<int64_t> only{1};
    ScanResult res = scan_processes(r, kScanNumFds | kScanIoCounters | kScanName | kScanCpuTimes, &only);
    const ScanRow& row = res.rows[0];
    if (!(row.flags & kRowAccessDenied)) return 15;
    if (!(row.missing & kScanNumFds) || !(row.missing & kScanIoCounters)) return 16;
    if (row.missing & (kScanName | kScanCpuTimes)) return 17;
    if (kind_of([&] { set_nice(r, 1, st.starttime, 1); }) != ErrorKind::AccessDenied) return 18;
    return 0;
  };
  if (::geteuid() != 0) {
    EXPECT_EQ(check(), 0);
    return;
  }
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0)
      ::_exit(20);
    ::_exit(check());
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "failed check " << WEXITSTATUS(status);
}

}  // namespace
}  // namespace hp::proc
