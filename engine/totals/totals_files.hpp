#pragma once
/// The totals as files: DIR/totals.csv (long format) and DIR/totals.nc (CF-1.8, a named region
/// dimension), written under a temporary name and renamed (engine/common/atomic_file.hpp for the CSV). docs/OUTPUTS.md describes both.
///
/// Columns and variables, for a zone and land cover, at the end of year y of a run that starts on
/// 1 January of year y0 (the start: the spin-up's state, cSoilInitial), with e = y - y0 + 1 years:
///   soc_TgC            stock (Tg C) = sum over cells of stock (t ha-1) x cell area share (ha) / 1e6
///   soc_t_ha           mean density (t C ha-1) = soc / area
///   soc_start_TgC      the same at the start
///   change_TgC         soc - soc_start;  change_pct = 100 change / soc_start
///   rate_per_mille_yr  1000 change / soc_start / e: the 4 per 1000 measure (per mille of the start stock per year)
///   gsocseq_asr_t_ha_yr  (soc_t_ha - start_t_ha) / e: GSOCseq absolute sequestration rate (t C ha-1 yr-1)
///   gsocseq_rsr_t_ha_yr  (soc_t_ha - baseline soc_t_ha) / e: GSOCseq relative sequestration rate
///                        against the baseline scenario (0 for the baseline itself)
#include <map>
#include <string>

#include "engine/totals/zone_sums.hpp"

namespace alamod::engine {

/// The derived quantities of one row in one year (see the header comment).
struct TotalsChange {
  double change_TgC, change_pct, rate_per_mille_yr, asr_t_ha_yr, rsr_t_ha_yr;
};
TotalsChange totals_change(const TotalsTable& table, const TotalsRow& row, int y);

/// A number as the shortest text that reads back to the same double ("NaN" when not finite).
std::string shortest_number(double v);

/// DIR/totals.csv: one row per scenario, year, zone and land cover.
void write_totals_csv(const std::string& path, const TotalsTable& table);

/// DIR/totals.nc: dimensions time, region (every zone of every kind) and land_cover; string
/// variables region_name, region_kind, region_code and land_cover_name; `attributes` become global
/// attributes (provenance). Written by the calling rank alone.
void write_totals_netcdf(const std::string& path, const TotalsTable& table,
                         const std::map<std::string, std::string>& attributes);

}  // namespace alamod::engine
