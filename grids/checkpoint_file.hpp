#pragma once
/// Checkpoint files: the state of every land cell, indexed by its global land
/// number, so a run can restart on any rank count. NetCDF-4, written
/// collectively (each rank its contiguous run of land cells), under a temporary
/// name renamed when complete.
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "grids/input_error.hpp"

namespace alamod::grids {

struct CheckpointSlice {
  std::int64_t land_total = 0;  ///< land cells in the whole grid
  std::int64_t first = 0;       ///< this rank's first global land number
  std::int64_t count = 0;       ///< this rank's land cells
};

/// A checkpoint that cannot be read back as it was written: missing, truncated or overwritten, not a
/// NetCDF-4 file, a variable absent or unreadable. (A readable checkpoint of another run is an InputError.)
class DamagedCheckpoint : public InputError {
 public:
  using InputError::InputError;
};

/// Land cells per block of the state checksum (state_sha256).
inline constexpr std::int64_t kChecksumBlockCells = 65536;

/// Collective. The SHA-256 of a checkpoint's state, the same whatever the rank count that holds it:
/// SHA-256 over the fields in name order (byte order) of, for each field, its name, one zero byte, then the
/// 32-byte SHA-256 of each block of kChecksumBlockCells land cells in global land order (the last block
/// shorter), each block's values as little-endian IEEE-754 doubles. `fields` maps the same names on
/// every rank to `slice.count` values of this rank; the slices of the ranks partition the land cells.
/// 64 lowercase hexadecimal digits.
std::string state_sha256(MPI_Comm comm, const CheckpointSlice& slice,
                         const std::map<std::string, std::vector<double>>& fields);

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

/// Collective. Reads every global text attribute, calls `accept` with them (it throws to refuse the
/// checkpoint before its variables are read), then the named fields for this rank's slice. Throws
/// DamagedCheckpoint naming the file when it is missing, unreadable or lacks a variable, and InputError
/// when it holds another number of land cells.
void read_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointSlice& slice,
                     const std::vector<std::string>& names, std::map<std::string, std::vector<double>>& fields,
                     std::map<std::string, std::string>& text_attributes,
                     const std::function<void(const std::map<std::string, std::string>&)>& accept = {});

}  // namespace alamod::grids
