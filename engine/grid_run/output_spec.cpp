// What the output file of a grid run holds: its variables, with their CF metadata, and its global
// attributes (ACDD discovery, alamod provenance). docs/OUTPUTS.md describes the result.
#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/grid_run/vegetation_coupling.hpp"
#include "engine/grid_run/zone_variables.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "grids/cf_writer.hpp"
#include "grids/fast_deflate.hpp"
#include "grids/lon_lat.hpp"

namespace alamod::engine {

grids::OutputFileSpec GridRun::describe_output() const {
  grids::OutputFileSpec spec;
  spec.path = out_path_;
  spec.grid = cfg_.grid;
  spec.first_year = cfg_.start_year;
  spec.n_years = year_count();
  spec.pools = model_->pool_names();
  for (const auto& u : cfg_.land_uses) spec.land_covers.push_back(u.name);
  spec.depth_top_m = 0.0;
  spec.depth_bottom_m = cfg_.soil_depth_cm / 100.0;
  spec.deflate_level = cfg_.deflate_level;
  spec.significant_bits = cfg_.significant_bits;
  spec.low_bytes_by_runs = cfg_.low_bytes_by_runs;
  spec.variables = describe_variables();
  spec.global_text = describe_discovery();
  spec.global_text.merge(describe_provenance());
  const grids::LonLatExtent extent = grids::lon_lat_extent(cfg_.grid);
  spec.global_numbers = {{"geospatial_lat_min", extent.lat_min}, {"geospatial_lat_max", extent.lat_max},
                         {"geospatial_lon_min", extent.lon_min}, {"geospatial_lon_max", extent.lon_max},
                         {"alamod_mpi_ranks", static_cast<double>(size_)},
                         {"alamod_land_cells", static_cast<double>(partition_->land_cells())}};
  return spec;
}

std::vector<grids::OutputVariable> GridRun::describe_variables() const {
  const auto& info = find_model(cfg_.model).info;
  std::string pool_list;
  for (const auto& pn : model_->pool_names()) pool_list += (pool_list.empty() ? "" : " ") + pn;
  const bool dbl = cfg_.double_precision;
  const std::string stock_methods = "area: mean where land time: point";
  const std::string flux_methods = "area: mean where land time: mean";
  std::vector<grids::OutputVariable> variables = {
      {"cSoilPools", "carbon mass in each soil pool (" + info.name + " " + pool_list + "), end of year",
       "soil_mass_content_of_carbon", "t ha-1", stock_methods, true, true, true, dbl,
       "pools of the 0-" + format_number("%g", cfg_.soil_depth_cm) +
           " cm layer (see depth_bnds); pool labels in pool:flag_meanings"},
      {"cSoil", "carbon mass in soil organic matter, end of year", "soil_mass_content_of_carbon", "t ha-1",
       stock_methods, false, true, true, dbl, ""},
      {"rh", "heterotrophic respiration carbon flux, yearly mean",
       "surface_upward_mass_flux_of_carbon_dioxide_expressed_as_carbon_due_to_heterotrophic_respiration",
       "t ha-1 yr-1", flux_methods, false, true, false, dbl, ""},
      {"fCarbonInput", "carbon input to soil from plant residues and manure, yearly mean", "", "t ha-1 yr-1",
       flux_methods, false, true, false, dbl, ""},
      {"spinup_residual", "largest relative change of any pool over one more spin-up cycle", "", "1",
       "area: point", false, false, false, true, ""},
      {"spinup_iterations", "model years simulated by the spin-up of the cell (building the equilibrium and checking it)",
       "", "1", "area: point", false, false, false, false, "method: " + spinup_.method},
      {"cSoilInitial", "carbon mass in soil organic matter at the start of the run (spin-up result)",
       "soil_mass_content_of_carbon", "t ha-1", "area: mean where land", false, false, true, dbl,
       "state on " + std::to_string(cfg_.start_year) + "-01-01 after the spin-up (" + cfg_.spinup_method + ")"},
  };
  // what the model's rh and fCarbonInput are
  const FluxMeaning meaning = model_->flux_meaning();
  for (auto& v : variables) {
    const bool rh = v.name == "rh", input = v.name == "fCarbonInput";
    if (rh && !meaning.rh_is_total) v.standard_name.clear();
    const std::string& long_name = rh ? meaning.rh_long_name : input ? meaning.input_long_name : v.long_name;
    const std::string& comment = rh ? meaning.rh_comment : input ? meaning.input_comment : v.comment;
    if (!long_name.empty()) v.long_name = long_name;
    if (!comment.empty()) v.comment = comment;
  }
  if (model_->leaches())
    variables.push_back({"fCarbonLeaching", "carbon leached below the simulated layer, yearly mean", "",
                         "t ha-1 yr-1", flux_methods, false, true, false, dbl, ""});
  // the land cover: each class's share of the cell (the tiles' weights) and the cell's area
  grids::OutputVariable fraction{"area_fraction", "fraction of the cell's land covered by each land-cover class",
                                 "area_fraction", "1", "area: point", false, false, false, true,
                                 cfg_.tiles() ? std::string("the weights of the cell's tiles (docs/LAND_COVER.md); "
                                                            "the per-cell variables are the tiles' values weighted by them")
                                              : "1 for the cell's class in inputs.land_use (no sub-grid land cover)"};
  fraction.per_land_cover = true;
  if (cfg_.land_use_changes()) {  // land-use change: the fractions of each year (after its transitions), and the start's
    grids::OutputVariable initial = fraction;
    initial.name = "area_fraction_initial";
    initial.long_name = "fraction of the cell's land covered by each land-cover class at the start of the run";
    variables.push_back(initial);
    fraction.time_varying = true;
    fraction.cell_methods = "area: point time: point";
    fraction.comment = "the tiles' weights during the year, after its land-use transitions (land_use_change.rates)";
    bool sealing = false;
    for (const auto& u : cfg_.land_uses) sealing = sealing || u.sealing_loss > 0.0;
    if (sealing)
      variables.push_back({"fCarbonSealing", "soil carbon lost by the sealing of land converted by land-use change",
                           "", "t ha-1 yr-1", flux_methods, false, true, false, dbl,
                           "per hectare of the cell; the receiving class's land_use.*.sealing_loss times the carbon "
                           "of the area converted to it, at the start of the year"});
  }
  if (!cfg_.spinup_land_cover_map.empty()) {  // the land cover the spin-up ran under (spinup_land_cover.cpp)
    grids::OutputVariable spinup = fraction;
    spinup.name = "area_fraction_spinup";
    spinup.long_name = "fraction of the cell's land covered by each land-cover class during the spin-up";
    spinup.time_varying = false;
    spinup.cell_methods = "area: point";
    spinup.comment = "from spinup.land_cover_map; before the first year each cell moved from these fractions to "
                     "the run's by the land-use-change mixing rule (docs/SCENARIOS.md)";
    variables.push_back(spinup);
  }
  variables.push_back(fraction);
  variables.push_back({"cell_area", "area of the grid cell (projected)", "cell_area", "m2", "area: sum", false, false,
                       false, false, "the run grid's resolution squared, in the grid's projection (" + cfg_.grid.crs + ")"});
  // the région and département of each cell, coded with their names (zone_variables.hpp)
  for (auto& layer : zone_code_layers(cfg_)) variables.push_back(std::move(layer.variable));
  if (tile_stocks_in_output()) {
    grids::OutputVariable tile{"cSoilTile", "carbon mass in soil organic matter of each land-cover tile, end of year",
                               "soil_mass_content_of_carbon", "t ha-1", "area: mean where area_type time: point", false,
                               true, true, dbl,
                               "per hectare of the tile's own area; fill where the class is absent from the cell"};
    tile.per_land_cover = true;
    variables.push_back(tile);
    grids::OutputVariable initial{"cSoilTileInitial",
                                  "carbon mass in soil organic matter of each land-cover tile at the start of the run",
                                  "soil_mass_content_of_carbon", "t ha-1", "area: mean where area_type", false, false,
                                  true, dbl, "per hectare of the tile's own area; fill where the class is absent"};
    initial.per_land_cover = true;
    variables.push_back(initial);
  }
  if (vegetation_)  // cVeg, gpp, npp, ... (vegetation_coupling.hpp)
    for (auto& v : vegetation_->output_variables(model_->pool_names())) {
      v.double_precision = dbl;
      variables.push_back(std::move(v));
    }
  return variables;
}

std::map<std::string, std::string> GridRun::describe_discovery() const {
  const auto& info = find_model(cfg_.model).info;
  const std::string now = utc_now_iso();
  return {
      {"Conventions", "CF-1.8 ACDD-1.3"},
      {"title", "alamod " + cfg_.model + " soil organic carbon, yearly, " + std::to_string(cfg_.start_year) + "-" +
                    std::to_string(cfg_.end_year)},
      {"summary", "Soil organic carbon stocks (0-" + format_number("%g", cfg_.soil_depth_cm) +
                      " cm), pools, heterotrophic respiration and carbon inputs simulated by " + info.title +
                      " on a regular grid, from the model's equilibrium with the first years' climate."},
      {"keywords", "soil organic carbon, " + info.name + ", carbon stock, heterotrophic respiration, France"},
      {"standard_name_vocabulary", "CF Standard Name Table v83"},
      {"institution", "alamod project"},
      {"source", "alamod " + alamod_version() + " (git " + alamod_git_commit() + "), model " + cfg_.model},
      {"history", now + ": " + (opt_.command.empty() ? "alamod run " + cfg_.path + " --out " + opt_.out_dir
                                                     : opt_.command)},
      {"date_created", now},
      {"creator_name", "alamod"},
      {"product_version", alamod_version()},
      {"processing_level", "model output"},
      {"license", "output of alamod; the licences of the inputs apply (see alamod_input_checksums)"},
      {"time_coverage_start", std::to_string(cfg_.start_year) + "-01-01T00:00:00Z"},
      {"time_coverage_end", std::to_string(cfg_.end_year + 1) + "-01-01T00:00:00Z"},
      {"time_coverage_resolution", "P1Y"},
  };
}

std::map<std::string, std::string> GridRun::describe_provenance() const {
  std::map<std::string, std::string> a = {
      {"alamod_version", alamod_version()},
      {"alamod_git_commit", alamod_git_commit()},
      {"alamod_model", cfg_.model},
      {"alamod_model_parameters", model_->parameters_text()},
      {"alamod_config_file", cfg_.path},
      {"alamod_config_sha256", cfg_.sha256},
      {"alamod_config", cfg_.resolved},
      {"alamod_input_checksums", input_checksums_},
      {"alamod_library_versions", library_versions()},
      {"alamod_climate_reading", forcing_->shared_reading() ? "shared" : "per_rank"},
      {"alamod_compression",
       cfg_.deflate_level == 0 ? std::string("none")
                               : "shuffle + deflate level " + std::to_string(cfg_.deflate_level) + " (" +
                                     grids::deflate_implementation() + ")" +
                                     (cfg_.low_bytes_by_runs ? "; the low-order half of the bytes coded by runs "
                                                               "(output.deflate_low_bytes = \"runs\")"
                                                             : "")},
      {"alamod_vegetation", vegetation_ ? vegetation_->describe() : std::string("none: the static carbon input")},
      {"alamod_spinup", spinup_.method + "; mean monthly climate of " + std::to_string(cfg_.spinup_years) +
                            " years from " + std::to_string(spinup_first_year_) +
                            (cfg_.spinup_climate.empty() ? std::string() : " of " + cfg_.spinup_climate) +
                            (cfg_.spinup_land_cover_map.empty()
                                 ? std::string()
                                 : "; land cover of " + cfg_.spinup_land_cover_map +
                                       ", then the run's first-year land cover by the land-use-change mixing rule") +
                            model_->spinup_note()},
  };
  if (!phase_.empty()) {  // a run with scenarios (scenario_phases.cpp)
    a["alamod_scenario"] = phase_;
    a["alamod_branch_year"] = std::to_string(cfg_.scenarios.branch_year);
    a["alamod_shared_phases"] = shared_note_;
    if (scenario_) {
      a["alamod_scenario_description"] = scenario_->description;
      std::string iv;
      for (const auto& v : scenario_->interventions)
        iv += (iv.empty() ? "" : "; ") + (v.practice.empty() ? std::string("input change") : v.practice) + " (" +
              v.effect_text() + ") from " + std::to_string(v.start_year);
      if (!iv.empty()) a["alamod_scenario_interventions"] = iv;
      if (!scenario_->climate_delta.empty()) a["alamod_scenario_climate"] = "climate_delta " + scenario_->climate_delta;
      if (!scenario_->climate.empty()) a["alamod_scenario_climate"] = scenario_->climate;
      if (!scenario_->luc_rates.empty()) a["alamod_scenario_land_use_change"] = scenario_->luc_rates;
    }
  }
  return a;
}

}  // namespace alamod::engine
