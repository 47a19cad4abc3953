#pragma once
/// `alamod summarize RUN_DIR [--zones FILE --zone-field NAME] [--out DIR]`: the totals, report and maps
/// of a finished grid run, computed again from its CF output, in parallel (each rank reads its own
/// chunk rows of the file). The zone layers are the run's (its configuration is stored in the output,
/// paths relative to the configuration file as the run resolved them), or those of --config; --zones
/// adds or replaces the user's zones. Without other zones the totals are those of the run, bit for bit.
#include <mpi.h>

#include <string>

namespace alamod::engine {

struct SummarizeOptions {
  std::string run;         ///< the run's output folder, or its output file
  std::string zones;       ///< the user's zones (raster or vector file); "" keeps the run's totals.zones
  std::string zone_field;  ///< the attribute of a vector --zones file
  int zone_subcells = -1;  ///< sub-cells per side for area shares (-1: the run's totals.zone_subcells)
  std::string config;      ///< a configuration whose inputs (land use, zone layers, names) replace the run's
  std::string out_dir;     ///< "" : the run's folder
  bool overwrite = false;  ///< replace existing totals and report in the output folder
  bool no_report = false;  ///< totals.csv and totals.nc only
};

/// Collective. Throws InputError (the same on every rank) naming the file for bad input, before
/// anything is written.
void run_summarize(MPI_Comm comm, const SummarizeOptions& options);

}  // namespace alamod::engine
