#pragma once
/// Biomass in the national totals (docs/VEGETATION.md, "Grid runs"): after a run with [vegetation], the
/// vegetation carbon of its output (cVegInitial, cVeg) summed like the soil's totals (exactly, the same bits on
/// any rank count and after a restart, since it is read back from the committed output) for France, each
/// région, département, pedo-climatic zone and user zone, per land-cover class: DIR/biomass_totals.csv
/// (scenario, model, year, zone_kind, zone_code, zone_name, land_cover, area_ha, biomass_TgC, biomass_t_ha,
/// biomass_start_TgC, change_TgC, change_pct, rate_per_mille_yr). A class's tile biomass is the cell's
/// cVeg_CLASS (cVegInitial_CLASS at the start: the class's tiles' share of cVeg) over the class's fraction.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine/configuration/config.hpp"
#include "engine/totals/zone_sums.hpp"

namespace alamod::engine {

struct BiomassTotals {
  double start_TgC = 0, end_TgC = 0;  ///< national live biomass at the start and at the end (Tg C), for the log
  TotalsTable table;                  ///< every zone and class (complete on rank 0): the run report's biomass
};
/// Collective: reads cVeg from `output_path` for `cells` (this rank's land cells, ascending) and writes
/// DIR/biomass_totals.csv (rank 0, atomically).
BiomassTotals write_biomass_totals(MPI_Comm comm, const RunConfig& cfg, const std::string& out_dir,
                                   const std::string& output_path, const std::vector<std::int64_t>& cells);

}  // namespace alamod::engine
