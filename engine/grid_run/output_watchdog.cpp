#include "engine/grid_run/output_watchdog.hpp"

#include <algorithm>

namespace alamod::engine {

OutputWatchdog::OutputWatchdog(double stall_seconds, OnStall on_stall, double progress_limit_seconds,
                               OnNoProgress on_no_progress)
    : stall_seconds_(stall_seconds),
      on_stall_(std::move(on_stall)),
      progress_limit_(progress_limit_seconds),
      on_no_progress_(std::move(on_no_progress)),
      progress_watched_(progress_limit_seconds > 0 && on_no_progress_),
      last_progress_(std::chrono::steady_clock::now()),
      thread_([this] { watch(); }) {}

void OutputWatchdog::mark_progress() {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  longest_interval_ = std::max(longest_interval_, std::chrono::duration<double>(now - last_progress_).count());
  last_progress_ = now;
}

void OutputWatchdog::stop_progress_watch() {
  std::lock_guard<std::mutex> lock(mutex_);
  progress_watched_ = false;
}

OutputWatchdog::~OutputWatchdog() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void OutputWatchdog::watch() {
  using clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lock(mutex_);
  clock::time_point next_check{};
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::milliseconds(250));
    if (stop_) break;
    if (progress_watched_) {
      const double since = std::chrono::duration<double>(clock::now() - last_progress_).count();
      const double limit = std::max(progress_limit_, 10.0 * longest_interval_);
      if (since > limit) {
        progress_watched_ = false;  // once: the handler aborts the run
        lock.unlock();
        on_no_progress_(since, limit);
        lock.lock();
        continue;
      }
    }
    if (!busy_ || !on_stall_) continue;
    const clock::time_point now = clock::now();
    const double seconds = std::chrono::duration<double>(now - since_).count();
    if (seconds < stall_seconds_ || now < next_check) continue;
    next_check = now + std::chrono::seconds(1);
    const std::vector<std::string> temporaries = temporaries_;
    lock.unlock();
    on_stall_(seconds, temporaries);
    lock.lock();
  }
}

OutputWatchdog::Phase::Phase(OutputWatchdog* watchdog, std::vector<std::string> temporaries) : watchdog_(watchdog) {
  if (!watchdog_) return;
  std::lock_guard<std::mutex> lock(watchdog_->mutex_);
  watchdog_->busy_ = true;
  watchdog_->since_ = std::chrono::steady_clock::now();
  watchdog_->temporaries_ = std::move(temporaries);
}

OutputWatchdog::Phase::~Phase() {
  if (!watchdog_) return;
  std::lock_guard<std::mutex> lock(watchdog_->mutex_);
  watchdog_->busy_ = false;
}

}  // namespace alamod::engine
