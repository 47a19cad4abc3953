#pragma once
/// A watch on rank 0 over the collective output calls of a run on several ranks. When one rank's write
/// fails inside HDF5 (a full disk, an exceeded quota), HDF5 itself can leave the ranks in different
/// collective calls: no rank ever gets the error back and the run would wait until killed. The watchdog
/// thread calls `on_stall` when the main thread has been inside one output call for `stall_seconds`,
/// and again every second while it stays there; `on_stall` decides (e.g. from the free space) whether
/// to abort the communicator. A second watch covers the whole run: when `mark_progress` (called after
/// each simulated year) has not come for longer than the progress limit, or 10 times the longest interval
/// between marks so far if that is longer, `on_no_progress` is called: a rank stopped or a file system
/// stalled for a reason the first watch cannot see, and the others would wait in a collective call for
/// ever. Normal runs never notice either watch: the thread only reads a clock four times a second.
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
  /// Called on the watchdog's thread with the seconds since the last progress and the limit applied.
  using OnNoProgress = std::function<void(double seconds, double limit)>;
  /// An empty `on_stall` leaves output calls unwatched (the ranks other than 0); a progress limit <= 0
  /// (or an empty `on_no_progress`) leaves the run's progress unwatched.
  OutputWatchdog(double stall_seconds, OnStall on_stall, double progress_limit_seconds = 0,
                 OnNoProgress on_no_progress = {});
  ~OutputWatchdog();
  OutputWatchdog(const OutputWatchdog&) = delete;
  OutputWatchdog& operator=(const OutputWatchdog&) = delete;

  /// A simulated year (or another step of the run) was completed: the progress clock restarts.
  void mark_progress();
  /// The run is over: no more progress is expected.
  void stop_progress_watch();

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
  double progress_limit_;
  OnNoProgress on_no_progress_;
  bool progress_watched_ = false;
  std::chrono::steady_clock::time_point last_progress_;
  double longest_interval_ = 0;
  std::thread thread_;
};

}  // namespace alamod::engine
