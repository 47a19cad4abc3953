#pragma once
/// Nothing half-written (docs/DESIGN.md): every text output of the engine is written to a temporary
/// file beside its target and renamed into place once complete and on disk, so a failure never
/// leaves a partial file under the final name and an earlier file stays whole until the new one is.
///
///   write_file_atomically("out/metrics.csv", csv);
///   write_files_atomically({{dir / "month_results.csv", months}, {dir / "year_results.csv", years}});
///
/// The temporary is DIR/.NAME.XXXXXX (six random letters and digits), created exclusively
/// (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0644 less the umask), written, flushed and fsync'ed, then
/// renamed over NAME. A target that exists and is not a regular file (a symbolic link, a folder) is
/// refused, not replaced. On every failure the temporary is removed. Plain C++ and POSIX: no MPI.
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace alamod::engine {

/// Why an atomic write failed. The message names the path and the reason (strerror), e.g.
/// "out/metrics.csv: cannot create a temporary file beside it (out/.metrics.csv.XXXXXX): Permission denied".
class AtomicFileError : public std::runtime_error {
 public:
  /// What failed: creating the temporary (no such folder, no permission), writing it (disk full, I/O
  /// error) or putting it in place (the target is not a regular file, the rename was refused).
  enum class Step { create, write, commit };
  AtomicFileError(Step step, const std::string& message) : std::runtime_error(message), step_(step) {}
  Step step() const { return step_; }

 private:
  Step step_;
};

/// One file to write: where, and its whole content (the text must outlive the call).
struct FileText {
  std::filesystem::path path;  ///< [in] the target
  std::string_view text;       ///< [in] its content, written as is (bytes)
};

/// Write `text` to `path` atomically (see the header comment). Throws AtomicFileError.
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

/// Several files committed together: every temporary is written and synced before the first rename,
/// so a failure to write any of them changes no target; then they are renamed in order. Throws
/// AtomicFileError, having removed every temporary not yet renamed.
void write_files_atomically(const std::vector<FileText>& files);

/// The output folder `dir` ("" = the current folder), created with its parents if missing. Throws
/// AtomicFileError (step create) naming it when it cannot be created or a file stands in its place.
std::filesystem::path create_output_folder(const std::string& dir);

/// An output that a library writes by its name (a NetCDF file): temporary() is created beside `target` as
/// write_file_atomically creates its temporary (exclusive, DIR/.NAME.XXXXXX) and left empty for the library
/// to open and fill; commit(), once the library has closed it, flushes it to disk and renames it over the
/// target (a target that is not a regular file is refused). Destroyed before commit(), the temporary is
/// removed: a failure leaves nothing half-written. Throws AtomicFileError.
///
///   AtomicOutputPath out("results.nc");
///   nc_create(out.temporary().c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid);  ... nc_close(ncid);
///   out.commit();
class AtomicOutputPath {
 public:
  explicit AtomicOutputPath(const std::filesystem::path& target);
  ~AtomicOutputPath();
  AtomicOutputPath(const AtomicOutputPath&) = delete;
  AtomicOutputPath& operator=(const AtomicOutputPath&) = delete;
  /// The temporary file's path (it exists, empty, until the library writes it).
  const std::filesystem::path& temporary() const;
  /// Flush the temporary to disk and rename it over the target.
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// write_file_atomically for an output the user named: a folder that cannot be written or a target that
/// is not a regular file is the user's to fix and thrown as alamod::InputError; a write that fails
/// (disk full, I/O error) stays an AtomicFileError.
void write_output_atomically(const std::filesystem::path& path, std::string_view text);

}  // namespace alamod::engine
