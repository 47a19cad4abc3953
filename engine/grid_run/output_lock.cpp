#include "engine/grid_run/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "grids/input_error.hpp"
#include "grids/output_files.hpp"

namespace alamod::engine {

namespace {

/// The holder's own description, as recorded in the lock file: "process PID on host HOST since TIME".
std::string holder_text() {
  char host[256] = "unknown";
  gethostname(host, sizeof host - 1);
  host[sizeof host - 1] = '\0';
  char when[64] = "";
  const std::time_t now = std::time(nullptr);
  std::tm tm {};
  localtime_r(&now, &tm);
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
  return "process " + std::to_string(static_cast<long>(getpid())) + " on host " + host + " since " + when;
}

/// What the lock file says of its holder (its first line, printable characters only).
std::string recorded_holder(int fd) {
  char buf[512] = {};
  const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  std::string text;
  for (ssize_t i = 0; i < n && buf[i] != '\n'; ++i)
    text += (buf[i] >= 0x20 && buf[i] < 0x7f) ? buf[i] : '?';
  return text;
}

bool same_inode(int fd, const std::string& path) {
  struct stat a {}, b {};
  return fstat(fd, &a) == 0 && lstat(path.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

std::string OutputLock::path_for(const std::string& out_dir, const std::string& output_name) {
  return out_dir + "/." + output_name + ".lock";
}

OutputLock::OutputLock(std::string lock_path, const std::string& output, std::string& took_over)
    : path_(std::move(lock_path)) {
  took_over.clear();
  // a few tries: the file may be removed by its holder between our open and our flock
  for (int attempt = 0; attempt < 20; ++attempt) {
    // no link followed, no blocking on a named pipe planted there
    const int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int e = errno;
      if (e == ELOOP)
        throw InputError(path_ + ": a symbolic link has the name of the lock of " + output +
                         "; alamod does not follow it: remove it");
      throw InputError(path_ + ": cannot create the lock file of the output " + output + " (" + std::strerror(e) +
                       "); is the output folder writable?");
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      throw InputError(path_ + ": " + grids::file_kind(st.st_mode) + " has the name of the lock of " + output +
                       "; remove it");
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int e = errno;
      if (e == EWOULDBLOCK) {
        std::string holder = recorded_holder(fd);
        close(fd);
        throw InputError(output + ": the output is in use by another run (" +
                         (holder.empty() ? std::string("a run starting now") : holder) + ", locked in " + path_ +
                         "); wait until it ends, or choose another --out or output.file");
      }
      if (e == ENOLCK || e == EOPNOTSUPP || e == ENOSYS || e == EINVAL) {
        // a file system without locks (e.g. Lustre mounted without -o flock): the run goes on unprotected
        std::fprintf(stderr,
                     "alamod: warning: %s: this file system does not support locks (%s); make sure no other run "
                     "writes %s at the same time\n",
                     path_.c_str(), std::strerror(e), output.c_str());
        fd_ = fd;
        return;
      }
      close(fd);
      throw InputError(path_ + ": cannot lock the output " + output + " (" + std::strerror(e) + ")");
    }
    // the previous holder removes its lock file while holding it: ours must still be the one at the path
    if (!same_inode(fd, path_)) {
      close(fd);
      continue;
    }
    took_over = recorded_holder(fd);
    const std::string me = holder_text() + "\n";
    if (ftruncate(fd, 0) == 0) {
      const ssize_t written = pwrite(fd, me.data(), me.size(), 0);
      (void)written;  // the record only names the holder in another run's message
    }
    fd_ = fd;
    return;
  }
  throw InputError(path_ + ": cannot take the lock of the output " + output + " (its lock file keeps changing)");
}

bool OutputLock::can_grow(std::size_t bytes, int& error_number) const {
  error_number = 0;
  struct stat st {};
  if (fd_ < 0 || fstat(fd_, &st) != 0) return true;  // nothing to tell from
  const std::string zeros(bytes, '\0');
  const ssize_t written = pwrite(fd_, zeros.data(), zeros.size(), st.st_size);
  if (written < 0) error_number = errno;
  else if (static_cast<std::size_t>(written) < bytes) error_number = ENOSPC;
  if (ftruncate(fd_, st.st_size) != 0 && error_number == 0) error_number = errno;
  return error_number == 0;
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  // removed while still held: a run that opened the old file finds it gone and opens the path again
  if (same_inode(fd_, path_)) unlink(path_.c_str());
  close(fd_);
}

}  // namespace alamod::engine
