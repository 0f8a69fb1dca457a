#include "disk_statfs.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>

namespace hp {

struct StatfsRegistry::State {
  struct Call {
    uint64_t id = 0;
    std::string path;
    bool done = false;
    bool stuck = false;
    StatfsOutcome outcome;
    std::vector<Callback> callbacks;
    std::condition_variable cv;
  };

  explicit State(StatFn f) : fn(std::move(f)) {}

  // Worker threads are reused: one that finished its statvfs waits up to kIdleTimeout for
  // the next job. There is no fixed pool: when no worker is idle (all busy, or stuck in a
  // dead mount) a new thread is started, so a stuck mount never holds up another path.
  static constexpr auto kIdleTimeout = std::chrono::seconds(30);
  static constexpr size_t kMaxIdle = 4;

  StatFn fn;
  mutable std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<Call>> running;  // by path
  uint64_t next_id = 1;
  std::deque<std::shared_ptr<Call>> queue;  // started calls no worker has taken yet
  size_t idle = 0;                          // workers waiting on work_cv
  std::condition_variable work_cv;

  // Returns the call running for `path`, or a new one handed to a worker. mu must be held.
  static std::shared_ptr<Call> acquire(const std::shared_ptr<State>& self, const std::string& path) {
    auto it = self->running.find(path);
    if (it != self->running.end()) {
      if (it->second->stuck)
        throw Error(ErrorKind::Timeout,
                    "statvfs " + path + " has not returned since an earlier call timed out (stuck mount)", path, EBUSY);
      return it->second;
    }
    auto call = std::make_shared<Call>();
    call->id = self->next_id++;
    call->path = path;
    self->running.emplace(path, call);
    self->queue.push_back(call);
    if (self->idle >= self->queue.size()) {
      self->work_cv.notify_one();
      return call;
    }
    try {
      std::thread([self] { work(self); }).detach();
    } catch (const std::system_error& e) {
      self->queue.pop_back();
      self->running.erase(path);
      throw Error(ErrorKind::Io, "cannot start a statvfs thread for " + path + ": " + e.what(), path, e.code().value());
    }
    return call;
  }

  // A worker: takes calls from the queue until it has been idle for kIdleTimeout.
  static void work(const std::shared_ptr<State>& self) {
    std::unique_lock<std::mutex> lock(self->mu);
    for (;;) {
      if (!self->queue.empty()) {
        std::shared_ptr<Call> call = std::move(self->queue.front());
        self->queue.pop_front();
        lock.unlock();
        run(self, call);
        lock.lock();
        continue;
      }
      if (self->idle >= kMaxIdle) return;
      ++self->idle;
      bool got = self->work_cv.wait_for(lock, kIdleTimeout, [&] { return !self->queue.empty(); });
      --self->idle;
      if (!got) return;
    }
  }

  static void run(const std::shared_ptr<State>& self, const std::shared_ptr<Call>& call) {
    StatfsOutcome out;
    try {
      out.usage = self->fn(call->path);
    } catch (const Error& e) {
      out.error = e;
    } catch (const std::exception& e) {
      out.error = Error(ErrorKind::Io, e.what(), call->path);
    } catch (...) {
      out.error = Error(ErrorKind::Io, "unknown error in statvfs", call->path);
    }
    std::vector<Callback> callbacks;
    {
      std::lock_guard<std::mutex> lock(self->mu);
      call->done = true;
      call->outcome = out;
      callbacks.swap(call->callbacks);
      auto it = self->running.find(call->path);
      if (it != self->running.end() && it->second == call) self->running.erase(it);
    }
    call->cv.notify_all();
    for (Callback& cb : callbacks) {
      try {
        cb(out);
      } catch (...) {
        // A callback must not take the thread down; there is nobody to report to.
      }
    }
  }
};

StatfsRegistry& StatfsRegistry::instance() {
  static StatfsRegistry* registry = new StatfsRegistry(statvfs_usage);
  return *registry;
}

StatfsRegistry::StatfsRegistry(StatFn fn) : state_(std::make_shared<State>(std::move(fn))) {}

uint64_t StatfsRegistry::start(const std::string& path, Callback done) {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto call = State::acquire(state_, path);
  call->callbacks.push_back(std::move(done));
  return call->id;
}

DiskUsage StatfsRegistry::run_sync(const std::string& path, std::optional<std::chrono::milliseconds> timeout) {
  std::unique_lock<std::mutex> lock(state_->mu);
  auto call = State::acquire(state_, path);
  auto finished = [&call] { return call->done; };
  if (timeout) {
    if (!call->cv.wait_for(lock, *timeout, finished)) {
      call->stuck = true;
      throw Error(ErrorKind::Timeout,
                  "statvfs " + path + " did not return within " + std::to_string(timeout->count()) + " ms", path,
                  ETIMEDOUT);
    }
  } else {
    call->cv.wait(lock, finished);
  }
  StatfsOutcome out = call->outcome;
  lock.unlock();
  if (out.error) throw *out.error;
  return *out.usage;
}

bool StatfsRegistry::mark_stuck(uint64_t id) {
  std::lock_guard<std::mutex> lock(state_->mu);
  for (auto& [path, call] : state_->running) {
    if (call->id == id) {
      call->stuck = true;
      return true;
    }
  }
  return false;
}

bool StatfsRegistry::is_stuck(const std::string& path) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->running.find(path);
  return it != state_->running.end() && it->second->stuck;
}

std::vector<std::string> StatfsRegistry::stuck_paths() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  std::vector<std::string> out;
  for (const auto& [path, call] : state_->running)
    if (call->stuck) out.push_back(path);
  return out;
}

size_t StatfsRegistry::running() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->running.size();
}

size_t StatfsRegistry::idle_workers() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->idle;
}

}  // namespace hp
