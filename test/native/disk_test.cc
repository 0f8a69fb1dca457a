#include "disk.h"

#include <gtest/gtest.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "disk_statfs.h"
#include "error.h"
#include "fs.h"

namespace hp {
namespace {

const std::string kFixtures = HOSTPROBE_FIXTURES;

Roots fixture_roots(const std::string& name) {
  Roots r;
  r.procfs = kFixtures + "/" + name + "/proc";
  r.sysfs = kFixtures + "/" + name + "/sys";
  r.rootfs = kFixtures + "/" + name + "/root";
  return r;
}

std::map<std::string, DiskPartition> by_mountpoint(const std::vector<DiskPartition>& parts) {
  std::map<std::string, DiskPartition> out;
  for (const auto& p : parts) out.emplace(p.mountpoint, p);
  return out;
}

std::map<std::string, DiskIo> by_name(const std::vector<DiskIo>& disks) {
  std::map<std::string, DiskIo> out;
  for (const auto& d : disks) out.emplace(d.name, d);
  return out;
}

// Expects `fn` to throw hp::Error of `kind` whose message contains every one of `needles`.
template <typename F>
Error expect_error(F&& fn, ErrorKind kind, std::initializer_list<std::string> needles = {}) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
    return e;
  }
  ADD_FAILURE() << "expected an hp::Error";
  return Error(ErrorKind::Io, "none");
}

// ---------------------------------------------------------------------------------------
// mountinfo

TEST(Mountinfo, ParsesAllFieldsAndOptionalTags) {
  auto m = parse_mountinfo("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].mount_id, 36u);
  EXPECT_EQ(m[0].parent_id, 35u);
  EXPECT_EQ(m[0].major, 98u);
  EXPECT_EQ(m[0].minor, 0u);
  EXPECT_EQ(m[0].root, "/mnt1");
  EXPECT_EQ(m[0].mountpoint, "/mnt2");
  EXPECT_EQ(m[0].mount_opts, "rw,noatime");
  ASSERT_EQ(m[0].optional_fields.size(), 2u);
  EXPECT_EQ(m[0].optional_fields[1], "shared:7");
  EXPECT_EQ(m[0].fstype, "ext3");
  EXPECT_EQ(m[0].source, "/dev/root");
  EXPECT_EQ(m[0].super_opts, "rw,errors=continue");
}

TEST(Mountinfo, DecodesOctalEscapesInPathsAndSource) {
  auto m = parse_mountinfo(
      "1 0 8:1 /a\\040b /mnt/my\\040disk rw - ext4 /dev/disk/by-label/my\\040label rw\n"
      "2 0 8:2 / /mnt/tab\\011and\\134backslash\\012newline rw - ext4 /dev/sda2 rw\n");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].root, "/a b");
  EXPECT_EQ(m[0].mountpoint, "/mnt/my disk");
  EXPECT_EQ(m[0].source, "/dev/disk/by-label/my label");
  EXPECT_EQ(m[1].mountpoint, "/mnt/tab\tand\\backslash\nnewline");
}

TEST(Mountinfo, KeepsAnEmptySourceAndNoOptionalFields) {
  auto m = parse_mountinfo("32 21 0:53 / /mnt/empty rw,relatime - tmpfs  rw,size=1024k");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_TRUE(m[0].optional_fields.empty());
  EXPECT_EQ(m[0].fstype, "tmpfs");
  EXPECT_EQ(m[0].source, "");
  EXPECT_EQ(m[0].super_opts, "rw,size=1024k");
}

TEST(Mountinfo, MalformedLineIsAParseErrorNamingFileAndLine) {
  expect_error(
      [] {
        parse_mountinfo("1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 0 8:2 / /x rw ext4 /dev/sda2 rw\n", "/p/mountinfo");
      },
      ErrorKind::Parse, {"/p/mountinfo", "line 2"});
  expect_error([] { parse_mountinfo("1 0 8-1 / / rw - ext4 /dev/sda1 rw\n", "/p/mountinfo"); }, ErrorKind::Parse,
               {"line 1", "8-1"});
  expect_error([] { parse_mountinfo("1 0 8:1 / / rw - ext4\n", "/p/mountinfo"); }, ErrorKind::Parse, {"line 1"});
  // There is always a root mount: an empty mountinfo is a wrong file, not zero mounts.
  expect_error([] { parse_mountinfo("\n\n", "/p/mountinfo"); }, ErrorKind::Parse, {"/p/mountinfo: empty file"});
}

TEST(Mountinfo, CombinedOptionsMatchProcMounts) {
  // Examples taken from a real /proc/self/mountinfo and /proc/self/mounts pair.
  EXPECT_EQ(combine_mount_options("rw,relatime", "rw,discard,resv_strict,resuid=65534,resgid=65534"),
            "rw,relatime,discard,resv_strict,resuid=65534,resgid=65534");
  EXPECT_EQ(combine_mount_options("ro,nosuid,nodev,relatime", "ro,size=4k,mode=755"),
            "ro,nosuid,nodev,relatime,size=4k,mode=755");
  // The superblock flags come before the per-mount flags; ro on either side wins.
  EXPECT_EQ(combine_mount_options("rw,nosuid,relatime", "rw,sync,lazytime,errors=remount-ro"),
            "rw,sync,lazytime,nosuid,relatime,errors=remount-ro");
  EXPECT_EQ(combine_mount_options("rw,relatime", "ro"), "ro,relatime");
  EXPECT_EQ(combine_mount_options("ro,relatime", "rw"), "ro,relatime");
}

TEST(Mountinfo, ReadonlyLikeNodeExporter) {
  EXPECT_TRUE(mount_is_readonly("ro,relatime", "rw"));
  EXPECT_TRUE(mount_is_readonly("rw,relatime", "ro,errors=continue"));
  EXPECT_TRUE(mount_is_readonly("rw,relatime", "rw,emergency_ro"));
  EXPECT_FALSE(mount_is_readonly("rw,relatime", "rw,errors=remount-ro"));
  EXPECT_FALSE(mount_is_readonly("rw,nosuid", "rw,rootcontext=ro"));
}

TEST(Mountinfo, PhysicalFstypesLikePsutil) {
  auto t = parse_physical_fstypes("nodev\tsysfs\nnodev\ttmpfs\n\text4\n\tvfat\nnodev\tzfs\n\n\tfuseblk\n");
  EXPECT_EQ(t.size(), 4u);
  EXPECT_TRUE(t.count("ext4"));
  EXPECT_TRUE(t.count("vfat"));
  EXPECT_TRUE(t.count("fuseblk"));
  EXPECT_TRUE(t.count("zfs"));  // the one nodev exception
  EXPECT_FALSE(t.count("tmpfs"));
}

TEST(Mountinfo, StripRootPrefixOnlyOnPathBoundaries) {
  EXPECT_EQ(strip_root_prefix("/host/root/boot", "/host/root"), "/boot");
  EXPECT_EQ(strip_root_prefix("/host/root", "/host/root/"), "/");
  EXPECT_EQ(strip_root_prefix("/host/rootfs", "/host/root"), std::nullopt);
  EXPECT_EQ(strip_root_prefix("/proc", "/host/root"), std::nullopt);
  EXPECT_EQ(strip_root_prefix("/proc", "/"), "/proc");
  EXPECT_EQ(strip_root_prefix("/proc", ""), "/proc");
}

TEST(Partitions, BuildAppliesNoneEmptyRootResolutionAndFilter) {
  auto mounts = parse_mountinfo(
      "1 0 8:1 / / rw - ext4 /dev/root rw\n"
      "2 1 0:5 / /run rw - tmpfs none rw\n"
      "3 1 8:2 / /data rw - xfs /dev/sda2 rw\n"
      "4 1 0:6 / /mnt/nfs rw - nfs4 srv:/x rw\n");
  PartitionFilter all;
  all.resolve_root_device = [](unsigned ma, unsigned mi) -> std::optional<std::string> {
    if (ma == 8 && mi == 1) return "/dev/sda1";
    return std::nullopt;
  };
  auto every = by_mountpoint(build_partitions(mounts, all));
  ASSERT_EQ(every.size(), 4u);
  EXPECT_EQ(every["/"].device, "/dev/sda1");
  EXPECT_EQ(every["/run"].device, "");
  std::unordered_set<std::string> physical{"ext4", "xfs"};
  PartitionFilter phys = all;
  phys.physical = &physical;
  auto kept = by_mountpoint(build_partitions(mounts, phys));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_TRUE(kept.count("/"));
  EXPECT_TRUE(kept.count("/data"));
}

TEST(Partitions, HostModeReadsPid1MountinfoWithoutStripping) {
  Roots r = fixture_roots("disk-host");
  auto all = by_mountpoint(read_partitions(r, true));
  // proc/1/mountinfo has 22 lines; proc/self/mountinfo (the container view) is not used.
  EXPECT_EQ(all.size(), 22u);
  EXPECT_FALSE(all.count("/host/root"));
  EXPECT_FALSE(all.count("/etc/hostname"));
  ASSERT_TRUE(all.count("/mnt/my disk"));
  EXPECT_EQ(all["/mnt/my disk"].device, "/dev/mapper/vg0-data");
  EXPECT_EQ(all["/mnt/my disk"].major, 253u);
  ASSERT_TRUE(all.count("/mnt/tab\tand\\backslash"));
  EXPECT_TRUE(all["/mnt/tab\tand\\backslash"].readonly);  // ro in the mount options
  EXPECT_EQ(all["/mnt/tab\tand\\backslash"].opts, "ro,relatime");
  ASSERT_TRUE(all.count("/mnt/new\nline"));
  EXPECT_TRUE(all["/mnt/new\nline"].readonly);  // ro in the super options
  EXPECT_TRUE(all["/mnt/emergency"].readonly);  // emergency_ro
  EXPECT_FALSE(all["/boot"].readonly);
  EXPECT_EQ(all["/mnt/none"].device, "");
  EXPECT_EQ(all["/mnt/empty"].device, "");
  EXPECT_EQ(all["/mnt/sync"].opts, "rw,sync,lazytime,nosuid,relatime,errors=remount-ro");
  EXPECT_EQ(all["/mnt/sync"].super_opts, "rw,sync,lazytime,errors=remount-ro");
  EXPECT_EQ(all["/mnt/fuse"].fstype, "fuse.sshfs");
  // /dev/root: via <procfs>/partitions (8:1 -> sda1), <sysfs>/dev/block/8:16/uevent (sdb),
  // <sysfs>/class/block/*/dev (8:48 -> sdd); 8:32 -> sdc has no /dev/sdc under the rootfs.
  EXPECT_EQ(all["/"].device, "/dev/sda1");
  EXPECT_EQ(all["/srv/bind"].device, "/dev/sda1");
  EXPECT_EQ(all["/mnt/whole"].device, "/dev/sdb");
  EXPECT_EQ(all["/mnt/classblock"].device, "/dev/sdd");
  EXPECT_EQ(all["/mnt/nodevnode"].device, "/dev/root");
}

TEST(Partitions, PhysicalFilterLikePsutil) {
  Roots r = fixture_roots("disk-host");
  auto phys = by_mountpoint(read_partitions(r, false));
  std::vector<std::string> expected = {"/",
                                       "/boot",
                                       "/mnt/my disk",
                                       "/mnt/tab\tand\\backslash",
                                       "/mnt/emergency",
                                       "/srv/bind",
                                       "/mnt/zfs",
                                       "/mnt/sync",
                                       "/snap/core/1",
                                       "/mnt/new\nline",
                                       "/mnt/whole",
                                       "/mnt/classblock",
                                       "/mnt/nodevnode"};
  EXPECT_EQ(phys.size(), expected.size());
  for (const auto& mp : expected) EXPECT_TRUE(phys.count(mp)) << mp;
  // nodev types (proc, tmpfs, nfs4, fuse.sshfs, overlay) and device-less mounts are gone.
  EXPECT_FALSE(phys.count("/mnt/nfs"));
  EXPECT_FALSE(phys.count("/mnt/fuse"));
  EXPECT_FALSE(phys.count("/run"));
}

TEST(Partitions, HidepidFallsBackToSelfViewAndStripsTheRootfsPrefix) {
  Roots r = fixture_roots("disk-hidepid");  // no proc/1
  r.rootfs = "/host/root";
  auto all = read_partitions(r, true);
  auto m = by_mountpoint(all);
  // Only the mounts under /host/root are the host's; the container's own are dropped.
  ASSERT_EQ(all.size(), 2u);
  ASSERT_TRUE(m.count("/"));
  ASSERT_TRUE(m.count("/boot"));
  EXPECT_EQ(m["/boot"].device, "/dev/sda2");
  EXPECT_TRUE(m["/boot"].readonly);
  // With the default rootfs the whole self view is reported.
  r.rootfs = "/";
  EXPECT_EQ(read_partitions(r, true).size(), 5u);
}

TEST(Partitions, LiveMountinfoParses) {
  Roots r;
  auto all = read_partitions(r, true);
  auto m = by_mountpoint(all);
  ASSERT_TRUE(m.count("/"));
  EXPECT_EQ(m["/proc"].fstype, "proc");
}

// ---------------------------------------------------------------------------------------
// Disk usage

TEST(Usage, PsutilFormulas) {
  StatvfsNumbers s;
  s.blocks = 1000;
  s.bfree = 300;
  s.bavail = 250;
  s.files = 64;
  s.ffree = 60;
  s.frsize = 4096;
  DiskUsage u = disk_usage_from(s);
  EXPECT_EQ(u.total, 1000u * 4096);
  EXPECT_EQ(u.used, 700u * 4096);
  EXPECT_EQ(u.free, 250u * 4096);
  EXPECT_EQ(u.avail_bytes, u.free);
  EXPECT_EQ(u.free_bytes, 300u * 4096);
  EXPECT_EQ(u.files, 64u);
  EXPECT_EQ(u.files_free, 60u);
  EXPECT_DOUBLE_EQ(u.percent, 73.7);  // 700 / 950 = 73.68...
  s = StatvfsNumbers{};
  EXPECT_EQ(disk_usage_from(s).percent, 0.0);  // an empty file system (psutil's ZeroDivision case)
}

TEST(Usage, PythonRoundTiesToEven) {
  EXPECT_DOUBLE_EQ(python_round(12.25, 1), 12.2);  // Python: round(12.25, 1) == 12.2
  EXPECT_DOUBLE_EQ(python_round(12.75, 1), 12.8);
  EXPECT_DOUBLE_EQ(python_round(0.15, 1), 0.1);  // 0.15 is 0.1499999... in binary
  EXPECT_DOUBLE_EQ(python_round(99.96, 1), 100.0);
}

TEST(Usage, PathUnderRootfs) {
  Roots r;
  EXPECT_EQ(usage_path(r, "/"), "/");
  EXPECT_EQ(usage_path(r, "relative/dir/"), "relative/dir");
  r.rootfs = "/host/root/";
  EXPECT_EQ(usage_path(r, "/"), "/host/root");
  EXPECT_EQ(usage_path(r, "/boot//efi/"), "/host/root/boot/efi");
  EXPECT_EQ(usage_path(r, "var"), "/host/root/var");
}

TEST(Usage, StatvfsMatchesTheSyscallAndErrorsAreTyped) {
  DiskUsage u = statvfs_usage("/");
  struct statvfs st;
  ASSERT_EQ(::statvfs("/", &st), 0);
  EXPECT_EQ(u.total, static_cast<uint64_t>(st.f_blocks) * st.f_frsize);
  EXPECT_EQ(u.files, st.f_files);
  Error e =
      expect_error([] { statvfs_usage("/nonexistent/hostprobe"); }, ErrorKind::NotFound, {"/nonexistent/hostprobe"});
  EXPECT_EQ(e.err(), ENOENT);
  EXPECT_EQ(e.path(), "/nonexistent/hostprobe");
}

// A stat function that blocks on chosen paths until released, like a dead mount.
class Gate {
 public:
  DiskUsage stat(const std::string& path) {
    std::unique_lock<std::mutex> lock(mu_);
    ++calls_[path];
    if (path.rfind("/dead", 0) == 0) cv_.wait(lock, [this] { return open_; });
    if (path == "/missing") throw Error(ErrorKind::NotFound, "no such path", path, ENOENT);
    DiskUsage u;
    u.total = 42;
    return u;
  }
  void open() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  int calls(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_[path];
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
  std::map<std::string, int> calls_;
};

template <typename Pred>
bool eventually(Pred pred) {
  // Waits for a state change made by another thread; a generous bound, never a timing assertion.
  for (int i = 0; i < 6000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

TEST(StatfsRegistry, TimeoutMarksStuckAndLaterCallsFailFastUntilTheCallReturns) {
  auto gate = std::make_shared<Gate>();
  StatfsRegistry reg([gate](const std::string& p) { return gate->stat(p); });

  expect_error([&] { reg.run_sync("/dead", std::chrono::milliseconds(20)); }, ErrorKind::Timeout, {"/dead"});
  EXPECT_TRUE(reg.is_stuck("/dead"));
  EXPECT_EQ(reg.stuck_paths(), std::vector<std::string>{"/dead"});

  // Fails at once, with EBUSY, and starts no new statvfs.
  Error busy = expect_error([&] { reg.run_sync("/dead", std::nullopt); }, ErrorKind::Timeout, {"stuck"});
  EXPECT_EQ(busy.err(), EBUSY);
  expect_error([&] { reg.start("/dead", [](const StatfsOutcome&) {}); }, ErrorKind::Timeout);
  EXPECT_EQ(gate->calls("/dead"), 1);

  // Other paths still work, and errors of the stat function come through typed.
  EXPECT_EQ(reg.run_sync("/alive", std::chrono::milliseconds(60000)).total, 42u);
  expect_error([&] { reg.run_sync("/missing", std::nullopt); }, ErrorKind::NotFound);

  gate->open();
  EXPECT_TRUE(eventually([&] { return !reg.is_stuck("/dead"); }));
  EXPECT_EQ(reg.run_sync("/dead", std::nullopt).total, 42u);
  EXPECT_EQ(gate->calls("/dead"), 2);
  EXPECT_TRUE(eventually([&] { return reg.running() == 0; }));
}

TEST(StatfsRegistry, ConcurrentRequestsJoinOneCallAndCallbacksRunOnce) {
  auto gate = std::make_shared<Gate>();
  StatfsRegistry reg([gate](const std::string& p) { return gate->stat(p); });
  std::atomic<int> done{0};
  uint64_t a = reg.start("/dead/a", [&](const StatfsOutcome& o) {
    if (o.usage && o.usage->total == 42) ++done;
  });
  uint64_t b = reg.start("/dead/a", [&](const StatfsOutcome& o) {
    if (o.usage) ++done;
  });
  EXPECT_EQ(a, b);
  EXPECT_FALSE(reg.is_stuck("/dead/a"));  // running, but nobody gave up yet
  EXPECT_TRUE(reg.mark_stuck(a));
  EXPECT_TRUE(reg.is_stuck("/dead/a"));
  gate->open();
  EXPECT_TRUE(eventually([&] { return done.load() == 2; }));
  EXPECT_TRUE(eventually([&] { return !reg.is_stuck("/dead/a"); }));
  EXPECT_FALSE(reg.mark_stuck(a));  // already returned
  EXPECT_EQ(gate->calls("/dead/a"), 1);
}

TEST(StatfsRegistry, RegistryMayBeDestroyedWhileACallStillRuns) {
  auto gate = std::make_shared<Gate>();
  std::atomic<bool> called{false};
  {
    StatfsRegistry reg([gate](const std::string& p) { return gate->stat(p); });
    reg.start("/dead/b", [&called](const StatfsOutcome&) { called = true; });
  }
  gate->open();
  EXPECT_TRUE(eventually([&] { return called.load(); }));
}

TEST(StatfsRegistry, FinishedWorkersAreReusedAndAStuckOneIsNot) {
  struct Seen {
    std::mutex mu;
    std::set<std::thread::id> ids;
  };
  auto seen = std::make_shared<Seen>();
  auto gate = std::make_shared<Gate>();
  StatfsRegistry reg([seen, gate](const std::string& p) {
    {
      std::lock_guard<std::mutex> lock(seen->mu);
      seen->ids.insert(std::this_thread::get_id());
    }
    return gate->stat(p);
  });
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(reg.run_sync("/p" + std::to_string(i), std::nullopt).total, 42u);
    ASSERT_TRUE(eventually([&] { return reg.idle_workers() == 1; }));
  }
  EXPECT_EQ(seen->ids.size(), 1u);
  // The only worker gets stuck: the next path gets a thread of its own.
  expect_error([&] { reg.run_sync("/dead/c", std::chrono::milliseconds(20)); }, ErrorKind::Timeout);
  EXPECT_EQ(reg.idle_workers(), 0u);
  EXPECT_EQ(reg.run_sync("/q", std::nullopt).total, 42u);
  EXPECT_EQ(seen->ids.size(), 2u);
  gate->open();
  EXPECT_TRUE(eventually([&] { return reg.running() == 0 && reg.idle_workers() == 2; }));
}

TEST(StatfsRegistry, ProcessRegistryRunsTheRealStatvfs) {
  StatfsRegistry& reg = StatfsRegistry::instance();
  DiskUsage u = reg.run_sync("/", std::chrono::milliseconds(60000));
  EXPECT_GT(u.total, 0u);
  expect_error([&] { reg.run_sync("/nonexistent/hostprobe", std::chrono::milliseconds(60000)); }, ErrorKind::NotFound);
}

// ---------------------------------------------------------------------------------------
// diskstats

TEST(Diskstats, Kernel55LayoutHasDiscardAndFlush) {
  auto d = parse_diskstats(
      " 259       0 nvme0n1 10 1 100 99 20 2 200 88 3 77 66 5 0 80 9 11 12\n"
      "   8       0 sda 18446744073709551615 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n");
  ASSERT_EQ(d.size(), 2u);
  const DiskIo& n = d[0];
  EXPECT_EQ(n.name, "nvme0n1");
  EXPECT_EQ(n.major, 259u);
  EXPECT_EQ(n.read_count, 10u);
  EXPECT_EQ(n.read_merged_count, 1u);
  EXPECT_EQ(n.read_bytes, 100u * 512);
  EXPECT_EQ(n.read_time, 99u);
  EXPECT_EQ(n.write_count, 20u);
  EXPECT_EQ(n.write_merged_count, 2u);
  EXPECT_EQ(n.write_bytes, 200u * 512);
  EXPECT_EQ(n.write_time, 88u);
  EXPECT_EQ(n.in_progress, 3u);
  EXPECT_EQ(n.busy_time, 77u);
  EXPECT_EQ(n.weighted_time, 66u);
  EXPECT_EQ(n.discard_count, 5u);
  EXPECT_EQ(n.discard_merged_count, 0u);
  EXPECT_EQ(n.discard_sectors, 80u);
  EXPECT_EQ(n.discard_time, 9u);
  EXPECT_EQ(n.flush_count, 11u);
  EXPECT_EQ(n.flush_time, 12u);
  EXPECT_EQ(d[1].read_count, UINT64_MAX);
}

TEST(Diskstats, Kernel418LayoutHasDiscardOnly) {
  auto d = parse_diskstats(read_file(kFixtures + "/disk-4.18/proc/diskstats"));
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].write_bytes, 2765968u * 512);
  EXPECT_EQ(d[0].discard_count, 1200u);
  EXPECT_EQ(d[0].discard_sectors, 98304u);
  EXPECT_EQ(d[0].discard_time, 510u);
  EXPECT_FALSE(d[0].flush_count.has_value());
  EXPECT_FALSE(d[0].flush_time.has_value());
}

TEST(Diskstats, Kernel26DiskAndPartitionLines) {
  auto d = by_name(parse_diskstats(read_file(kFixtures + "/disk-legacy-2.6/proc/diskstats")));
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d["hda"].read_count, 446216u);
  EXPECT_EQ(d["hda"].busy_time, 3376340u);
  EXPECT_EQ(d["hda"].weighted_time, 23705160u);
  EXPECT_FALSE(d["hda"].discard_count.has_value());
  // 7-field partition line: reads, read sectors, writes, write sectors; the rest 0 / absent.
  EXPECT_EQ(d["hda1"].read_count, 35486u);
  EXPECT_EQ(d["hda1"].read_bytes, 38030u * 512);
  EXPECT_EQ(d["hda1"].write_count, 38030u);
  EXPECT_EQ(d["hda1"].write_bytes, 38030u * 512);
  EXPECT_EQ(d["hda1"].read_time, 0u);
  EXPECT_EQ(d["hda1"].busy_time, 0u);
  EXPECT_FALSE(d["hda1"].in_progress.has_value());
  EXPECT_FALSE(d["hda1"].weighted_time.has_value());
}

TEST(Diskstats, Kernel24FifteenFields) {
  auto d = parse_diskstats(read_file(kFixtures + "/disk-legacy-2.4/proc/diskstats"));
  ASSERT_EQ(d.size(), 2u);
  // major minor #blocks name rio rmerge rsect ruse wio wmerge wsect wuse running use aveq
  EXPECT_EQ(d[0].name, "hda");
  EXPECT_EQ(d[0].major, 3u);
  EXPECT_EQ(d[0].read_count, 446216u);
  EXPECT_EQ(d[0].read_merged_count, 784926u);
  EXPECT_EQ(d[0].read_bytes, 9550688ull * 512);
  EXPECT_EQ(d[0].write_time, 19310380u);
  EXPECT_EQ(d[0].busy_time, 3376340u);
  EXPECT_EQ(d[1].name, "hda1");
}

TEST(Diskstats, WrongFieldCountIsAParseErrorNamingFileAndLine) {
  const std::string path = kFixtures + "/disk-malformed/proc/diskstats";
  expect_error([&] { parse_diskstats(read_file(path), path); }, ErrorKind::Parse,
               {path, "line 2", "unexpected number of fields (12)"});
  expect_error([] { parse_diskstats("8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n", "ds"); }, ErrorKind::Parse,
               {"ds", "line 1", "(19)"});
}

TEST(Diskstats, NonNumericStatIsAParseErrorNamingFileAndLine) {
  Roots r = fixture_roots("disk-badvalue");
  expect_error([&] { read_disk_io(r, true); }, ErrorKind::Parse, {r.proc("diskstats"), "line 3", "x3"});
}

TEST(Diskstats, PerDiskFalseKeepsOnlySysBlockNames) {
  Roots r = fixture_roots("disk-host");
  auto per = by_name(read_disk_io(r, true));
  EXPECT_EQ(per.size(), 9u);
  EXPECT_TRUE(per.count("sda1"));
  auto disks = by_name(read_disk_io(r, false));
  // sda sdb dm-0 loop0 nvme0n1 cciss/c0d0 ('/' looked up as '!'); no partitions.
  EXPECT_EQ(disks.size(), 6u);
  EXPECT_TRUE(disks.count("cciss/c0d0"));
  EXPECT_TRUE(disks.count("dm-0"));
  EXPECT_FALSE(disks.count("sda1"));
  EXPECT_FALSE(disks.count("nvme0n1p1"));
  EXPECT_TRUE(is_storage_device(r, "cciss/c0d0"));
  EXPECT_FALSE(is_storage_device(r, "sda2"));
}

TEST(Diskstats, StorageDevicesFromOneListingOfSysBlock) {
  Roots r = fixture_roots("disk-host");
  auto names = list_storage_devices(r);
  std::sort(names.begin(), names.end());
  // Every <sysfs>/block entry, "!" turned back into "/"; is_storage_device agrees.
  EXPECT_TRUE(std::binary_search(names.begin(), names.end(), std::string("cciss/c0d0")));
  EXPECT_FALSE(std::binary_search(names.begin(), names.end(), std::string("sda1")));
  for (const std::string& n : names) EXPECT_TRUE(is_storage_device(r, n)) << n;
  EXPECT_TRUE(list_storage_devices(fixture_roots("disk-nothing-here")).empty());

  std::vector<DiskIo> all(4);
  all[0].name = "sda";
  all[1].name = "sda1";
  all[2].name = "cciss/c0d0";
  all[3].name = "sdb";
  all[3].read_count = 7;
  auto kept = keep_storage_devices(all, {"sdb", "cciss/c0d0", "sda", "nvme0n1"});
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].name, "sda");
  EXPECT_EQ(kept[1].name, "cciss/c0d0");
  EXPECT_EQ(kept[2].name, "sdb");
  EXPECT_EQ(kept[2].read_count, 7u);
  EXPECT_TRUE(keep_storage_devices(all, {}).empty());
}

TEST(Diskstats, SysfsFallbackWithoutProcDiskstats) {
  Roots r = fixture_roots("disk-sysfs");
  auto per = by_name(read_disk_io(r, true));
  ASSERT_EQ(per.size(), 3u);
  EXPECT_EQ(per["sda"].read_bytes, 20000u * 512);
  EXPECT_EQ(per["sda"].flush_time, 60u);
  EXPECT_EQ(per["sda"].major, 8u);
  EXPECT_EQ(per["sda1"].minor, 1u);
  EXPECT_FALSE(per["sda1"].discard_count.has_value());
  EXPECT_EQ(per["loop0"].discard_time, 0u);
  EXPECT_FALSE(per["loop0"].flush_count.has_value());
  auto disks = by_name(read_disk_io(r, false));
  EXPECT_EQ(disks.size(), 2u);
  EXPECT_FALSE(disks.count("sda1"));
}

TEST(Diskstats, BlockStatLayouts) {
  auto d = parse_block_stat("1 2 3 4 5 6 7 8 9 10 11", "stat");
  EXPECT_EQ(d.write_bytes, 7u * 512);
  EXPECT_FALSE(d.discard_count.has_value());
  d = parse_block_stat("1 2 3 4", "stat");
  EXPECT_EQ(d.write_bytes, 4u * 512);
  expect_error([] { parse_block_stat("1 2 3", "/sys/block/x/stat"); }, ErrorKind::Parse, {"/sys/block/x/stat"});
}

TEST(Diskstats, NeitherFileNorSysfsIsUnsupported) {
  Roots r = fixture_roots("disk-nothing-here");
  expect_error([&] { read_disk_io(r, true); }, ErrorKind::Unsupported, {"diskstats"});
}

TEST(Diskstats, LiveDiskstatsParses) {
  Roots r;
  auto per = read_disk_io(r, true);
  EXPECT_FALSE(per.empty());
  auto disks = read_disk_io(r, false);
  EXPECT_LE(disks.size(), per.size());
}

}  // namespace
}  // namespace hp
