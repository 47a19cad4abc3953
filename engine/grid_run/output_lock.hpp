#pragma once
/// The lock of one output file: DIR/.NAME.lock, held by rank 0 for the whole run (fresh, --restart or
/// --overwrite) with flock(2), so that a second run on the same output is refused before it writes
/// anything. The kernel releases the lock when its process ends, however it ends (a signal, a crash, a
/// node's reboot for a cluster file system), so a lock left by a dead run is stale and simply taken
/// over; a live holder is named by its process id and host. The file itself is removed by its holder on
/// release (while still holding it; a run that takes a lock checks that its file was not removed since).
#include <cstddef>
#include <string>

namespace alamod::engine {

class OutputLock {
 public:
  /// Takes the lock of `output` (the output file's path) at `lock_path`. Throws InputError saying the
  /// output is in use by another run (its process and host) when a live run holds it, or naming the lock
  /// file when it cannot be created (a read-only folder, a symbolic link there). `took_over` is set to a
  /// description of the earlier, dead holder when a stale lock file was there.
  OutputLock(std::string lock_path, const std::string& output, std::string& took_over);
  ~OutputLock();  ///< removes the lock file and releases the lock
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  /// Whether the output's file system takes `bytes` more (written past the lock file's end, then cut
  /// off again): false with `error_number` (ENOSPC, EDQUOT...) when it does not. A full disk or an exceeded
  /// quota shows here even where the free space of the file system does not tell (quotas).
  bool can_grow(std::size_t bytes, int& error_number) const;

  /// DIR/.NAME.lock for the output file DIR/NAME.
  static std::string path_for(const std::string& out_dir, const std::string& output_name);

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace alamod::engine
