#pragma once
/// The files a grid run writes, handled so that a failure, a planted link or a look-alike file never
/// makes alamod write where it should not (docs/FAULTS.md):
/// - temporary files are created only where nothing but an earlier temporary of alamod's was, never
///   through a symbolic link (clear_temporary, then an exclusive creation);
/// - a failed parallel write is an OutputError, after which the other ranks may wait in a collective
///   call for ever: the caller aborts the communicator instead of closing the file collectively;
/// - Open MPI's default parallel I/O crashes on long file names (mpiio_name_limit).
#include <mpi.h>

#include <functional>
#include <stdexcept>
#include <string>

namespace alamod::grids {

/// A parallel output or checkpoint file could not be written on this rank. Other ranks may be inside
/// the collective call this rank left: only local clean-up is safe afterwards.
class OutputError : public std::runtime_error {
 public:
  OutputError(const std::string& message, std::string temporary, int error_number)
      : std::runtime_error(message), temporary_(std::move(temporary)), error_number_(error_number) {}
  /// The temporary file being written ("" if unknown); removed by whoever handles the error.
  const std::string& temporary() const { return temporary_; }
  /// errno just after the failed call (0 when none was set).
  int error_number() const { return error_number_; }

 private:
  std::string temporary_;
  int error_number_ = 0;
};

/// What made writing into `folder` fail, for a message: "the disk is full (No space left on device;
/// 12 KiB left on the file system of FOLDER)" when errno was ENOSPC or less than `room_bytes` is left
/// there, "the disk quota is exceeded" for EDQUOT, the system's text of a few other errors; "" when unknown.
std::string diagnose_write_failure(const std::string& folder, int error_number, double room_bytes = 1048576.0);

/// Rank 0 only: makes way for a temporary file of alamod's at `path`. Nothing there: nothing to do; a
/// regular file (an earlier run's unfinished temporary): removed; anything else (a symbolic link, a
/// folder, a pipe): InputError naming it, since alamod never writes through it.
void clear_temporary(const std::string& path);

/// "a symbolic link", "a folder", ... for the file type of `st_mode` (messages).
std::string file_kind(unsigned st_mode);

/// Whether `path` is a regular file itself (lstat: a link to one is not).
bool is_regular_file(const std::string& path);

/// Whether `a` and `b` name the same existing file (same device and inode, links followed).
bool same_file(const std::string& a, const std::string& b);

/// Whether `path` is a regular file that starts with the HDF5 signature (NetCDF-4).
bool has_hdf5_signature(const std::string& path);

/// Rank 0 only: copies `from` to `to`, creating `to` exclusively without following links (a file
/// already there is an error), and removes `to` again on failure. Throws std::runtime_error with the
/// system's reason, and sets `error_number`.
void copy_file_exclusive(const std::string& from, const std::string& to, int& error_number);

/// Collective: runs `step` on rank 0 only; when it throws, every rank throws an InputError with its
/// message (so all ranks leave together).
void on_rank0(MPI_Comm comm, const std::function<void()>& step);

/// The longest file name (in characters, as passed to MPI_File_open) that the MPI library's parallel
/// I/O takes on `ranks` ranks, or -1 when there is no such limit. Open MPI 4 and 5's default component
/// (ompio) formats NAME + ".locktest." + RANK into a 256-byte buffer (sharedfp/lockedfile) and aborts
/// with "buffer overflow detected" beyond it: 244 characters up to 10 ranks. Not limited when the
/// environment selects ROMIO (OMPI_MCA_io=romio321) or leaves that component out
/// (OMPI_MCA_sharedfp=^lockedfile).
int mpiio_name_limit(int ranks);

}  // namespace alamod::grids
