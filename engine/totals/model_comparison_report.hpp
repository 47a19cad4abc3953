#pragma once
/// The comparison of several models run on one grid (engine/grid_run/model_comparison): DIR/totals.csv
/// gathering DIR/MODEL/totals.csv, and DIR/report.html with the national series of every model, a table of
/// their start, end and change, and maps of the multi-model mean change, its spread (max - min) and its
/// standard deviation (also as PNG and cloud-optimised GeoTIFF), from each model's soc_start.tif and
/// soc_change.tif.
#include <string>
#include <vector>

namespace alamod::engine {

/// Rank 0 only. `report`: also report.html and its maps (each model's report must then exist). Throws
/// InputError naming the file when a model's totals or maps cannot be read or do not match.
void write_model_comparison(const std::string& dir, const std::vector<std::string>& models,
                            const std::string& output_name, bool report);

}  // namespace alamod::engine
