#pragma once
/// The inputs of a 3-PG stand run, read from CSV tables in r3PG's layout (models/threepg/README.md, "Input
/// files"): site, species (cohorts), climate, thinning, and optionally a parameter table with one column per
/// species. Every bad value is an InputError naming the file, the column and the line.
#include <string>
#include <vector>

#include "models/threepg/threepg.hpp"

namespace alamod::engine::vegetation {

struct ThreepgStand {
  models::threepg::Site site;
  std::vector<models::threepg::Cohort> cohorts;
  std::vector<models::threepg::ClimateMonth> climate;  ///< the months from site `from` to `to`
  std::vector<std::string> parameter_sources;          ///< per cohort: the set or file its parameters came from
};

/// Reads a stand. `parameters_csv` (may be empty): a table "parameter,<species 1>,<species 2>..." whose
/// columns give each species' parameters (NA: not given); without it, or for a species it lacks, each
/// cohort's `species` names a published set (models/threepg/species_sets.hpp) and the table's values
/// override it. `thinning_csv` may be empty.
ThreepgStand read_threepg_stand(const std::string& site_csv, const std::string& species_csv,
                                const std::string& climate_csv, const std::string& thinning_csv,
                                const std::string& parameters_csv);

}  // namespace alamod::engine::vegetation
