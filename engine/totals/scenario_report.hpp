#pragma once
/// The comparison of the scenarios of one run (engine/grid_run/scenario_phases): DIR/scenarios.html with the
/// national series of the historical years and of every scenario, a table of each scenario's end stock and its
/// difference to the baseline (Tg C, t C ha-1 yr-1 of additional storage, per mille per year of the stock at
/// the branch), maps of each scenario minus the baseline at the end of the run (PNG beside the page, and
/// cloud-optimised GeoTIFFs in EPSG of the run's grid), and a sortable table per région of the additional
/// storage of every scenario. Made from each phase's own totals and report maps (DIR/NAME/totals.csv and
/// DIR/NAME/soc_change.tif): the scenarios start from the same state, so a scenario's end stock minus the
/// baseline's is its change minus the baseline's change.
#include <string>
#include <vector>

namespace alamod::engine {

/// Rank 0 only. `phases`: "historical" (if the run has years before the branch), then the scenarios, the
/// baseline first. Throws InputError naming the file when a phase's totals or maps cannot be read or differ in
/// grid or zones. `gsocseq_maps` (totals.gsocseq_maps): also the GSOCseq rates per pixel, t C ha-1 yr-1 over the
/// years since the branch, as cloud-optimised GeoTIFFs: DIR/gsocseq_asr_NAME.tif (absolute sequestration rate:
/// the stock's change since 1 January of the branch year / years) for every scenario and DIR/gsocseq_rsr_NAME.tif
/// (relative: the stock minus the baseline's / years) for every scenario but the baseline. Every land cell has
/// the same area on the run's projected grid, so their plain mean over the land cells is totals.csv's national
/// gsocseq_asr_t_ha_yr / gsocseq_rsr_t_ha_yr of the last year (to the float32 rounding of the maps).
void write_scenario_comparison(const std::string& dir, const std::vector<std::string>& phases,
                               bool gsocseq_maps = false);

}  // namespace alamod::engine
