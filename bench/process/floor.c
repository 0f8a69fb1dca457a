// The floor of the process-table benchmark: a minimal C program that makes the same
// system calls as hostprobe's scan for psutil's common attribute set (name, cmdline,
// status, cpu times, memory info, threads, fds, context switches, io counters, create
// time, ppid, username) and nothing else: no parsing, no objects, no thread hop.
//
// Per process: open /proc/<pid> (a directory fd), read stat, status, io and cmdline
// through it (the scan takes statm's numbers from status, which it reads anyway), and
// count the fds (fstatat's st_size on Linux >= 6.2, preceded by a faccessat permission
// check unless we hold CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH; a getdents loop on older
// kernels), exactly as the scan does. Like the scan, it stops reading stat/status/io
// after one short read (they are single seq_file records, returned whole), and reads
// cmdline to EOF.
//
//   floor [iterations] [procfs]  -> one JSON line: per-iteration times (ms), process count
//   floor serve [procfs]         -> for each line read on stdin, one scan; prints "<ms> <processes>"
//
// Built by bench/process/run.mjs with `cc -O2`.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char buf[32 * 1024];
static int fd_size_works;
static int dac_caps;

static long slurp(int dirfd, const char* name, int one_record) {
  int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    total += n;
    if (one_record && (size_t)n < sizeof buf) break;
  }
  close(fd);
  return total;
}

static int have_dac_caps(void) {
  FILE* f = fopen("/proc/self/status", "r");
  char line[256];
  unsigned long long caps = 0;
  if (!f) return 0;
  while (fgets(line, sizeof line, f))
    if (strncmp(line, "CapEff:", 7) == 0) caps = strtoull(line + 7, NULL, 16);
  fclose(f);
  return (caps & 6ULL) != 0;  // CAP_DAC_OVERRIDE | CAP_DAC_READ_SEARCH
}

static long count_fds(int dirfd) {
  if (fd_size_works) {
    struct stat st;
    if (!dac_caps && faccessat(dirfd, "fd", R_OK, AT_EACCESS) != 0) return -1;
    if (fstatat(dirfd, "fd", &st, 0) != 0) return -1;
    return (long)st.st_size;
  }
  int fd = openat(dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return -1;
  long count = 0;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      unsigned short reclen;
      memcpy(&reclen, buf + off + 16, sizeof reclen);
      if (buf[off + 19] != '.') count++;
      off += reclen;
    }
  }
  close(fd);
  return count;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long sink;

// One pass over the table; returns the number of processes read.
static int scan(const char* procfs) {
  int proc = open(procfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc < 0) return -1;
  DIR* d = fdopendir(dup(proc));
  struct dirent* e;
  int nproc = 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    int pd = openat(proc, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (pd < 0) continue;
    nproc++;
    sink += slurp(pd, "stat", 1);
    sink += slurp(pd, "status", 1);
    sink += slurp(pd, "io", 1);
    sink += slurp(pd, "cmdline", 0);
    sink += count_fds(pd);
    close(pd);
  }
  closedir(d);
  close(proc);
  return nproc;
}

int main(int argc, char** argv) {
  struct stat st;
  fd_size_works = stat("/proc/self/fd", &st) == 0 && st.st_size > 0;
  dac_caps = have_dac_caps();
  if (argc > 1 && strcmp(argv[1], "serve") == 0) {
    const char* procfs = argc > 2 ? argv[2] : "/proc";
    char line[64];
    setvbuf(stdout, NULL, _IOLBF, 0);
    while (fgets(line, sizeof line, stdin)) {
      double t0 = now_ms();
      int n = scan(procfs);
      printf("%.4f %d\n", now_ms() - t0, n);
    }
    return 0;
  }
  int iterations = argc > 1 ? atoi(argv[1]) : 50;
  const char* procfs = argc > 2 ? argv[2] : "/proc";
  int nproc = 0;
  printf("{\"times_ms\":[");
  for (int it = 0; it < iterations; it++) {
    double t0 = now_ms();
    nproc = scan(procfs);
    printf("%s%.4f", it ? "," : "", now_ms() - t0);
  }
  printf("],\"processes\":%d,\"fdCountByStat\":%s,\"sink\":%ld}\n", nproc, fd_size_works ? "true" : "false", sink);
  return 0;
}
