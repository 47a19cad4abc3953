#include "grids/output_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "grids/input_error.hpp"

namespace alamod::grids {

namespace {

std::string system_error_text(int e) { return std::strerror(e); }

std::string format_bytes(double bytes) {
  char buf[64];
  if (bytes < 1024.0 * 1024.0) std::snprintf(buf, sizeof buf, "%.0f KiB", bytes / 1024.0);
  else if (bytes < 1024.0 * 1024.0 * 1024.0) std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / 1048576.0);
  else std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / 1073741824.0);
  return buf;
}

}  // namespace

std::string diagnose_write_failure(const std::string& folder, int error_number, double room_bytes) {
  if (error_number == EDQUOT) return "the disk quota is exceeded (" + system_error_text(EDQUOT) + ")";
  struct statvfs fs {};
  const bool known = statvfs(folder.c_str(), &fs) == 0;
  const double left = known ? static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize) : -1.0;
  if (error_number == ENOSPC || (known && left < room_bytes))
    return "the disk is full (" + system_error_text(ENOSPC) +
           (known ? "; " + format_bytes(left) + " left on the file system of " + folder : std::string()) + ")";
  if (error_number == EIO || error_number == EROFS || error_number == EACCES || error_number == EFBIG)
    return system_error_text(error_number);
  return "";
}

std::string file_kind(unsigned mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISREG(mode)) return "a regular file";
  return "a special file";
}

void clear_temporary(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw InputError(path + ": cannot inspect alamod's temporary file name (" + system_error_text(errno) + ")");
  }
  if (!S_ISREG(st.st_mode))
    throw InputError(path + ": alamod writes its temporary file under this name, but " + file_kind(st.st_mode) +
                     " is there; alamod never writes through it: remove it, or choose another --out");
  // an unfinished temporary of an earlier run of this output (the output's lock is held): removing the
  // name never touches another file, even a hard link's
  if (unlink(path.c_str()) != 0 && errno != ENOENT)
    throw InputError(path + ": cannot remove an earlier run's unfinished temporary file (" +
                     system_error_text(errno) + ")");
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  return stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool has_hdf5_signature(const std::string& path) {
  static const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  unsigned char head[8] = {};
  const bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pread(fd, head, 8, 0) == 8 &&
                  std::memcmp(head, kSignature, 8) == 0;
  close(fd);
  return ok;
}

void copy_file_exclusive(const std::string& from, const std::string& to, int& error_number) {
  error_number = 0;
  const int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    error_number = errno;
    throw std::runtime_error("cannot read " + from + " (" + system_error_text(error_number) + ")");
  }
  const int out = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (out < 0) {
    error_number = errno;
    close(in);
    throw std::runtime_error("cannot create " + to + " (" + system_error_text(error_number) + ")");
  }
  std::vector<char> buf(1 << 20);
  bool ok = true;
  for (;;) {
    const ssize_t n = read(in, buf.data(), buf.size());
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = write(out, buf.data() + done, static_cast<size_t>(n - done));
      if (w < 0) {
        if (errno == EINTR) continue;
        ok = false;
        break;
      }
      done += w;
    }
    if (!ok) break;
  }
  if (!ok) error_number = errno;
  if (close(out) != 0 && ok) {
    ok = false;
    error_number = errno;
  }
  close(in);
  if (!ok) {
    unlink(to.c_str());
    throw std::runtime_error("cannot copy " + from + " to " + to + " (" + system_error_text(error_number) + ")");
  }
}

void on_rank0(MPI_Comm comm, const std::function<void()>& step) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string message;
  int failed = 0;
  if (rank == 0) {
    try {
      step();
    } catch (const std::exception& e) {
      message = e.what();
      failed = 1;
    }
  }
  MPI_Bcast(&failed, 1, MPI_INT, 0, comm);
  if (!failed) return;
  int len = static_cast<int>(message.size());
  MPI_Bcast(&len, 1, MPI_INT, 0, comm);
  message.resize(static_cast<size_t>(len));
  MPI_Bcast(message.data(), len, MPI_CHAR, 0, comm);
  throw InputError(message);
}

int mpiio_name_limit(int ranks) {
#ifdef OPEN_MPI
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  // a framework's selection: "a,b" keeps only those components, "^a,b" leaves them out
  auto selects = [](const std::string& list, const std::string& component) {
    if (list.empty()) return true;
    const bool exclude = list[0] == '^';
    const bool named = list.find(component) != std::string::npos;
    return exclude ? !named : named;
  };
  if (!selects(env("OMPI_MCA_io"), "ompio") || !selects(env("OMPI_MCA_sharedfp"), "lockedfile")) return -1;
  // sprintf(buf[256], "%s.locktest.%d", name, rank) in sharedfp/lockedfile's component query
  int digits = 1;
  for (int r = ranks - 1; r >= 10; r /= 10) ++digits;
  return 255 - 10 - digits;
#else
  (void)ranks;
  return -1;
#endif
}

}  // namespace alamod::grids
