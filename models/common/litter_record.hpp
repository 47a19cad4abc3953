#pragma once
/// The litter record: what vegetation gives the soil in a step, one record per tile (or site), in t C ha-1 per
/// step, by flux, each flux with its chemistry class; and one adapter per soil model turning it into that
/// model's inputs (docs/VEGETATION.md, "The litter record and the soil models"). Every adapter passes all the
/// carbon on: the inputs it returns sum to total(record). Pure functions.
#include <array>
#include <cstddef>

namespace alamod::models::litter {

/// The fluxes of the record.
enum Flux : std::size_t { foliage, fine_root, branch, stem, coarse_root, residue, manure, kFluxes };

/// The chemistry class of the plant fluxes.
enum class Plant { conifer, broadleaf_deciduous, broadleaf_evergreen, grass, crop };

struct Record {
  std::array<double, kFluxes> c{};  ///< t C ha-1 per step, by Flux
  Plant plant = Plant::conifer;
  double stem_diameter_cm = 0;  ///< mean stem diameter of the dead wood (Yasso's size effect)
};

inline double total(const Record& r) {
  double s = 0;
  for (double x : r.c) s += x;
  return s;
}

/// AWEN shares (Yasso): fine (foliage, fine roots) and coarse (branches, stems, coarse roots) litter by class
/// (Repo et al. 2015, GCB Bioenergy 7:877: temperate conifer, broadleaf summergreen and evergreen; grass:
/// understorey grass above-ground; crop: wheat straw; manure: cow dung; Yasso07 user manual values as coded
/// in the Finnish GHG inventory; biomass.md 2.3). Shares renormalised to sum to 1.
struct Awen {
  double a, w, e, n;
};
inline Awen normalised(Awen x) {
  const double s = x.a + x.w + x.e + x.n;
  return {x.a / s, x.w / s, x.e / s, x.n / s};
}
inline Awen fine_awen(Plant p) {
  switch (p) {
    case Plant::conifer: return normalised({0.51, 0.13, 0.10, 0.26});
    case Plant::broadleaf_deciduous: return normalised({0.39, 0.09, 0.05, 0.47});
    case Plant::broadleaf_evergreen: return normalised({0.49, 0.15, 0.08, 0.29});
    case Plant::grass: return normalised({0.273, 0.4275, 0.2745, 0.025});
    case Plant::crop: return normalised({0.7130, 0.1028, 0.0525, 0.1318});
  }
  return {0.25, 0.25, 0.25, 0.25};
}
inline Awen coarse_awen(Plant p) {
  switch (p) {
    case Plant::conifer: return normalised({0.68, 0.02, 0.01, 0.29});
    case Plant::broadleaf_deciduous:
    case Plant::broadleaf_evergreen: return normalised({0.76, 0.01, 0.01, 0.22});
    case Plant::grass:
    case Plant::crop: return fine_awen(p);  // no wood
  }
  return {0.25, 0.25, 0.25, 0.25};
}
inline constexpr Awen kManureAwen{0.7013, 0.1024, 0.0671, 0.1292};

/// Yasso: the carbon input and its AWEN shares (carbon-weighted over the fluxes).
struct YassoInput {
  double c = 0;  ///< t C ha-1 per step
  Awen shares{0.25, 0.25, 0.25, 0.25};
};
inline YassoInput yasso(const Record& r) {
  YassoInput y;
  Awen sum{0, 0, 0, 0};
  for (std::size_t f = 0; f < kFluxes; ++f) {
    const double c = r.c[f];
    const Awen s = f == manure ? normalised(kManureAwen)
                   : (f == branch || f == stem || f == coarse_root) ? coarse_awen(r.plant)
                                                                    : fine_awen(r.plant);
    sum = {sum.a + c * s.a, sum.w + c * s.w, sum.e + c * s.e, sum.n + c * s.n};
    y.c += c;
  }
  if (y.c > 0) y.shares = {sum.a / y.c, sum.w / y.c, sum.e / y.c, sum.n / y.c};
  return y;
}

/// RothC: plant carbon with a DPM/RPM ratio, manure apart (FYM, split DPM/RPM/HUM 0.49/0.49/0.02 by RothC).
/// Ratios (RothC-26.3 user guide, Coleman & Jenkinson): 1.44 crops and improved grassland, 0.67 unimproved
/// grassland and scrub, 0.25 deciduous or tropical woodland (used for all woodland litter here).
struct RothcInput {
  double plant = 0, fym = 0;  ///< t C ha-1 per step
  double dpm_rpm_ratio = 0.25;
};
inline RothcInput rothc(const Record& r) {
  RothcInput x;
  for (std::size_t f = 0; f < kFluxes; ++f) (f == manure ? x.fym : x.plant) += r.c[f];
  x.dpm_rpm_ratio = r.plant == Plant::crop ? 1.44 : r.plant == Plant::grass ? 1.44 : 0.25;
  return x;
}

/// CENTURY: surface (foliage, branches, stems, above-ground residues, manure) and soil (roots) inputs and the
/// lignin:N of each (CASA-CNP lignin and C:N, Wang, Law & Pak 2010; leaf N half retranslocated before fall).
struct CenturyInput {
  double surface = 0, soil = 0;             ///< t C ha-1 per step
  double surface_lignin_n = 0, soil_lignin_n = 0;  ///< lignin:N (1)
};
struct Chemistry {
  double lignin, cn;  ///< lignin fraction of dry mass (1), C:N (1)
};
inline Chemistry chemistry(Flux f, Plant p) {
  const bool conifer = p == Plant::conifer;
  const bool herb = p == Plant::grass || p == Plant::crop;
  switch (f) {
    case foliage: return herb ? Chemistry{0.10, 2 * (p == Plant::crop ? 21.6 : 34.8)}
                              : Chemistry{conifer ? 0.25 : 0.20, 2 * (conifer ? 49.8 : 31.4)};
    case fine_root: return herb ? Chemistry{0.10, 64.5} : Chemistry{conifer ? 0.25 : 0.20, conifer ? 73.7 : 63.2};
    case branch:
    case stem:
    case coarse_root: return Chemistry{0.40, conifer ? 238.0 : 156.0};
    case residue: return Chemistry{0.10, 2 * 21.6};
    case manure: return Chemistry{0.15, 15.0};
    default: return Chemistry{0.2, 50};
  }
}
inline CenturyInput century(const Record& r) {
  CenturyInput x;
  double s_l = 0, s_n = 0, b_l = 0, b_n = 0;  // lignin and N carried (per unit C: DM = 2 C)
  for (std::size_t f = 0; f < kFluxes; ++f) {
    const Flux flux = static_cast<Flux>(f);
    const double c = r.c[f];
    const Chemistry ch = chemistry(flux, r.plant);
    const bool below = flux == fine_root || flux == coarse_root;
    (below ? x.soil : x.surface) += c;
    (below ? b_l : s_l) += c * 2 * ch.lignin;
    (below ? b_n : s_n) += c / ch.cn;
  }
  x.surface_lignin_n = s_n > 0 ? s_l / s_n : 0;
  x.soil_lignin_n = b_n > 0 ? b_l / b_n : 0;
  return x;
}

/// Crop residues from the yield by Bolinder et al. (2007) allometry as AMG v2 codes it (Clivot et al. 2019;
/// biomass.md 3.1), t C ha-1 per harvest: above-ground straw and stubble `Y (1 - HI)/HI C_AG` (times the
/// returned share: 1 when the straw stays, AMG's PSS when it is exported) and roots with extra-root
/// rhizodeposits `(1 + 0.65) Y/(SR HI) C_BG` within `depth_cm` (`1 - beta^depth`, Fan et al. 2016).
struct CropResidues {
  double above = 0, below = 0;  ///< t C ha-1
};
inline CropResidues bolinder(double yield_dm, double harvest_index, double shoot_root_ratio, double beta,
                             double depth_cm, double returned_share, double c_above = 0.44, double c_below = 0.40) {
  double beta_z = 1;  // beta^depth, depth in whole cm
  for (int i = 0; i < static_cast<int>(depth_cm); ++i) beta_z *= beta;
  CropResidues r;
  r.above = yield_dm * (1 - harvest_index) / harvest_index * c_above * returned_share;
  r.below = (1 + 0.65) * yield_dm / (shoot_root_ratio * harvest_index) * c_below * (1 - beta_z);
  return r;
}

}  // namespace alamod::models::litter
