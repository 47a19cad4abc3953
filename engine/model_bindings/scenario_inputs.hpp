#pragma once
/// What every soil model's grid binding shares to take a scenario's InputChange (grid_model.hpp): the check of
/// the change against the rank's cells, the months each added kind is spread over, and the quality of each kind
/// (DPM/RPM ratio, humification coefficients, AWEN shares, lignin and nitrogen) with its source. Each model's
/// README, "Scenario inputs", gives the split it makes of these; docs/SCENARIOS.md "How each model takes
/// scenario inputs" sums them up.
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/configuration/config.hpp"
#include "engine/model_bindings/grid_model.hpp"

namespace alamod::engine::scenario_inputs {

/// Whether the cover-crop months (September to February) include month `mo` (0 = January).
inline bool cover_crop_month(int mo) { return mo >= 8 || mo <= 1; }
/// The share of a year's cover-crop carbon that enters in month `mo` (0 = January): 1/6 in each of them.
inline double cover_crop_share(int mo) { return cover_crop_month(mo) ? 1.0 / 6.0 : 0.0; }

/// The months (0 = January) an added kind is spread over, shares summing to 1: plant, grass and woody like the
/// class's plant input (input_share); cover crops evenly from September to February (the intercrop months);
/// manure, compost and digestate like the class's fym, which the grid spreads like its plant input.
inline std::array<double, 12> monthly_shares(int kind, const LandUseClass& lu) {
  if (kind == static_cast<int>(AddedInput::cover_crop)) {
    std::array<double, 12> s{};
    for (int mo = 0; mo < 12; ++mo) s[static_cast<std::size_t>(mo)] = cover_crop_share(mo);
    return s;
  }
  return lu.input_share;
}

/// A scenario's change as the bindings read it: the per-cell vectors checked against the number of cells, and
/// for each cell whether anything but the plant factor changes (`special`): such a cell leaves the block
/// kernels for the per-cell path; every other cell keeps the plain path, its plant input times the factor.
struct Change {
  bool active = false;             ///< a non-empty change is in force
  std::vector<double> plant;       ///< plant_factor per cell (1 where none)
  std::vector<double> decomposition;  ///< decomposition_factor per cell (1 where none)
  std::array<std::vector<double>, kAddedInputKinds> added;  ///< t C ha-1 yr-1 per kind per cell (empty: none)
  std::vector<char> special;       ///< 1: an addition or a decomposition factor other than 1
  bool any_special = false;

  double plant_factor(std::size_t i) const { return plant.empty() ? 1.0 : plant[i]; }
  double decomposition_factor(std::size_t i) const { return decomposition.empty() ? 1.0 : decomposition[i]; }
  double add(int kind, std::size_t i) const {
    const auto& a = added[static_cast<std::size_t>(kind)];
    return a.empty() ? 0.0 : a[i];
  }

  /// Take `c` for `n` cells; throws std::invalid_argument naming the vector and the cell where a vector has the
  /// wrong length or a value is negative or not finite. An empty change clears everything (the plain path).
  void set(const InputChange& c, std::size_t n, const std::string& model) {
    active = !c.empty();
    plant.clear();
    decomposition.clear();
    for (auto& a : added) a.clear();
    special.clear();
    any_special = false;
    if (!active) return;
    auto take = [&](const std::vector<double>& v, std::vector<double>& to, const std::string& what) {
      if (v.empty()) return;
      if (v.size() != n)
        throw std::invalid_argument(model + " scenario input change: " + what + " has " + std::to_string(v.size()) +
                                    " values for " + std::to_string(n) + " cells of this rank");
      for (std::size_t i = 0; i < n; ++i)
        if (!(v[i] >= 0.0) || !std::isfinite(v[i]))
          throw std::invalid_argument(model + " scenario input change: " + what + " = " + std::to_string(v[i]) +
                                      " at cell " + std::to_string(i) + " of this rank, expected a finite value >= 0");
      to = v;
    };
    take(c.plant_factor, plant, "plant_factor (1)");
    take(c.decomposition_factor, decomposition, "decomposition_factor (1)");
    for (int k = 0; k < kAddedInputKinds; ++k)
      take(c.added[static_cast<std::size_t>(k)], added[static_cast<std::size_t>(k)],
           std::string("added ") + added_input_name(k) + " (t C ha-1 yr-1)");
    special.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      bool s = decomposition_factor(i) != 1.0;
      for (int k = 0; k < kAddedInputKinds; ++k) s = s || add(k, i) != 0.0;
      special[i] = s ? 1 : 0;
      any_special = any_special || s;
    }
  }
  /// Carbon added to cell i in month mo (t C ha-1) of kind k.
  double added_in_month(int kind, std::size_t i, int mo, const LandUseClass& lu) const {
    const double a = add(kind, i);
    return a == 0.0 ? 0.0 : a * monthly_shares(kind, lu)[static_cast<std::size_t>(mo)];
  }
};

// ---- the quality of each kind, per model (sources in models/NAME/README.md "Scenario inputs")

/// RothC: the DPM/RPM ratio of the plant-like kinds (Coleman & Jenkinson 1996; GSOCseq technical manual):
/// cover crops 1.44 (agricultural crops), grass 1.44 (improved grassland: sown, fertilised temporary grassland,
/// grass strips, inter-row cover), woody 0.25 (deciduous or tropical woodland). The plant kind keeps the class's
/// ratio. Manure, compost and digestate take RothC's farmyard-manure split (fym_dpm, fym_rpm, fym_hum).
inline double rothc_dpm_rpm_ratio(int kind, double class_ratio) {
  switch (static_cast<AddedInput>(kind)) {
    case AddedInput::plant: return class_ratio;
    case AddedInput::cover_crop:
    case AddedInput::grass: return 1.44;
    case AddedInput::woody: return 0.25;
    default: return 0.0;  // amendments: the FYM split
  }
}
inline bool is_amendment(int kind) { return kind >= static_cast<int>(AddedInput::manure); }

/// AMG: humification coefficient of each kind (1): the plant kinds the binding's plant coefficient (0.3: 0.5 h_AG
/// 0.2 + 0.5 h_BG 0.4 of AMG's default crop, data/amg_params/parameters_PLANT.csv); the amendments from
/// data/amg_params/parameters_EOM.csv (Levavasseur et al. 2021, doi:10.1111/sum.12856): manure "Bovine manure"
/// 0.64, compost "Compost of bovine manure" 0.71, digestate "Digestate of agricultural residues" 0.66.
inline double amg_humification(int kind) {
  switch (static_cast<AddedInput>(kind)) {
    case AddedInput::manure: return 0.64;
    case AddedInput::compost: return 0.71;
    case AddedInput::digestate: return 0.66;
    default: return 0.3;
  }
}

/// ICBM: humification coefficient h of each kind (1), Andren & Katterer (1997): 0.125 straw and crop residues
/// (every plant kind), 0.31 farmyard manure (manure, compost and digestate: ICBM publishes no other amendment).
inline double icbm_humification(int kind, double plant_h) { return is_amendment(kind) ? 0.31 : plant_h; }

/// Yasso: AWEN shares of each kind (sum 1), Yasso07 litter tables as models/common/litter_record.hpp holds them
/// (biomass.md 2.3): cover crops wheat straw, grass understorey grass above-ground, woody temperate broadleaf
/// summergreen coarse litter (Repo et al. 2015), manure, compost and digestate cow dung; the plant kind keeps
/// the class's awen.
inline std::array<double, 4> yasso_awen(int kind, const std::array<double, 4>& class_awen) {
  auto norm = [](double a, double w, double e, double n) {
    const double s = a + w + e + n;
    return std::array<double, 4>{a / s, w / s, e / s, n / s};
  };
  switch (static_cast<AddedInput>(kind)) {
    case AddedInput::cover_crop: return norm(0.7130, 0.1028, 0.0525, 0.1318);
    case AddedInput::grass: return norm(0.273, 0.4275, 0.2745, 0.025);
    case AddedInput::woody: return norm(0.76, 0.01, 0.01, 0.22);
    case AddedInput::manure:
    case AddedInput::compost:
    case AddedInput::digestate: return norm(0.7013, 0.1024, 0.0671, 0.1292);
    default: return class_awen;
  }
}

/// CENTURY and MIMICS: lignin share of dry mass and nitrogen share of dry mass of each kind (1), from the
/// CASA-CNP litter chemistry of models/common/litter_record.hpp (Wang, Law & Pak 2010; C = 0.5 dry mass):
/// cover crops green crop leaves (lignin 0.10, C:N 21.6: incorporated green, no retranslocation), grass
/// C3 grass leaves (0.10, C:N 69.6 with half the N retranslocated), woody broadleaf wood (0.40, C:N 156),
/// manure, compost and digestate manure (0.15, C:N 15). The plant kind keeps the class's fractions.
struct Quality {
  double lignin, nitrogen;  ///< fractions of dry mass (1)
};
inline Quality litter_quality(int kind, const LandUseClass& lu) {
  auto from_cn = [](double lignin, double cn) { return Quality{lignin, 0.5 / cn}; };
  switch (static_cast<AddedInput>(kind)) {
    case AddedInput::cover_crop: return from_cn(0.10, 21.6);
    case AddedInput::grass: return from_cn(0.10, 69.6);
    case AddedInput::woody: return from_cn(0.40, 156.0);
    case AddedInput::manure:
    case AddedInput::compost:
    case AddedInput::digestate: return from_cn(0.15, 15.0);
    default: return {lu.lignin_fraction, lu.n_fraction};
  }
}
/// CENTURY's metabolic share Fm = intercept - slope L/N (Parton et al. 1987), clamped to [0, 1].
inline double metabolic_share(double intercept, double slope, const Quality& q) {
  const double fm = intercept - slope * q.lignin / q.nitrogen;
  return fm < 0.0 ? 0.0 : (fm > 1.0 ? 1.0 : fm);
}
/// CENTURY: share of each kind entering the surface pools (the rest the soil pools): the plant kinds like the
/// class's plant input (`plant_surface`, half), the amendments all on the surface (like the class's fym).
inline double century_surface_share(int kind, double plant_surface) { return is_amendment(kind) ? 1.0 : plant_surface; }

}  // namespace alamod::engine::scenario_inputs
