#pragma once
/// A parameter ensemble on the grid (`alamod run CONFIG --ensemble N --parameters FIT.toml`): N parameter sets
/// drawn from a calibration's posterior samples or its covariance (`alamod calibrate`), run as members x cells:
/// the ranks split into G groups (--ensemble-groups), member k runs on group k mod G over that group's ranks
/// (its cells partitioned among them, its NetCDF written on the group's communicator) into DIR/member_NNN/;
/// then DIR/totals.csv (every member's totals, a `member` column first), DIR/totals_quantiles.csv (5, 50 and
/// 95 % of the stock, its change and its rate for every zone, class and year) and DIR/ensemble_parameters.csv (docs/OUTPUTS.md, "Parameter ensembles").
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/configuration/config.hpp"
#include "engine/configuration/parameter_draws.hpp"
#include "engine/grid_run/grid_run.hpp"

namespace alamod::engine {

/// The group (0 .. groups-1) of `rank` among `size` ranks split into `groups` contiguous blocks whose sizes
/// differ by at most 1, and the number of groups `requested` (0: automatic) gives; InputError when it is
/// out of range (1 to min(ranks, members)).
int ensemble_groups(int requested, int size, int members);
inline int ensemble_group_of(int rank, int size, int groups) {
  return static_cast<int>(static_cast<long long>(rank) * groups / size);
}

/// Runs the members (member k on group k mod G, in rounds: after each round every group agrees on an
/// error or a stop signal over `comm`), then writes the ensemble's tables on rank 0 of `comm`. Every member's
/// output and the tables are the same bits whatever the rank count and G. Throws StoppedForRestart like a run.
void run_ensemble(MPI_Comm comm, const RunConfig& cfg, const GridRunOptions& options, const EnsembleOptions& ensemble);

}  // namespace alamod::engine
