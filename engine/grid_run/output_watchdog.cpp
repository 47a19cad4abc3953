#include "engine/grid_run/output_watchdog.hpp"

namespace alamod::engine {

OutputWatchdog::OutputWatchdog(double stall_seconds, OnStall on_stall)
    : stall_seconds_(stall_seconds), on_stall_(std::move(on_stall)), thread_([this] { watch(); }) {}

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
    if (stop_ || !busy_) continue;
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
