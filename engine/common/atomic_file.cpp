#include "engine/common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <random>

#include "grids/input_error.hpp"

namespace alamod::engine {

namespace fs = std::filesystem;

namespace {

constexpr mode_t kFileMode = 0644;     ///< rw-r--r--, less the umask
constexpr int kNameAttempts = 100;     ///< fresh random names tried while the name drawn exists
constexpr int kRandomCharacters = 6;   ///< as mkstemp's XXXXXX

std::string reason(int error) { return std::strerror(error); }

/// Random letters and digits for the temporary's name (unpredictable: std::random_device).
std::string random_suffix() {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::string s(kRandomCharacters, '0');
  for (char& c : s) c = kAlphabet[device() % (sizeof kAlphabet - 1)];
  return s;
}

/// The folder that holds `target` ("." for a bare file name).
fs::path folder_of(const fs::path& target) {
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

/// A temporary file beside its target: created exclusively, then written and synced by write(), renamed
/// over the target by commit(); closed and removed on destruction unless it was renamed.
class TemporaryFile {
 public:
  explicit TemporaryFile(const fs::path& target) : target_(target) {
    const std::string name = target.filename().string();
    if (name.empty() || name == "." || name == "..")
      throw AtomicFileError(AtomicFileError::Step::create, target.string() + ": not a file name, cannot write it");
    const fs::path folder = target.parent_path();
    int error = 0;
    for (int attempt = 0; attempt < kNameAttempts; ++attempt) {
      path_ = folder / ("." + name + "." + random_suffix());
      fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, kFileMode);
      if (fd_ >= 0) break;
      error = errno;
      if (error != EEXIST) break;
    }
    if (fd_ < 0)
      throw AtomicFileError(AtomicFileError::Step::create,
                            target.string() + ": cannot create a temporary file beside it (" +
                                (folder / ("." + name + ".XXXXXX")).string() + "): " + reason(error));
  }

  ~TemporaryFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!placed_) ::unlink(path_.c_str());
  }

  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  /// Write `text`, flush it to disk and close the file.
  void write(std::string_view text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail_write(n < 0 ? errno : EIO);
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd_) != 0) fail_write(errno);
    const int closed = ::close(fd_);
    fd_ = -1;
    if (closed != 0) fail_write(errno);
  }

  /// The temporary's path.
  const fs::path& path() const { return path_; }

  /// Close the file without writing, for a library that opens it by name (AtomicOutputPath).
  void close_for_library() {
    const int closed = ::close(fd_);
    fd_ = -1;
    if (closed != 0) fail_write(errno);
  }

  /// Flush what a library wrote under the temporary's name to disk (AtomicOutputPath::commit).
  void sync_by_name() {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) fail_write(errno);
    const int synced = ::fsync(fd), error = errno;
    ::close(fd);
    if (synced != 0) fail_write(error);
  }

  /// Refuse a target that exists and is not a regular file (a symbolic link, a folder, a device).
  void check_target() const {
    struct stat st {};
    if (::lstat(target_.c_str(), &st) != 0) {
      if (errno == ENOENT) return;
      fail_commit("cannot check what is there: " + reason(errno));
    }
    if (S_ISREG(st.st_mode)) return;
    const char* kind = S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a folder" : "not a regular file";
    fail_commit(std::string("is ") + kind + ", expected a regular file or nothing; not replaced");
  }

  /// Rename the temporary over the target and sync the folder (best effort: not every file system can).
  void commit() {
    if (::rename(path_.c_str(), target_.c_str()) != 0)
      fail_commit("cannot rename the temporary file " + path_.string() + " to it: " + reason(errno));
    placed_ = true;
    const int folder = ::open(folder_of(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (folder >= 0) {
      (void)::fsync(folder);
      ::close(folder);
    }
  }

 private:
  [[noreturn]] void fail_write(int error) const {
    throw AtomicFileError(AtomicFileError::Step::write, target_.string() + ": cannot write its temporary file " +
                                                            path_.string() + ": " + reason(error));
  }
  [[noreturn]] void fail_commit(const std::string& what) const {
    throw AtomicFileError(AtomicFileError::Step::commit, target_.string() + ": " + what);
  }

  fs::path target_, path_;
  int fd_ = -1;
  bool placed_ = false;
};

}  // namespace

void write_file_atomically(const fs::path& path, std::string_view text) { write_files_atomically({{path, text}}); }

void write_files_atomically(const std::vector<FileText>& files) {
  std::vector<std::unique_ptr<TemporaryFile>> written;
  for (const FileText& f : files) {
    written.push_back(std::make_unique<TemporaryFile>(f.path));
    written.back()->write(f.text);
  }
  for (const auto& t : written) t->check_target();
  for (const auto& t : written) t->commit();
}

fs::path create_output_folder(const std::string& dir) {
  const fs::path folder(dir.empty() ? "." : dir);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder))
    throw AtomicFileError(AtomicFileError::Step::create, folder.string() + ": cannot create the output folder: " +
                                                             (ec ? ec.message() : std::string("not a folder")));
  return folder;
}

struct AtomicOutputPath::Impl {
  explicit Impl(const fs::path& target) : file(target) {}
  TemporaryFile file;
};

AtomicOutputPath::AtomicOutputPath(const fs::path& target) : impl_(std::make_unique<Impl>(target)) {
  impl_->file.close_for_library();
}

AtomicOutputPath::~AtomicOutputPath() = default;

const fs::path& AtomicOutputPath::temporary() const { return impl_->file.path(); }

void AtomicOutputPath::commit() {
  impl_->file.sync_by_name();
  impl_->file.check_target();
  impl_->file.commit();
}

void write_output_atomically(const fs::path& path, std::string_view text) {
  try {
    write_file_atomically(path, text);
  } catch (const AtomicFileError& e) {
    if (e.step() == AtomicFileError::Step::write) throw;
    throw InputError(e.what());
  }
}

}  // namespace alamod::engine
