#pragma once
/// Checkpoint files: the state of every land cell, indexed by its global land
/// number, so a run can restart on any rank count. NetCDF-4, written
/// collectively (each rank its contiguous run of land cells), under a temporary
/// name renamed when complete.
#include <mpi.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace alamod::grids {

struct CheckpointSlice {
  std::int64_t land_total = 0;  ///< land cells in the whole grid
  std::int64_t first = 0;       ///< this rank's first global land number
  std::int64_t count = 0;       ///< this rank's land cells
};

/// Collective. `fields` maps a name to `count` values of this rank. The file is written to PATH.incomplete
/// (created exclusively: an earlier unfinished one is removed, a link there refused) and renamed to PATH,
/// which it may replace only when that is a checkpoint of the same output (alamod_output_file in
/// `text_attributes`). Throws InputError on every rank when something else is in the way, OutputError
/// on the ranks where netCDF failed (the temporary file is then removed; see grids/output_files.hpp).
void write_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointSlice& slice,
                      const std::map<std::string, std::vector<double>>& fields,
                      const std::map<std::string, std::string>& text_attributes);

/// What a file with a checkpoint's name is, by its content: missing; a checkpoint (a regular NetCDF-4 file
/// with the attribute alamod_checkpoint_next_year and, when `output_name` is given, alamod_output_file =
/// `output_name`); damaged (a regular file with the HDF5 signature that netCDF cannot open); or foreign
/// (anything else: a look-alike file, a link, another output's checkpoint), which alamod never removes.
enum class CheckpointKind { missing, checkpoint, damaged, foreign };
CheckpointKind classify_checkpoint(const std::string& path, const std::string& output_name);

/// Collective. Reads the named fields for this rank's slice and every global
/// text attribute. Throws InputError naming the file when it is missing, is not
/// a checkpoint, or holds another number of land cells.
void read_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointSlice& slice,
                     const std::vector<std::string>& names, std::map<std::string, std::vector<double>>& fields,
                     std::map<std::string, std::string>& text_attributes);

}  // namespace alamod::grids
