#pragma once
/// A watch on rank 0 over the collective output calls of a run on several ranks. When one rank's write
/// fails inside HDF5 (a full disk, an exceeded quota), HDF5 itself can leave the ranks in different
/// collective calls: no rank ever gets the error back and the run would wait until killed. The watchdog
/// thread calls `on_stall` when the main thread has been inside one output call for `stall_seconds`,
/// and again every second while it stays there; `on_stall` decides (e.g. from the free space) whether
/// to abort the communicator. Normal runs never notice it: it only reads a clock four times a second.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace alamod::engine {

class OutputWatchdog {
 public:
  /// Called on the watchdog's thread with the temporary files of the output call that stalled.
  using OnStall = std::function<void(double seconds, const std::vector<std::string>& temporaries)>;
  OutputWatchdog(double stall_seconds, OnStall on_stall);
  ~OutputWatchdog();
  OutputWatchdog(const OutputWatchdog&) = delete;
  OutputWatchdog& operator=(const OutputWatchdog&) = delete;

  /// While it lives, the main thread is in a collective output call writing `temporaries`. A null
  /// watchdog (other ranks, one rank) makes it a no-op.
  class Phase {
   public:
    Phase(OutputWatchdog* watchdog, std::vector<std::string> temporaries);
    ~Phase();
    Phase(const Phase&) = delete;
    Phase& operator=(const Phase&) = delete;

   private:
    OutputWatchdog* watchdog_;
  };

 private:
  void watch();
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false, busy_ = false;
  std::chrono::steady_clock::time_point since_;
  std::vector<std::string> temporaries_;
  double stall_seconds_;
  OnStall on_stall_;
  std::thread thread_;
};

}  // namespace alamod::engine
