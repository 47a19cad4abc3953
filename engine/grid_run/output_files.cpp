// The files of a grid run's output and what guards them (docs/FAULTS.md): file name lengths that
// Open MPI's parallel I/O takes, outputs that would replace an input, and a failed parallel write, after
// which the other ranks may wait in a collective call for ever. The output's lock is in output_lock.cpp.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "engine/common/collective.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/grid_run/output_lock.hpp"
#include "grids/cf_writer.hpp"
#include "grids/input_error.hpp"
#include "grids/output_files.hpp"

namespace alamod::engine {

std::string GridRun::temporary_path() const { return opt_.out_dir + "/." + cfg_.output_name + ".incomplete"; }

void GridRun::check_path_lengths() const {
  const int limit = grids::mpiio_name_limit(size_);
  if (limit < 0) return;
  // every name alamod passes to MPI_File_open: the output's temporary file, the temporary file of a
  // checkpoint (the longest; a stop signal may ask for one in any year) and a checkpoint to restart from
  std::vector<std::string> names = {temporary_path(), checkpoint_path(cfg_.end_year) + ".incomplete"};
  if (!opt_.restart.empty() && opt_.restart != "latest") names.push_back(opt_.restart);
  std::string longest;
  for (const auto& n : names)
    if (n.size() > longest.size()) longest = n;
  if (static_cast<int>(longest.size()) <= limit) return;
  throw InputError(longest + ": alamod would open this file (" + std::to_string(longest.size()) +
                   " characters) through Open MPI's parallel I/O, whose default component (ompio) crashes on names "
                   "over " + std::to_string(limit) + " characters; choose a shorter --out or output.file, or run "
                   "with OMPI_MCA_sharedfp=^lockedfile (leaves out the part that crashes, which alamod does not "
                   "use) or OMPI_MCA_io=romio321");
}

void GridRun::refuse_outputs_that_are_inputs() const {
  std::vector<std::string> inputs = input_files();
  inputs.push_back(cfg_.path);
  for (const std::string& written : {out_path_, temporary_path(), lock_path_})
    for (const auto& input : inputs)
      if (grids::same_file(written, input))
        throw InputError(written + ": this output file is one of the run's inputs (" + input +
                         "); alamod does not replace its inputs: choose another output.file or --out");
}

void GridRun::fail_on_output_error(const grids::OutputError& e) {
  const std::string reason = grids::diagnose_write_failure(opt_.out_dir, e.error_number());
  const bool restartable = checkpointed_;  // (an earlier checkpoint, or the one restarted from)
  const std::string message = out_path_ + ": cannot write the output" + (reason.empty() ? "" : ": " + reason) +
                              "; its unfinished file was removed" +
                              (restartable ? " (its last checkpoint is kept: continue with --restart)" : "") +
                              " (" + e.what() + ")";
  // local clean-up only: a collective close would wait for ranks that may sit in a collective write
  if (writer_) writer_->discard_after_failure();
  if (!e.temporary().empty() && grids::is_regular_file(e.temporary())) std::remove(e.temporary().c_str());
  remove_orphan_snapshot(true);
  if (size_ == 1) {
    writer_.reset();
    throw InputError(message);  // the lock is released with this run
  }
  // one message however many ranks failed: the rank that removes the output's lock file reports it
  const bool report = unlink(lock_path_.c_str()) == 0 || (errno != ENOENT && rank_ == 0);
  abort_collective_phase(comm_, message, report, 1);
}

void GridRun::on_output_stall(double seconds, const std::vector<std::string>& temporaries) {
  // a slow write on a disk with room goes on; a stalled one on a full disk (or quota) never ends
  int error_number = 0;
  std::string reason = grids::diagnose_write_failure(opt_.out_dir, 0, output_room_bytes_);
  if (reason.empty() && lock_ && !lock_->can_grow(65536, error_number))
    reason = grids::diagnose_write_failure(opt_.out_dir, error_number, output_room_bytes_);
  if (reason.empty()) return;
  char waited[32];
  std::snprintf(waited, sizeof waited, "%.0f", seconds);
  const std::string message = out_path_ + ": cannot write the output: " + reason +
                              "; the parallel write made no progress for " + waited +
                              " s and was stopped, its unfinished files removed";
  for (const auto& t : temporaries)
    if (grids::is_regular_file(t)) std::remove(t.c_str());
  remove_orphan_snapshot(false);  // (no netCDF call on this thread: the main one may be inside netCDF)
  const bool report = unlink(lock_path_.c_str()) == 0 || errno != ENOENT;
  abort_collective_phase(comm_, message, report, 1);
}

void GridRun::on_no_progress(double seconds, double limit) {
  char waited[160];
  std::snprintf(waited, sizeof waited,
                "%.0f s (limit %.0f s: the larger of checkpoint.stall_limit_s = %g s and 10 times its longest year)",
                seconds, limit, cfg_.stall_limit_seconds);
  const bool restartable = checkpointed_;
  const std::string message =
      out_path_ + ": the run made no progress for " + waited +
      ": a rank or the file system has stalled, so the ranks would wait in a collective call until the job's "
      "time ran out; the run was stopped and its unfinished files removed" +
      (restartable ? " (its last checkpoint is kept: continue with --restart)" : "");
  if (grids::is_regular_file(temporary_path())) std::remove(temporary_path().c_str());
  remove_orphan_snapshot(false);  // (no netCDF call on this thread: the main one may be inside netCDF)
  // one message: the rank that removes the output's lock file reports it
  const bool report = unlink(lock_path_.c_str()) == 0;
  abort_collective_phase(comm_, message, report, 1);
}

void GridRun::remove_orphan_snapshot(bool read_checkpoint) const {
  const int year = checkpoint_in_progress_;
  if (year < 0) return;
  // kept when a checkpoint of that year (an earlier run's) refers to it: it has the same bits
  struct stat st {};
  const bool checkpoint_there = read_checkpoint ? is_ours(checkpoint_path(year))
                                                : lstat(checkpoint_path(year).c_str(), &st) == 0;
  if (!checkpoint_there && grids::is_regular_file(output_snapshot(year))) std::remove(output_snapshot(year).c_str());
}

}  // namespace alamod::engine
