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

/// Collective. `fields` maps a name to `count` values of this rank.
void write_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointSlice& slice,
                      const std::map<std::string, std::vector<double>>& fields,
                      const std::map<std::string, std::string>& text_attributes);

/// Collective. Reads the named fields for this rank's slice and every global
/// text attribute. Throws InputError naming the file when it is missing, is not
/// a checkpoint, or holds another number of land cells.
void read_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointSlice& slice,
                     const std::vector<std::string>& names, std::map<std::string, std::vector<double>>& fields,
                     std::map<std::string, std::string>& text_attributes);

}  // namespace alamod::grids
