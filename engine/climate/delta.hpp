#pragma once
/// `alamod climate delta`: a climate-change scenario by the delta method (docs/CLIMATE.md): the years of a
/// reference period of a baseline monthly file, repeated over the scenario's years, with a warming
/// trajectory added to the temperature (scaled by season), precipitation scaled with the warming (wetter
/// winters, drier summers) and PET recomputed from the warmed temperature by Oudin's formula.
#include <string>
#include <utility>
#include <vector>

namespace alamod::engine {

struct ClimateDeltaOptions {
  std::string baseline;                       ///< monthly file (tas, pr, pet), e.g. the France default's forcing
  std::string tas_variable = "tas", pr_variable = "pr", pet_variable = "pet";
  int reference_first = 0, reference_last = 0;  ///< the reference years, repeated in order (0: the first 20)
  int first_year = 0, last_year = 0;            ///< the years written
  std::string preset = "none";                  ///< none, tracc, ssp245, ssp585 (or "custom" with `warming`)
  std::vector<std::pair<int, double>> warming;  ///< (year, degC) anchors, linear between, held outside
  std::string out;
  bool overwrite = false;
  bool quiet = false;
};

/// The annual-mean warming (degC, relative to the reference climate) of `year` under `o`'s trajectory.
double delta_warming(const ClimateDeltaOptions& o, int year);

/// The seasonal factor of the warming in `month` (1-12): DJF 0.85, JJA 1.30 (Ribes et al. 2022), spring
/// and autumn 0.925 so that the annual mean of the factor is 1.
double delta_temperature_factor(int month);

/// The relative precipitation change per degree of annual warming in `month`: DJF +0.15/4, JJA -0.20/4,
/// spring and autumn 0 (Explore2's central values at +4 degC, scaled linearly).
double delta_precipitation_per_degree(int month);

/// Writes the scenario file; InputError naming the file, variable and month on bad input.
void write_climate_delta(const ClimateDeltaOptions& o);

}  // namespace alamod::engine
