// statvfs(2) on a mount that does not answer (a dead NFS server, a hung FUSE daemon)
// blocks the calling thread for as long as the mount is dead, possibly forever. So every
// statvfs of the disk area runs on a detached thread of its own (threads that finished
// are reused for the next call; when none is free a new one starts, so there is no fixed
// pool a stuck mount could exhaust), and this registry remembers the calls still running
// per path:
//   - a second request for a path whose statvfs is still running joins that call instead
//     of starting another thread;
//   - once a waiter gave up on a call (timeout), the path is "stuck": further requests fail
//     at once with Error(Timeout, EBUSY), without a new thread, until the hung call returns
//     (node_exporter's stuck-mount set does the same).
// Pure C++ (no Node): the binding settles Promises from the completion callbacks.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "disk.h"
#include "error.h"

namespace hp {

struct StatfsOutcome {
  std::optional<DiskUsage> usage;  // set on success
  std::optional<Error> error;      // set on failure
};

class StatfsRegistry {
 public:
  using StatFn = std::function<DiskUsage(const std::string& path)>;
  using Callback = std::function<void(const StatfsOutcome&)>;

  // The process-wide registry over the real statvfs. Never destroyed, because detached
  // statvfs threads may outlive everything else.
  static StatfsRegistry& instance();

  // A registry over another stat function (tests use one that blocks until released).
  // Its threads keep the shared state alive, so it may be destroyed while calls still run.
  explicit StatfsRegistry(StatFn fn);

  // Starts statvfs(path) on a free (or new) detached thread, or joins the call running for
  // `path`. `done` runs on the statvfs thread when the call returns, after the registry's
  // lock is released (so it may call back into the registry).
  // Returns the call's id. Throws Error(Timeout, errno EBUSY) without starting anything
  // when the call running for `path` is stuck, and Error(Io) if no thread can be created.
  uint64_t start(const std::string& path, Callback done);

  // Blocking form: starts or joins the call, then waits up to `timeout` (forever when
  // nullopt). On timeout the call is marked stuck and Error(Timeout, ETIMEDOUT) is thrown;
  // the statvfs thread stays behind until the mount answers.
  DiskUsage run_sync(const std::string& path, std::optional<std::chrono::milliseconds> timeout);

  // A waiter gave up on call `id`: its path is stuck until the call returns. Returns false
  // when the call already returned (then nothing is stuck).
  bool mark_stuck(uint64_t id);

  // True while a statvfs on `path` that some waiter gave up on has not returned.
  bool is_stuck(const std::string& path) const;
  std::vector<std::string> stuck_paths() const;
  // Number of statvfs calls currently running (stuck or not).
  size_t running() const;
  // Worker threads waiting for a job (finished workers are reused for a while).
  size_t idle_workers() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace hp
