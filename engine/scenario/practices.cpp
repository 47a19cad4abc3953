// Practice presets (practices.hpp). The table of presets is the one place a practice's defaults live;
// docs/SCENARIOS.md, "Practices", gives each one's published rate and alamod's rate per model.
#include "engine/scenario/practices.hpp"

#include <algorithm>
#include <optional>
#include <toml++/toml.h>

#include "engine/common/nearest_name.hpp"
#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine::scenario {

namespace {

constexpr int kind(AddedInput a) { return static_cast<int>(a); }

// The published rates are the INRA 2013 ones that ADEME's ALDO tool applies for 20 years (Pellerin et al. 2013,
// "Quelle contribution de l'agriculture francaise a la reduction des emissions de gaz a effet de serre ?";
// ALDO calculations/flux/agriculturalPractices.js), soil only, 0-30 cm, per hectare of adopted area.
const char* const kAldo = "Pellerin et al. 2013 (INRA), as applied by ADEME's ALDO tool for 20 years";

// The calibrated defaults: scripts/calibrate_practices.py (direct mode) on the France default's eligible tiles,
// branch 2020, 20 years, written to data/scenarios/practice_calibration.csv (tests/unit/test_practices.cpp checks
// that the two agree). Change them only by running the script again.

PracticeEffect add(AddedInput k, double amount) {
  PracticeEffect e;
  e.added[kind(k)] = amount;
  return e;
}

std::vector<PracticePreset> make_presets() {
  std::vector<PracticePreset> v;
  auto preset = [&](const char* name, const char* title, std::vector<std::string> classes, double rate,
                    std::string source, const char* changes, std::vector<PracticeParameter> params,
                    PracticeEffect (*effect)(const std::vector<double>&)) {
    PracticePreset p;
    p.name = name;
    p.title = title;
    p.classes = std::move(classes);
    p.published_rate_tC_ha_yr = rate;
    p.source = std::move(source);
    p.changes = changes;
    p.parameters = std::move(params);
    p.effect = effect;
    v.push_back(std::move(p));
  };
  const std::string aldo(kAldo);

  // --- arable systems ------------------------------------------------------------------------------------------
  preset("cover_crops", "cover crops between two main crops, fully returned to the soil (not energy cover crops)",
         {"cropland"}, 0.24, aldo + " (catchCrops): 0.24 t C ha-1 yr-1",
         "adds cover-crop residues (crop quality, September-February, the soil covered then)",
         {{"extra_input_tC_ha_yr", 0.78, "t C ha-1 yr-1", 0.0, 10.0,
           "carbon of the cover crop's shoots and roots returned each year (2-3 t ha-1 of dry matter hold about 1 t C)"}},
         [](const std::vector<double>& x) { return add(AddedInput::cover_crop, x[0]); });

  preset("temporary_grassland", "temporary grassland inserted in or lengthened within an arable rotation (<= 5 years)",
         {"cropland"}, 0.14, aldo + " (prairieExtension): 0.14 t C ha-1 yr-1",
         "adds grass litter and roots, averaged over the rotation; decomposition unchanged by default",
         {{"extra_input_tC_ha_yr", 0.568, "t C ha-1 yr-1", 0.0, 10.0,
           "grass carbon returned to the soil, averaged over the years of the rotation"},
          {"decomposition_factor", 1.0, "1", 0.5, 1.5,
           "multiplies decomposition, averaged over the rotation: the grass years are not tilled, which slows it; "
           "1 by default because the published rate is reproduced by the input alone, and a factor makes the rate "
           "depend on the stocks and is only approximated when a tile adopts part of the practice"}},
         [](const std::vector<double>& x) {
           auto e = add(AddedInput::grass, x[0]);
           e.decomposition_factor = x[1];
           return e;
         });

  preset("manure", "farmyard manure spread each year (cattle manure by default)", {"cropland", "grassland"}, 0.0,
         "no per-hectare storage rate confirmed (INRA 2019's 'new organic resources' table not consulted); carbon "
         "content of cattle manure 83 kg C t-1 (parameters_EOM.csv of the AMG model, Levavasseur et al. 2022)",
         "adds manure carbon (RothC: farmyard manure's 0.49 DPM, 0.49 RPM, 0.02 HUM)",
         {{"fresh_matter_t_ha_yr", 10.0, "t ha-1 yr-1", 0.0, 100.0, "fresh manure spread per year"},
          {"carbon_content_kgC_t", 83.0, "kg C t-1", 1.0, 500.0,
           "carbon per tonne of fresh product (83 cattle, 120 sheep, 146 pig, 223 poultry manure: AMG EOM table)"}},
         [](const std::vector<double>& x) { return add(AddedInput::manure, x[0] * x[1] / 1000.0); });
  v.back().calibrated = false;

  preset("compost", "compost spread each year (green-waste compost by default)", {"cropland", "grassland"}, 0.0,
         "no per-hectare storage rate confirmed; carbon content of green-waste compost 120 kg C t-1 (AMG EOM table, "
         "Levavasseur et al. 2022)",
         "adds compost carbon (a larger humified share than manure: models/*/README.md, \"Scenario inputs\")",
         {{"fresh_matter_t_ha_yr", 10.0, "t ha-1 yr-1", 0.0, 100.0, "fresh compost spread per year"},
          {"carbon_content_kgC_t", 120.0, "kg C t-1", 1.0, 500.0,
           "carbon per tonne of fresh product (105 cattle-manure, 111 municipal-waste, 147 biowaste compost: AMG EOM "
           "table)"}},
         [](const std::vector<double>& x) { return add(AddedInput::compost, x[0] * x[1] / 1000.0); });
  v.back().calibrated = false;

  preset("digestate", "anaerobic digestate spread each year (digestate of agricultural residues by default)",
         {"cropland", "grassland"}, 0.0,
         "no per-hectare storage rate confirmed; carbon content of agricultural-residue digestate 35 kg C t-1 (AMG "
         "EOM table, Levavasseur et al. 2022)",
         "adds digestate carbon (models/*/README.md, \"Scenario inputs\")",
         {{"fresh_matter_t_ha_yr", 20.0, "t ha-1 yr-1", 0.0, 100.0, "fresh digestate spread per year"},
          {"carbon_content_kgC_t", 35.0, "kg C t-1", 1.0, 500.0,
           "carbon per tonne of fresh product (16-21 liquid or raw cover-crop digestate, 113 solid: AMG EOM table)"}},
         [](const std::vector<double>& x) { return add(AddedInput::digestate, x[0] * x[1] / 1000.0); });
  v.back().calibrated = false;

  preset("agroforestry_cropland", "trees within arable plots (30-200 trees ha-1)", {"cropland"}, 0.30,
         aldo + " (cropsAgroforestry): 0.30 t C ha-1 yr-1 in the soil; the 0.70 t C ha-1 yr-1 of the trees' "
                "biomass is not counted here",
         "adds woody litter and roots (RothC DPM/RPM 0.25); the trees' own biomass is not simulated",
         {{"woody_input_tC_ha_yr", 0.869, "t C ha-1 yr-1", 0.0, 10.0,
           "carbon of the trees' litter and dead roots reaching the soil, per hectare of plot"}},
         [](const std::vector<double>& x) { return add(AddedInput::woody, x[0]); });

  preset("agroforestry_grassland", "trees within grassland plots (silvopasture)", {"grassland"}, 0.30,
         aldo + " (prairiesAgroforestry): 0.30 t C ha-1 yr-1 in the soil; the 0.70 t C ha-1 yr-1 of the trees' "
                "biomass is not counted here",
         "adds woody litter and roots (RothC DPM/RPM 0.25); the trees' own biomass is not simulated",
         {{"woody_input_tC_ha_yr", 0.827, "t C ha-1 yr-1", 0.0, 10.0,
           "carbon of the trees' litter and dead roots reaching the soil, per hectare of plot"}},
         [](const std::vector<double>& x) { return add(AddedInput::woody, x[0]); });

  auto hedge = [](const std::vector<double>& x) { return add(AddedInput::woody, x[0] / 100.0 * x[1]); };
  preset("hedges_cropland", "hedges around arable plots (60 m per hectare of plot)", {"cropland"}, 0.06,
         aldo + " (cropsHedges): 0.06 t C ha-1 yr-1 in the soil per hectare of plot; the 0.09 t C ha-1 yr-1 of the "
                "hedges' biomass is not counted here",
         "adds woody litter and roots in proportion to the hedge length; the hedges' biomass is not simulated",
         {{"hedge_length_m_ha", 60.0, "m ha-1", 0.0, 1000.0, "hedge length per hectare of plot"},
          {"woody_input_tC_per_100m_yr", 0.29, "t C (100 m)-1 yr-1", 0.0, 10.0,
           "carbon of the hedge's litter and dead roots reaching the soil, per 100 m of hedge"}},
         hedge);
  preset("hedges_grassland", "hedges around grassland plots (100 m per hectare of plot)", {"grassland"}, 0.10,
         aldo + " (prairiesHedges): 0.10 t C ha-1 yr-1 in the soil per hectare of plot; the 0.15 t C ha-1 yr-1 of "
                "the hedges' biomass is not counted here",
         "adds woody litter and roots in proportion to the hedge length; the hedges' biomass is not simulated",
         {{"hedge_length_m_ha", 100.0, "m ha-1", 0.0, 1000.0, "hedge length per hectare of plot"},
          {"woody_input_tC_per_100m_yr", 0.276, "t C (100 m)-1 yr-1", 0.0, 10.0,
           "carbon of the hedge's litter and dead roots reaching the soil, per 100 m of hedge"}},
         hedge);

  preset("grass_strips", "permanent grass strips on arable land (the strip's own area)", {"cropland"}, 0.49,
         aldo + " (grassyStrips): 0.49 t C ha-1 yr-1",
         "adds grass litter and roots on the strip",
         {{"extra_input_tC_ha_yr", 1.99, "t C ha-1 yr-1", 0.0, 10.0,
           "grass carbon returned to the soil beyond the crop's, per hectare of strip"}},
         [](const std::vector<double>& x) { return add(AddedInput::grass, x[0]); });

  preset("direct_seeding", "continuous direct seeding (no tillage)", {"cropland"}, 0.15,
         aldo + " (directSowingContinuous): 0.15 t C ha-1 yr-1",
         "slows every decomposition rate (the rate depends on the stocks: calibrated on the spun-up France state)",
         {{"decomposition_factor", 0.7701, "1", 0.3, 1.0, "multiplies every decomposition rate of the soil"}},
         [](const std::vector<double>& x) {
           PracticeEffect e;
           e.decomposition_factor = x[0];
           return e;
         });
  preset("direct_seeding_plough_5yr", "direct seeding with ploughing one year in five", {"cropland"}, 0.10,
         aldo + " (directSowingFiveYearWork): 0.10 t C ha-1 yr-1",
         "slows every decomposition rate, averaged over the five years (calibrated on the spun-up France state)",
         {{"decomposition_factor", 0.8405, "1", 0.3, 1.0,
           "multiplies every decomposition rate of the soil, averaged over the five years"}},
         [](const std::vector<double>& x) {
           PracticeEffect e;
           e.decomposition_factor = x[0];
           return e;
         });

  // --- vineyards and orchards: classes the France default has not (add a [land_use.vineyard] to use them) --------
  preset("vineyard_inter_row_cover", "grass cover between vine rows (mean of permanent and winter cover)",
         {"vineyard"}, 0.32, aldo + " (vineyardsInterCoverCropping): 0.32 t C ha-1 yr-1",
         "adds grass litter and roots; calibrated on the France default's cropland tiles (it has no vineyard class)",
         {{"extra_input_tC_ha_yr", 1.3, "t C ha-1 yr-1", 0.0, 10.0, "grass carbon returned to the soil per year"}},
         [](const std::vector<double>& x) { return add(AddedInput::grass, x[0]); });
  preset("orchard_inter_row_cover", "grass cover between orchard rows", {"orchard"}, 0.49,
         aldo + " (orchardsInterCoverCropping): 0.49 t C ha-1 yr-1",
         "adds grass litter and roots; calibrated on the France default's cropland tiles (it has no orchard class)",
         {{"extra_input_tC_ha_yr", 1.99, "t C ha-1 yr-1", 0.0, 10.0, "grass carbon returned to the soil per year"}},
         [](const std::vector<double>& x) { return add(AddedInput::grass, x[0]); });

  // --- permanent grassland ---------------------------------------------------------------------------------------
  preset("grassland_intensification",
         "moderate intensification of low-productivity permanent grassland (+50 kg N ha-1 and/or legumes)",
         {"grassland"}, 0.39, aldo + " (prairieIntensification, called indicative by ALDO): 0.39 t C ha-1 yr-1",
         "multiplies the grassland's plant input (after the inverse spin-up's scale)",
         {{"plant_factor", 1.435, "1", 1.0, 3.0, "multiplies the grassland's plant carbon input"}},
         [](const std::vector<double>& x) {
           PracticeEffect e;
           e.plant_factor = x[0];
           return e;
         });
  preset("grazing_instead_of_mowing", "grazing a mown grassland instead of mowing it", {"grassland"}, 0.0,
         "no per-hectare storage rate confirmed (INRA 2019's table not consulted); dung returned assumed, about "
         "1 livestock unit ha-1 grazing half the year",
         "adds the grazers' dung as manure; the plant input may be changed (grass left or trampled)",
         {{"dung_tC_ha_yr", 0.4, "t C ha-1 yr-1", 0.0, 5.0, "carbon of the dung returned on the plot per year"},
          {"plant_factor", 1.0, "1", 0.5, 2.0,
           "multiplies the grassland's plant input (above 1: more litter than under mowing)"}},
         [](const std::vector<double>& x) {
           auto e = add(AddedInput::manure, x[0]);
           e.plant_factor = x[1];
           return e;
         });
  v.back().calibrated = false;
  return v;
}

}  // namespace

const std::vector<PracticePreset>& practice_presets() {
  static const std::vector<PracticePreset> presets = make_presets();
  return presets;
}

const PracticePreset* find_practice(const std::string& name) {
  for (const auto& p : practice_presets())
    if (p.name == name) return &p;
  return nullptr;
}

PracticeEffect practice_effect(const PracticePreset& p, const toml::table& overrides,
                               const std::vector<std::string>& intervention_keys, const std::string& where) {
  std::vector<double> values;
  for (const auto& q : p.parameters) values.push_back(q.value);
  for (const auto& [k, node] : overrides) {
    const std::string key(k.str());
    if (std::find(intervention_keys.begin(), intervention_keys.end(), key) != intervention_keys.end()) continue;
    size_t j = 0;
    while (j < p.parameters.size() && p.parameters[j].key != key) ++j;
    if (j == p.parameters.size()) {
      std::vector<std::string> known;
      for (const auto& q : p.parameters) known.push_back(q.key);
      for (const auto& q : p.parameters)
        if (q.key.size() > key.size() + 1 && q.key.compare(0, key.size() + 1, key + "_") == 0)
          throw InputError(where + ": key " + key + ": a number without its unit: write " + q.key + " (" + q.unit +
                           ")");
      std::string list;
      for (const auto& q : known) list += (list.empty() ? "" : ", ") + q;
      throw InputError(where + ": key " + key + ": not a parameter of practice " + p.name + " (did you mean " +
                       nearest_name(key, known) + "? its parameters: " + list + ")");
    }
    const auto& q = p.parameters[j];
    const auto x = node.is_number() ? node.value<double>() : std::optional<double>{};
    if (!x || !(*x >= q.min && *x <= q.max))
      throw InputError(where + ": key " + key + ": expected a number in " + format_number("%g", q.min) + "-" +
                       format_number("%g", q.max) + " " + q.unit + ", got " +
                       (x ? format_number("%g", *x) : std::string("a value that is not a number")));
    values[j] = *x;
  }
  return p.effect(values);
}

}  // namespace alamod::engine::scenario
