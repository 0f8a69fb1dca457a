// Host facts: logged-in users (utmp), uname(2), os-release, uptime, and the small
// /proc and /sys files node_exporter reports (file-nr, entropy, clocksource, PSI).
// Pure parsers (parse_*) take the file contents; readers (read_*) do the I/O under a Roots.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roots.h"

namespace hp {

// A USER_PROCESS record of utmp, psutil's suser.
struct UserEntry {
  std::string name;
  std::optional<std::string> terminal;  // ut_line; nullopt when empty
  std::string host;                     // ut_host; "", ":0" and ":0.0" become "localhost"
  double started = 0;                   // ut_tv.tv_sec, seconds since the epoch
  int64_t pid = 0;
};

// glibc's struct utmp on disk: 384 bytes in native byte order on every glibc
// architecture (ut_session and ut_tv are 32-bit even on 64-bit ABIs).
inline constexpr size_t kUtmpRecordSize = 384;
inline constexpr int kUtmpUserProcess = 7;

struct Uname {
  std::string sysname, nodename, release, version, machine, domainname;
};

// os-release(5) fields; nullopt when the file does not set them.
struct OsRelease {
  std::optional<std::string> id, id_like, name, pretty_name, version, version_id, version_codename, build_id, variant,
      variant_id, image_id, image_version;
  std::string path;  // the file that was read
};

struct HostInfo {
  Uname uname;
  double boot_time = 0;  // btime of <procfs>/stat
  double uptime = 0;     // first field of <procfs>/uptime
};

struct FileNr {
  uint64_t allocated = 0, unused = 0, maximum = 0;
};

struct ClockSource {
  std::vector<std::string> available;
  std::string current;
};

// One PSI line: averages in %, total stall time in microseconds as the kernel prints it.
struct PsiLine {
  double avg10 = 0, avg60 = 0, avg300 = 0;
  uint64_t total_us = 0;
};
struct PsiResource {
  std::optional<PsiLine> some, full;
};
struct Pressure {
  std::optional<PsiResource> cpu, io, memory, irq;
};

// --- pure parsers -------------------------------------------------------------------

// The USER_PROCESS records of a utmp file's bytes; a trailing partial record is ignored.
std::vector<UserEntry> parse_utmp(std::string_view bytes);
// KEY=VALUE lines with shell quoting (os-release(5)). Unknown keys are ignored.
OsRelease parse_os_release(std::string_view text);
// One os-release value: strips '...' / "..." quoting and backslash escapes.
std::string unquote_shell_value(std::string_view raw);
FileNr parse_file_nr(std::string_view text, const std::string& path = "/proc/sys/fs/file-nr");
PsiResource parse_psi(std::string_view text, const std::string& path = "/proc/pressure/cpu");
double parse_uptime(std::string_view text, const std::string& path = "/proc/uptime");

// --- readers ------------------------------------------------------------------------

// <rootfs>/run/utmp, else <rootfs>/var/run/utmp; [] when neither exists.
std::vector<UserEntry> read_users(const Roots& r);
// uname(2): the caller's UTS namespace (not rooted).
Uname read_uname();
// The same six fields joined by NUL (which none can contain), in a per-thread buffer
// valid until the next call: no allocation, for the binding's hot path.
std::string_view read_uname_joined();
// <rootfs>/etc/os-release, else <rootfs>/usr/lib/os-release. NotFound when neither exists.
OsRelease read_os_release(const Roots& r);
HostInfo read_host_info(const Roots& r);
FileNr read_file_nr(const Roots& r);
uint64_t read_entropy_avail(const Roots& r);
std::optional<uint64_t> read_entropy_pool_size(const Roots& r);
// <sysfs>/devices/system/clocksource/clocksource0; nullopt when absent.
std::optional<ClockSource> read_clock_source(const Roots& r);
// <procfs>/pressure/*; nullopt when the kernel has no PSI (no directory, or psi=0).
std::optional<Pressure> read_pressure(const Roots& r);

}  // namespace hp
