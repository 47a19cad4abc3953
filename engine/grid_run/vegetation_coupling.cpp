// Vegetation on the grid's tiles: docs/VEGETATION.md, "Grid runs"; the interface in vegetation_coupling.hpp.
#include "engine/grid_run/vegetation_coupling.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "decomposition/land_migration.hpp"
#include "engine/common/number_format.hpp"
#include "engine/model_bindings/vegetation_grid.hpp"
#include "engine/vegetation/csv_table.hpp"
#include "grids/input_error.hpp"
#include "grids/lon_lat.hpp"
#include "grids/raster.hpp"

namespace alamod::engine {

namespace {

namespace vg = vegetation_grid;
namespace litter = models::litter;

constexpr double kPi = 3.14159265358979323846;
constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
constexpr int kMidDay[12] = {15, 46, 74, 105, 135, 166, 196, 227, 258, 288, 319, 349};

/// Saturation vapour pressure (hPa) over water at T (degC), as 3-PG and r3PG use it.
double svp(double t) { return 6.1078 * std::exp(17.269 * t / (237.3 + t)); }

/// Daily extraterrestrial radiation (MJ m-2 d-1) at latitude (deg) on day of year `doy` (FAO-56, eq. 21).
double extraterrestrial(double latitude, int doy) {
  const double phi = latitude * kPi / 180.0;
  const double dr = 1.0 + 0.033 * std::cos(2.0 * kPi * doy / 365.0);
  const double delta = 0.409 * std::sin(2.0 * kPi * doy / 365.0 - 1.39);
  const double ws = std::acos(std::clamp(-std::tan(phi) * std::tan(delta), -1.0, 1.0));
  return 24.0 * 60.0 / kPi * 0.0820 * dr *
         (ws * std::sin(phi) * std::sin(delta) + std::cos(phi) * std::cos(delta) * std::sin(ws));
}

/// The LUE tiles' living biomass (docs/VEGETATION.md, "Living biomass of grassland and cropland"): the defaults of
/// CASA-CNP (Wang, Law & Pak 2010, Biogeosciences 7:2261) for C3 grass and C3 crop: the share of NPP allocated to
/// the leaves (above ground; the rest to the roots) and the mean residence times of leaf and root carbon (yr).
struct Herbaceous {
  double leaf_share, leaf_years, root_years;
};
constexpr Herbaceous kGrass{0.35, 0.8, 3.0};
constexpr Herbaceous kCrop{0.50, 0.8, 0.88};

int days_in_year(int year) { return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 366 : 365; }

}  // namespace

VegetationCoupling::VegetationCoupling(const RunConfig& cfg) : v_(cfg.vegetation), grid_(cfg.grid) {
  with_luc_ = cfg.land_use_changes();
  for (const auto& s : cfg.scenarios.scenarios) with_luc_ = with_luc_ || !s.luc_rates.empty() || !s.luc_maps.empty();
  for (const auto& u : cfg.land_uses) {
    class_names_.push_back(u.name);
    class_fym_.push_back(u.fym);
    int kind = none;
    if (u.name == "forest" && !v_.forest.empty()) kind = forest;
    if (u.name == "grassland" && !v_.grassland.empty()) kind = grassland;
    if (u.name == "cropland" && !v_.cropland.empty()) kind = cropland;
    kind_of_class_.push_back(kind);
  }
  if (v_.cropland_input == "yield") {
    // the crops' yields per region (Bolinder allometry, docs/VEGETATION.md "Crop residues from yields")
    vegetation::CsvTable y(v_.crop_yield_table);
    const std::size_t c_code = y.column("region_code"), c_crop = y.column("crop"), c_y = y.column("yield_t_ha"),
                      c_m = y.column("moisture_pct"), c_hi = y.column("harvest_index"),
                      c_sr = y.column("shoot_root_ratio"), c_b = y.column("beta"), c_r = y.column("straw_returned");
    for (std::size_t r = 0; r < y.rows(); ++r) {
      CropYield x;
      x.crop = y.text(r, c_crop);
      x.yield = y.number(r, c_y);
      x.moisture = y.number(r, c_m);
      x.harvest_index = y.number(r, c_hi);
      x.shoot_root = y.number(r, c_sr);
      x.beta = y.number(r, c_b);
      x.returned = y.number(r, c_r);
      if (!(x.yield >= 0.0 && x.yield < 100.0))
        throw InputError(y.where(r, c_y) + ": yield " + y.text(r, c_y) + " t ha-1 is outside [0, 100)");
      if (!(x.moisture >= 0.0 && x.moisture < 100.0))
        throw InputError(y.where(r, c_m) + ": moisture " + y.text(r, c_m) + " % is outside [0, 100)");
      if (!(x.harvest_index > 0.0 && x.harvest_index <= 1.0))
        throw InputError(y.where(r, c_hi) + ": harvest index " + y.text(r, c_hi) + " is outside (0, 1]");
      if (!(x.shoot_root > 0.0 && x.shoot_root < 100.0))
        throw InputError(y.where(r, c_sr) + ": shoot/root ratio " + y.text(r, c_sr) + " is outside (0, 100)");
      if (!(x.beta > 0.0 && x.beta < 1.0))
        throw InputError(y.where(r, c_b) + ": beta " + y.text(r, c_b) + " is outside (0, 1)");
      if (!(x.returned >= 0.0 && x.returned <= 1.0))
        throw InputError(y.where(r, c_r) + ": straw_returned " + y.text(r, c_r) + " is outside [0, 1]");
      const int code = static_cast<int>(std::lround(y.number(r, c_code)));
      for (const auto& [c, e] : crop_yields_)
        if (c == code) throw InputError(y.where(r, c_code) + ": region " + y.text(r, c_code) + " appears twice");
      crop_yields_.emplace_back(code, x);
    }
  }
  if (v_.forest.empty()) return;
  const std::string keys[2] = {"vegetation.broadleaf_species", "vegetation.conifer_species"};
  const std::string names[2] = {v_.broadleaf_species, v_.conifer_species};
  for (int k = 0; k < 2; ++k) {
    try {
      species_[static_cast<std::size_t>(k)] = vg::find_forest_species(names[k], v_.forest_alpha_factor);
      species_name_[static_cast<std::size_t>(k)] = species_[static_cast<std::size_t>(k)].name;
    } catch (const std::invalid_argument& e) {
      throw InputError(cfg.path + ": " + keys[k] + " = \"" + names[k] + "\": " + e.what());
    }
  }
  // the IGN table: a row per region and composition
  vegetation::CsvTable t(v_.forest_table);
  const std::size_t c_code = t.column("region_code"), c_comp = t.column("composition"), c_area = t.column("area_ha"),
                    c_c = t.column("live_c_t_ha"), c_prod = t.column("production_t_ha_yr"),
                    c_rem = t.column("removals_t_ha_yr"), c_mort = t.column("mortality_t_ha_yr");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    const double code = t.number(r, c_code);
    const std::string& comp = t.text(r, c_comp);
    const int k = comp == "broadleaf" ? 0 : comp == "conifer" ? 1 : comp == "mixed" ? 2 : -1;
    if (k < 0) throw InputError(t.where(r, c_comp) + ": '" + comp + "' is not broadleaf, conifer or mixed");
    Rates x;
    x.area = t.number(r, c_area);
    x.carbon = t.number(r, c_c);
    x.production = t.number(r, c_prod);
    x.removals = t.number(r, c_rem);
    x.mortality = t.number(r, c_mort);
    const std::pair<double, std::size_t> checks[] = {{x.area, c_area}, {x.carbon, c_c}, {x.removals, c_rem},
                                                     {x.mortality, c_mort}};
    for (const auto& [value, col] : checks)
      if (!(value >= 0.0 && value < 1e9)) throw InputError(t.where(r, col) + ": " + t.text(r, col) + " is negative");
    if (x.area > 0 && !(x.carbon > 0.0 && x.carbon < 1000.0))
      throw InputError(t.where(r, c_c) + ": live carbon " + t.text(r, c_c) + " t C ha-1 is outside (0, 1000)");
    auto it = std::find_if(regions_.begin(), regions_.end(), [&](const auto& p) { return p.first == code; });
    if (it == regions_.end()) {
      regions_.emplace_back(static_cast<int>(code), RegionForest{});
      it = regions_.end() - 1;
    }
    it->second.by_composition[static_cast<std::size_t>(k)] = x;
  }
}

std::vector<std::string> VegetationCoupling::input_files() const {
  std::vector<std::string> files;
  if (!v_.forest_table.empty()) files.push_back(v_.forest_table);
  if (!v_.greenness.empty()) files.push_back(v_.greenness);
  if (!v_.crop_yield_table.empty()) files.push_back(v_.crop_yield_table);
  return files;
}

std::string VegetationCoupling::describe() const {
  std::string s = "vegetation:";
  if (!v_.forest.empty())
    s += " forest 3-PG (" + species_name_[0] + " broadleaf, " + species_name_[1] + " conifer stands; mean age " +
         format_number("%g", v_.forest_age) + " yr, alphaCx x " + format_number("%g", v_.forest_alpha_factor) +
         "; initial state, removals and mortality from " + v_.forest_table + ")";
  if (!v_.grassland.empty()) s += "; grassland LUE (MOD17 Grass)";
  if (!v_.cropland.empty()) s += "; cropland LUE (MOD17 Crop)";
  if (!v_.greenness.empty()) s += " from " + v_.greenness_quantity + " " + v_.greenness;
  if (v_.cropland_input == "yield")
    s += "; cropland litter: crop residues from the yields of " + v_.crop_yield_table + " (Bolinder et al. 2007 allometry)";
  if (with_luc_)
    s += "; land-use change: cleared forest's stem pool exported at " + format_number("%g", v_.clearing_export) +
         ", the rest and the grass's and crops' biomass to the receiving tile's soil as litter, new forest planted (" +
         format_number("%g", v_.planting_stems) + " trees ha-1, " + format_number("%g", v_.planting_biomass) +
         " t DM ha-1, age 0) and mixed by area";
  s += "; SYNTHETIC climate parts: Tmin/Tmax = tas -/+ " + format_number("%g", v_.diurnal_range / 2) +
       " degC, radiation by Angstrom (relative sunshine " + format_number("%g", v_.sunshine_fraction) +
       "), VPD and frost days from Tmin/Tmax; litter replaces the static carbon input";
  return s;
}

void VegetationCoupling::read_cells(const std::vector<std::int64_t>& cells) {
  const std::size_t n = cells.size();
  const int row0 = n ? static_cast<int>(cells.front() / grid_.nx) : 0;
  const int nrows = n ? static_cast<int>(cells.back() / grid_.nx) - row0 + 1 : 0;
  cell_region_.assign(n, 0.0);
  cell_greenness_.assign(n, std::nan(""));
  cell_latitude_.assign(n, 45.0);
  auto at = [&](const grids::RasterWindow& w, std::int64_t c) {
    return w.at(static_cast<int>(c / grid_.nx), static_cast<int>(c % grid_.nx));
  };
  if (!v_.forest.empty() || v_.cropland_input == "yield") {
    const auto w = grids::read_raster_window(v_.region, grid_, row0, nrows, grids::Resampling::nearest);
    for (std::size_t i = 0; i < n; ++i) cell_region_[i] = at(w, cells[i]);
  }
  if (!v_.greenness.empty()) {
    const auto w = grids::read_raster_window(v_.greenness, grid_, row0, nrows, grids::Resampling::average);
    for (std::size_t i = 0; i < n; ++i) cell_greenness_[i] = at(w, cells[i]) * v_.greenness_scale + v_.greenness_offset;
  }
  if (n) {
    const grids::CellLonLat ll = grids::cell_lon_lat(grid_, cells.front(), cells.back() + 1);
    for (std::size_t i = 0; i < n; ++i) cell_latitude_[i] = ll.lat[static_cast<std::size_t>(cells[i] - cells.front())];
  }
}

void VegetationCoupling::move_cells(const decomposition::LandMigration& move) {
  move.move(cell_region_);
  move.move(cell_greenness_);
  move.move(cell_latitude_);
}

const VegetationCoupling::RegionForest& VegetationCoupling::region_forest(
    double code, std::size_t tile, const std::function<std::string(std::size_t)>& describe) const {
  for (const auto& [c, f] : regions_)
    if (std::isfinite(code) && c == static_cast<int>(std::lround(code))) return f;
  for (const auto& [c, f] : regions_)
    if (c == 0) return f;  // region_code 0: every region
  throw InputError(v_.forest_table + ": no row for region code " + format_number("%g", code) + " of " + v_.region +
                   " at land " + describe(tile) + " (and no region_code 0 row for every region)");
}

void VegetationCoupling::set_tiles(const LandTiles& tiles, const std::function<std::string(std::size_t)>& describe) {
  const std::size_t nt = tiles.tiles();
  describe_ = describe;
  kind_.assign(nt, none);
  latitude_.assign(nt, 45.0);
  greenness_.assign(nt, 0.0);
  fym_.assign(nt, 0.0);
  for (int k = 0; k < 2; ++k) {
    share_[k].assign(nt, 0.0);
    removal_rate_[k].assign(nt, 0.0);
    mortality_rate_[k].assign(nt, 0.0);
    ws_[k].assign(nt, 0.0);
    wr_[k].assign(nt, 0.0);
    wf_[k].assign(nt, 0.0);
    debt_[k].assign(nt, 0.0);
    stems_[k].assign(nt, 0.0);
    asw_[k].assign(nt, 0.0);
    age_[k].assign(nt, v_.forest_age);
  }
  for (auto& l : luc_litter_) l.clear();
  luc_year_ = -1;
  bucket_.assign(nt, v_.bucket_mm);
  lue_leaf_.assign(nt, 0.0);  // the run starts in January with bare grass and crop tiles (no living biomass)
  lue_root_.assign(nt, 0.0);
  crop_residue_above_.assign(nt, 0.0);
  crop_residue_below_.assign(nt, 0.0);
  crop_grain_.assign(nt, 0.0);
  const auto& sp = species_;
  for (std::size_t t = 0; t < nt; ++t) {
    const auto c = static_cast<std::size_t>(tiles.cell[t]), cls = static_cast<std::size_t>(tiles.cls[t]);
    kind_[t] = kind_of_class_[cls];
    latitude_[t] = cell_latitude_[c];
    fym_[t] = class_fym_[cls];
    if (kind_[t] == grassland || kind_[t] == cropland) {
      const double g = cell_greenness_[c];
      const bool ndvi = v_.greenness_quantity == "ndvi";
      if (std::isnan(g))
        throw InputError(v_.greenness + ": no valid " + v_.greenness_quantity + " at land " + describe(t) +
                         " (an all-cloud or no-data period: fill the gap, e.g. alamod vegetation satellite "
                         "--max-gap, or give a climatology)");
      if (ndvi ? !(g >= -1.0 && g < 1.0) : !(g >= 0.0 && g <= 1.0))
        throw InputError(v_.greenness + ": " + (ndvi ? "NDVI = " : "fAPAR = ") + format_number("%g", g) +
                         " at land " + describe(t) + " is outside " + (ndvi ? "[-1, 1)" : "0-1") +
                         " (after vegetation.greenness_scale " + format_number("%g", v_.greenness_scale) +
                         " and _offset " + format_number("%g", v_.greenness_offset) + ")");
      greenness_[t] = g;
    }
    if (kind_[t] == cropland && v_.cropland_input == "yield") {
      const CropYield* row = nullptr;
      for (const auto& [code, y] : crop_yields_)
        if (std::isfinite(cell_region_[c]) && code == static_cast<int>(std::lround(cell_region_[c]))) row = &y;
      if (!row)
        for (const auto& [code, y] : crop_yields_)
          if (code == 0) row = &y;
      if (!row)
        throw InputError(v_.crop_yield_table + ": no row for region code " + format_number("%g", cell_region_[c]) +
                         " of " + v_.region + " at land " + describe(t) + " (and no region_code 0 row for every region)");
      // Bolinder et al. (2007) as AMG v2 computes it (models/common/litter_record.hpp, bolinder): the dry yield,
      // the straw and stubble returned, roots and extra-root rhizodeposits within the simulated layer
      const double dm = row->yield * (1.0 - row->moisture / 100.0);
      const auto res = litter::bolinder(dm, row->harvest_index, row->shoot_root, row->beta, v_.soil_depth_cm,
                                        row->returned);
      crop_residue_above_[t] = res.above;
      crop_residue_below_[t] = res.below;
      // exported: the grain and the straw not returned (C_AG 0.44 g C g-1 DM, Bolinder's carbon content)
      const double straw = dm * (1.0 - row->harvest_index) / row->harvest_index * 0.44;
      crop_grain_[t] = dm * 0.44 + straw - res.above;
    }
    if (kind_[t] != forest) continue;
    const RegionForest& r = region_forest(cell_region_[c], t, describe);
    const Rates& b = r.by_composition[0];
    const Rates& cf = r.by_composition[1];
    const Rates& mx = r.by_composition[2];
    const double area = b.area + cf.area + mx.area;
    if (!(area > 0.0)) throw InputError(v_.forest_table + ": no forest area for region " +
                                        format_number("%g", cell_region_[c]) + " at land " + describe(t));
    const Rates* own[2] = {&b, &cf};
    for (std::size_t k = 0; k < 2; ++k) {
      // each stand: its composition and half of the mixed forest
      const double a = own[k]->area + 0.5 * mx.area;
      if (!(a > 0.0)) continue;
      const double carbon = (own[k]->area * own[k]->carbon + 0.5 * mx.area * mx.carbon) / a;  // t C ha-1
      const double stock = carbon * a;
      share_[k][t] = (1.0 - v_.forest_unstocked) * a / area;
      removal_rate_[k][t] = (own[k]->area * own[k]->removals + 0.5 * mx.area * mx.removals) / stock;
      mortality_rate_[k][t] = (own[k]->area * own[k]->mortality + 0.5 * mx.area * mx.mortality) / stock;
      const double dm = 2.0 * carbon;  // t DM ha-1 held: stems, roots and (evergreen) foliage
      const double foliage = v_.forest_foliage_share * dm;
      wr_[k][t] = v_.forest_root_share * dm;
      if (sp[k].deciduous) {
        ws_[k][t] = dm - wr_[k][t];
        debt_[k][t] = foliage;  // December: the leaves have fallen, to regrow in spring
      } else {
        wf_[k][t] = foliage;
        ws_[k][t] = dm - wr_[k][t] - foliage;
      }
      const double tree_kg = sp[k].aWS * std::pow(v_.forest_dbh_cm, sp[k].nWS);
      stems_[k][t] = 1000.0 * ws_[k][t] / tree_kg;
      asw_[k][t] = v_.bucket_mm;
    }
  }
  for (auto* v : {&gpp_, &npp_, &litter_, &harvest_, &production_, &removals_, &mortality_, &c_start_})
    v->assign(nt, 0.0);
  for (auto& f : litter_by_flux_) f.assign(nt, 0.0);
  c_leaf_.assign(nt, 0.0);
  c_wood_.assign(nt, 0.0);
  c_root_.assign(nt, 0.0);
}

std::vector<std::pair<std::string, std::vector<double>*>> VegetationCoupling::state() {
  std::vector<std::pair<std::string, std::vector<double>*>> s;
  const char* stand[2] = {"broadleaf", "conifer"};
  for (int k = 0; k < 2; ++k) {
    const std::string sfx = std::string("_") + stand[k];
    s.emplace_back("veg_ws" + sfx, &ws_[k]);
    s.emplace_back("veg_wr" + sfx, &wr_[k]);
    s.emplace_back("veg_wf" + sfx, &wf_[k]);
    s.emplace_back("veg_debt" + sfx, &debt_[k]);
    s.emplace_back("veg_stems" + sfx, &stems_[k]);
    s.emplace_back("veg_asw" + sfx, &asw_[k]);
    if (with_luc_) s.emplace_back("veg_age" + sfx, &age_[k]);  // below forest_age only where land was planted
  }
  s.emplace_back("veg_bucket", &bucket_);
  s.emplace_back("veg_lue_leaf", &lue_leaf_);
  s.emplace_back("veg_lue_root", &lue_root_);
  return s;
}

std::vector<double> VegetationCoupling::class_carbon(const LandTiles& tiles, std::size_t k) const {
  const std::vector<double> c = tile_carbon();
  std::vector<double> scaled(c.size(), 0.0), cells;
  for (std::size_t t = 0; t < c.size(); ++t)
    if (static_cast<std::size_t>(tiles.cls[t]) == k) scaled[t] = 0.1 * c[t];  // t C ha-1 -> kg m-2
  tiles.to_cells(scaled, cells);
  return cells;
}

std::vector<std::string> VegetationCoupling::vegetated_classes() const {
  std::vector<std::string> names;
  for (std::size_t k = 0; k < class_names_.size(); ++k) names.push_back(kind_of_class_[k] != none ? class_names_[k] : "");
  return names;
}

std::vector<double> VegetationCoupling::tile_carbon() const {
  std::vector<double> c(kind_.size(), 0.0);
  for (std::size_t t = 0; t < c.size(); ++t) c[t] = carbon_of(t);
  return c;
}

double VegetationCoupling::carbon_of(std::size_t t) const {
  double c = 0.0;
  for (int k = 0; k < 2; ++k)
    if (share_[k][t] > 0.0) c += share_[k][t] * 0.5 * (ws_[k][t] + wr_[k][t] + wf_[k][t]);
  if (t < lue_leaf_.size()) c += lue_leaf_[t] + lue_root_[t];
  return c;
}

void VegetationCoupling::step_stand(int year, std::size_t t, int k, const CellClimate& climate) {
  vg::StandClimate sc;
  const double half = 0.5 * v_.diurnal_range;
  const double angstrom = 0.25 + 0.5 * v_.sunshine_fraction;
  for (std::size_t m = 0; m < 12; ++m) {
    const double tas = climate.at(0, static_cast<int>(m), t);
    sc.tave[m] = tas;
    sc.tmin[m] = tas - half;
    sc.tmax[m] = tas + half;
    sc.prcp[m] = climate.at(1, static_cast<int>(m), t);
    sc.srad[m] = angstrom * extraterrestrial(latitude_[t], kMidDay[m]);
    sc.frost_days[m] = kDays[m] * 0.5 * std::erfc(sc.tmin[m] / (3.0 * std::sqrt(2.0)));
  }
  vg::StandState s{ws_[k][t], wr_[k][t], wf_[k][t], debt_[k][t], stems_[k][t], asw_[k][t]};
  const double wood_before = s.ws + s.wr;
  // the stand's mean age: forest_age (constant, a landscape of all ages), or younger where land was planted; a
  // younger stand ages a year per year up to forest_age
  double& age = age_[k][t];
  const vg::StandYear y = vg::step_stand_year(species_[static_cast<std::size_t>(k)], latitude_[t], age, v_.bucket_mm, year, sc, s);
  if (age < v_.forest_age) age = std::min(age + 1.0, v_.forest_age);
  // the inventory's removals and mortality at the end of the year, as shares of the stand (whole trees)
  const double h = removal_rate_[k][t], m = mortality_rate_[k][t];
  const double keep = 1.0 - h - m;
  const double fb = y.fracBB;
  litter::Record rec = y.litter;
  double harvest = y.harvest;
  harvest += 0.5 * h * s.ws * (1.0 - fb);
  rec.c[litter::branch] += 0.5 * (h + m) * s.ws * fb;
  rec.c[litter::stem] += 0.5 * m * s.ws * (1.0 - fb);
  rec.c[litter::foliage] += 0.5 * (h + m) * s.wf;
  rec.c[litter::coarse_root] += 0.5 * (h + m) * s.wr;
  const double removed = 0.5 * h * (s.ws + s.wr), died = 0.5 * m * (s.ws + s.wr) + y.dead_wood;
  s.ws *= keep;
  s.wr *= keep;
  s.wf *= keep;
  s.debt *= keep;
  s.stems *= keep;
  const double share = share_[k][t];
  const double production = 0.5 * (s.ws + s.wr - wood_before) + removed + died;
  gpp_[t] += share * y.gpp;
  npp_[t] += share * y.npp;
  harvest_[t] += share * harvest;
  production_[t] += share * production;
  removals_[t] += share * removed;
  mortality_[t] += share * died;
  for (std::size_t f = 0; f < litter::kFluxes; ++f) litter_by_flux_[f][t] += share * rec.c[f];
  ws_[k][t] = s.ws;
  wr_[k][t] = s.wr;
  wf_[k][t] = s.wf;
  debt_[k][t] = s.debt;
  stems_[k][t] = s.stems;
  asw_[k][t] = s.asw;
}

void VegetationCoupling::step_lue(int, std::size_t t, const CellClimate& climate) {
  const bool crop = kind_[t] == cropland;
  const bool yield = crop && v_.cropland_input == "yield";
  const auto& shape = crop ? v_.cropland_shape : v_.grassland_shape;
  const double offtake = crop ? v_.cropland_offtake : v_.grassland_offtake;
  const double half = 0.5 * v_.diurnal_range;
  const double angstrom = 0.25 + 0.5 * v_.sunshine_fraction;
  std::array<double, 12> gpp{};  // t C ha-1 month-1
  for (std::size_t m = 0; m < 12; ++m) {
    const int mo = static_cast<int>(m);
    const double tas = climate.at(0, mo, t), pr = climate.at(1, mo, t), pet = climate.at(2, mo, t);
    const double g = greenness_[t] * shape[m];
    double fpar;
    if (v_.greenness_quantity == "ndvi") fpar = vg::fpar_from_ndvi(std::clamp(g, -1.0, 0.999));
    else fpar = std::clamp(g, 0.0, 1.0);
    const double tmin = tas - half, tmax = tas + half;
    const double vpd_pa = 100.0 * 0.5 * (svp(tmax) - svp(tmin));
    const double sw = angstrom * extraterrestrial(latitude_[t], kMidDay[m]) * 1e6 / 86400.0;  // W m-2
    const double beta = vg::bucket_month(v_.bucket_mm, bucket_[t], pet, pr);
    gpp[m] = 0.01 * kDays[m] * vg::lue_daily_gpp(crop, fpar, tmin, vpd_pa, sw, beta);
    gpp_[t] += gpp[m];
  }
  // The living biomass, month by month (docs/VEGETATION.md, "Living biomass of grassland and cropland"): NPP into
  // the leaf (above-ground) and root pools, their turnover to the litter, the grazing or cutting of the grass as it
  // grows, the crop harvested at the end of vegetation.cropland_harvest_month (the rest of its shoots left as
  // residues, its roots dead).
  const Herbaceous& h = crop ? kCrop : kGrass;
  const double leaf_turnover = 1.0 - std::exp(-1.0 / (12.0 * h.leaf_years));  // share of the pool per month
  const double root_turnover = 1.0 - std::exp(-1.0 / (12.0 * h.root_years));
  const std::size_t harvest_month = static_cast<std::size_t>(v_.cropland_harvest_month - 1);
  double season_gpp = 0;  // "yield": the production of the year's crop grows with the GPP up to the harvest
  for (std::size_t m = 0; m <= harvest_month; ++m) season_gpp += gpp[m];
  const double crop_shoot = crop_grain_[t] + crop_residue_above_[t];
  double& leaf = lue_leaf_[t];
  double& root = lue_root_[t];
  auto& foliage = litter_by_flux_[litter::foliage][t];
  auto& fine_root = litter_by_flux_[litter::fine_root][t];
  auto& residue = litter_by_flux_[litter::residue][t];
  for (std::size_t m = 0; m < 12; ++m) {
    if (yield) {
      // Bolinder's production (grain, straw, roots and rhizodeposits), no turnover before the harvest
      if (m <= harvest_month) {
        const double w = season_gpp > 0.0 ? gpp[m] / season_gpp : 1.0 / static_cast<double>(harvest_month + 1);
        leaf += w * crop_shoot;
        root += w * crop_residue_below_[t];
        npp_[t] += w * (crop_shoot + crop_residue_below_[t]);
      }
    } else {
      const double npp = v_.npp_ratio * gpp[m];
      npp_[t] += npp;
      double to_leaf = h.leaf_share * npp;
      if (!crop) {  // grazed or cut as it grows
        harvest_[t] += offtake * to_leaf;
        to_leaf -= offtake * to_leaf;
      }
      leaf += to_leaf;
      root += (1.0 - h.leaf_share) * npp;
      const double leaf_litter = leaf_turnover * leaf, root_litter = root_turnover * root;
      leaf -= leaf_litter;
      root -= root_litter;
      foliage += leaf_litter;
      fine_root += root_litter;
    }
    if (crop && m == harvest_month) {
      // "yield": the grain and the straw not returned exported, the straw returned left (Bolinder, as AMG);
      // "lue": cropland_offtake of the shoots exported, the rest left; the roots die
      const double cut = yield ? (crop_shoot > 0.0 ? leaf * crop_grain_[t] / crop_shoot : 0.0) : offtake * leaf;
      harvest_[t] += cut;
      residue += leaf - cut;
      fine_root += root;
      leaf = 0.0;
      root = 0.0;
    }
  }
}

void VegetationCoupling::add_spinup_year(int year, const CellClimate& tile_climate) {
  // the state as it is (the initial stands, full buckets), put back after the year
  if (spinup_years_ == 0) {
    // the grass and crop tiles start from their living biomass's steady state under the first spin-up year's
    // climate (docs/VEGETATION.md, "Living biomass of grassland and cropland"): one year from bare pools gives
    // the year's end b; a year multiplies a pool by A = exp(-1/tau) (grass) or 0 (crops: harvested), so the
    // steady state is b / (1 - A)
    const std::vector<double> bucket = bucket_;
    for (std::size_t t = 0; t < kind_.size(); ++t) {
      if (kind_[t] != grassland && kind_[t] != cropland) continue;
      lue_leaf_[t] = lue_root_[t] = 0.0;
      step_lue(year, t, tile_climate);
      if (kind_[t] == grassland) {
        lue_leaf_[t] /= 1.0 - std::exp(-1.0 / kGrass.leaf_years);
        lue_root_[t] /= 1.0 - std::exp(-1.0 / kGrass.root_years);
      }
    }
    bucket_ = bucket;
    for (auto& [name, v] : state()) spinup_initial_.push_back(*v);
  }
  const InputChange y = vegetation_input_change(year, tile_climate);
  const std::size_t nt = kind_.size();
  if (spinup_years_ == 0) {
    spinup_sum_ = y;
    spinup_litter_ = litter_;
  } else {
    for (std::size_t a = 0; a < y.added.size(); ++a)
      for (std::size_t t = 0; t < y.added[a].size(); ++t) spinup_sum_.added[a][t] += y.added[a][t];
    for (std::size_t t = 0; t < nt; ++t) spinup_litter_[t] += litter_[t];
  }
  ++spinup_years_;
}

InputChange VegetationCoupling::spinup_input_change() {
  if (spinup_years_ == 0) throw InputError("the soil's spin-up on the vegetation's litter has no year of litter");
  std::size_t k = 0;  // the vegetation starts the run from its initial state
  for (auto& [name, v] : state()) *v = spinup_initial_[k++];
  spinup_initial_.clear();
  InputChange c = spinup_sum_;
  for (auto& a : c.added)
    for (double& x : a) x /= spinup_years_;
  return c;
}

InputChange VegetationCoupling::vegetation_input_change(int year, const CellClimate& tile_climate,
                                                        const std::vector<double>& soil_scale) {
  const std::size_t nt = kind_.size();
  soil_scale_.assign(nt, 1.0);
  if (v_.spinup_on_litter && soil_scale.size() == nt) soil_scale_ = soil_scale;
  c_start_ = tile_carbon();
  for (auto* v : {&gpp_, &npp_, &litter_, &harvest_, &production_, &removals_, &mortality_}) std::fill(v->begin(), v->end(), 0.0);
  for (auto& f : litter_by_flux_) std::fill(f.begin(), f.end(), 0.0);
  for (std::size_t t = 0; t < nt; ++t) {
    if (kind_[t] == forest) {
      for (int k = 0; k < 2; ++k)
        if (share_[k][t] > 0.0 && stems_[k][t] > 0.0) step_stand(year, t, k, tile_climate);
    } else if (kind_[t] != none) {
      step_lue(year, t, tile_climate);
    }
  }
  // the year's balance of every tile's vegetation, and the soil's change of inputs
  const std::vector<double> c_end = tile_carbon();
  InputChange change;
  change.plant_factor.assign(nt, 1.0);
  for (const int kind : {static_cast<int>(AddedInput::plant), static_cast<int>(AddedInput::grass),
                         static_cast<int>(AddedInput::woody)})
    change.added[static_cast<std::size_t>(kind)].assign(nt, 0.0);
  auto& plant = change.added[static_cast<std::size_t>(AddedInput::plant)];
  auto& grass = change.added[static_cast<std::size_t>(AddedInput::grass)];
  auto& woody = change.added[static_cast<std::size_t>(AddedInput::woody)];
  for (std::size_t t = 0; t < nt; ++t) {
    double total = 0;
    for (const auto& f : litter_by_flux_) total += f[t];
    litter_[t] = total;
    c_leaf_[t] = c_wood_[t] = c_root_[t] = 0.0;
    for (int k = 0; k < 2; ++k) {
      c_leaf_[t] += share_[k][t] * 0.5 * wf_[k][t];
      c_wood_[t] += share_[k][t] * 0.5 * ws_[k][t];
      c_root_[t] += share_[k][t] * 0.5 * wr_[k][t];
    }
    c_leaf_[t] += lue_leaf_[t];
    c_root_[t] += lue_root_[t];
    if (kind_[t] == none) continue;
    const double r = c_end[t] - c_start_[t] - (npp_[t] - litter_[t] - harvest_[t]);
    if (!(std::fabs(r) <= v_.balance_tolerance * std::max(1.0, c_start_[t])))
      throw InputError("vegetation of " + std::to_string(year) + " at land " + describe_(t) +
                       ": the carbon does not balance (change " + format_number("%.9g", c_end[t] - c_start_[t]) +
                       " t C ha-1, NPP - litter - harvest " + format_number("%.9g", npp_[t] - litter_[t] - harvest_[t]) +
                       ")");
    change.plant_factor[t] = 0.0;
    const double fine = litter_by_flux_[litter::foliage][t] + litter_by_flux_[litter::fine_root][t] +
                        litter_by_flux_[litter::residue][t];
    const double wood = litter_by_flux_[litter::branch][t] + litter_by_flux_[litter::stem][t] +
                        litter_by_flux_[litter::coarse_root][t];
    const double scale = soil_scale_[t];
    if (kind_[t] == grassland) {
      grass[t] = scale * (fine + wood);
    } else {
      plant[t] = scale * fine;
      woody[t] = scale * wood;
    }
  }
  return change;
}

InputChange vegetation_with_scenario(const InputChange& vegetation, const InputChange& scenario) {
  InputChange out;
  const std::size_t n = vegetation.plant_factor.size();
  auto at = [](const std::vector<double>& v, std::size_t t, double none) { return v.empty() ? none : v[t]; };
  out.plant_factor.assign(n, 1.0);
  for (std::size_t t = 0; t < n; ++t)
    out.plant_factor[t] = vegetation.plant_factor[t] * at(scenario.plant_factor, t, 1.0);
  for (int k = 0; k < kAddedInputKinds; ++k) {
    const auto& v = vegetation.added[static_cast<std::size_t>(k)];
    const auto& s = scenario.added[static_cast<std::size_t>(k)];
    if (v.empty() && s.empty()) continue;
    auto& a = out.added[static_cast<std::size_t>(k)];
    a.assign(n, 0.0);
    for (std::size_t t = 0; t < n; ++t) {
      // the litter, the tile's plant input, times the scenario's plant factor (where the tile has vegetation: its
      // static plant input is replaced, plant_factor 0); then the scenario's addition of the same kind
      const double litter = at(v, t, 0.0);
      a[t] = litter * at(scenario.plant_factor, t, 1.0) + at(s, t, 0.0);
    }
  }
  out.decomposition_factor = scenario.decomposition_factor;
  return out;
}

void VegetationCoupling::start_land_use_year(int year, std::size_t cells) {
  luc_year_ = year;
  for (auto* v : {&luc_export_, &luc_residue_, &luc_planted_}) v->assign(cells, 0.0);
  for (auto& l : luc_litter_) l.clear();
}

VegetationCoupling::LandUseMove VegetationCoupling::change_land_use(std::size_t i, const std::vector<std::int32_t>& tile_of,
                                                                    const std::vector<double>& fraction,
                                                                    const std::vector<double>& moved,
                                                                    const std::vector<double>& remain) {
  const std::size_t nk = tile_of.size(), nt = kind_.size();
  const auto plant = static_cast<std::size_t>(AddedInput::plant), woody = static_cast<std::size_t>(AddedInput::woody),
             grass = static_cast<std::size_t>(AddedInput::grass);
  for (const std::size_t kind : {plant, woody, grass})
    if (luc_litter_[kind].size() != nt) luc_litter_[kind].assign(nt, 0.0);
  LandUseMove m;
  auto at = [&](std::size_t k) { return static_cast<std::size_t>(tile_of[k]); };
  for (std::size_t k = 0; k < nk; ++k)
    if (tile_of[k] >= 0 && fraction[k] > 0.0) m.before += fraction[k] * carbon_of(at(k));
  // what one hectare of each donor's cleared area gives: wood exported, litter by kind (t C ha-1)
  std::vector<double> exported(nk, 0.0);
  std::vector<std::array<double, 3>> litter(nk, {0.0, 0.0, 0.0});  // plant, woody, grass
  for (std::size_t a = 0; a < nk; ++a) {
    if (tile_of[a] < 0) continue;
    const std::size_t t = at(a);
    if (kind_[t] == forest) {
      for (int k = 0; k < 2; ++k) {
        if (!(share_[k][t] > 0.0)) continue;
        const double stem = 0.5 * share_[k][t] * ws_[k][t];
        exported[a] += v_.clearing_export * stem;
        litter[a][1] += stem - v_.clearing_export * stem + 0.5 * share_[k][t] * wr_[k][t];
        litter[a][0] += 0.5 * share_[k][t] * wf_[k][t];
      }
    } else if (kind_[t] == grassland) {
      litter[a][2] = lue_leaf_[t] + lue_root_[t];
    } else if (kind_[t] == cropland) {
      litter[a][0] = lue_leaf_[t] + lue_root_[t];
    }
  }
  // the planting stock per hectare of new forest: half stems, a quarter roots, a quarter foliage (a deciduous
  // stand's foliage to regrow in spring, as the initial state's)
  const double stock = v_.planting_biomass;
  for (std::size_t b = 0; b < nk; ++b) {
    double gain = 0.0;
    for (std::size_t a = 0; a < nk; ++a) gain += moved[a * nk + b];
    if (!(gain > 0.0) || tile_of[b] < 0) continue;
    const std::size_t t = at(b);
    const double stay = remain[b] > 0.0 ? remain[b] : 0.0, area = stay + gain;
    for (std::size_t a = 0; a < nk; ++a) {
      const double x = moved[a * nk + b];
      if (!(x > 0.0)) continue;
      m.exported += x * exported[a];
      const double r = litter[a][0] + litter[a][1] + litter[a][2];
      m.residue += x * r;
      luc_litter_[plant][t] += x * litter[a][0] / area;
      luc_litter_[woody][t] += x * litter[a][1] / area;
      luc_litter_[grass][t] += x * litter[a][2] / area;
    }
    auto mix = [&](double& v, double arriving) { v = (stay * v + gain * arriving) / area; };
    if (kind_[t] == forest) {
      for (int k = 0; k < 2; ++k) {
        const bool deciduous = species_[static_cast<std::size_t>(k)].deciduous;
        mix(ws_[k][t], 0.5 * stock);
        mix(wr_[k][t], 0.25 * stock);
        mix(wf_[k][t], deciduous ? 0.0 : 0.25 * stock);
        mix(debt_[k][t], deciduous ? 0.25 * stock : 0.0);
        mix(stems_[k][t], v_.planting_stems);
        mix(age_[k][t], 0.0);
        if (share_[k][t] > 0.0) m.planted += gain * share_[k][t] * 0.5 * (0.75 * stock + (deciduous ? 0.0 : 0.25 * stock));
      }
    } else if (kind_[t] == grassland || kind_[t] == cropland) {
      mix(lue_leaf_[t], 0.0);
      mix(lue_root_[t], 0.0);
    }
  }
  for (std::size_t k = 0; k < nk; ++k) {
    double f = remain[k] > 0.0 ? remain[k] : 0.0;
    for (std::size_t a = 0; a < nk; ++a) f += moved[a * nk + k];
    if (tile_of[k] >= 0 && f > 0.0) m.after += f * carbon_of(at(k));
  }
  if (i < luc_export_.size()) {
    luc_export_[i] = m.exported;
    luc_residue_[i] = m.residue;
    luc_planted_[i] = m.planted;
  }
  return m;
}

InputChange VegetationCoupling::with_land_use_litter(int year, InputChange change) const {
  const std::size_t nt = kind_.size();
  if (luc_year_ != year) return change;
  for (std::size_t kind = 0; kind < luc_litter_.size(); ++kind) {
    const auto& l = luc_litter_[kind];
    if (l.size() != nt) continue;
    auto& a = change.added[kind];
    if (a.empty()) a.assign(nt, 0.0);
    for (std::size_t t = 0; t < nt; ++t) a[t] += l[t];
  }
  if (change.plant_factor.empty()) change.plant_factor.assign(nt, 1.0);
  return change;
}

void VegetationCoupling::check_soil_input(int year, const std::vector<double>& tile_input,
                                          const std::vector<double>& input_scale, const InputChange* scenario) const {
  auto at = [](const std::vector<double>& v, std::size_t t, double none) { return v.empty() ? none : v[t]; };
  for (std::size_t t = 0; t < kind_.size(); ++t) {
    if (kind_[t] == none) continue;
    const double manure = fym_[t] * (t < input_scale.size() ? input_scale[t] : 1.0);
    const double litter = soil_scale_.size() == kind_.size() ? soil_scale_[t] * litter_[t] : litter_[t];
    double factor = 1.0, added = 0.0;  // the scenario's, this year
    if (scenario) {
      factor = at(scenario->plant_factor, t, 1.0);
      for (const auto& a : scenario->added) added += at(a, t, 0.0);
    }
    double cleared = 0.0;  // this year's land-use litter (with_land_use_litter)
    for (const auto& l : luc_litter_)
      if (l.size() == kind_.size() && luc_year_ == year) cleared += l[t];
    const double expected = litter * factor + manure + added + cleared;
    if (!(std::fabs(tile_input[t] - expected) <= v_.balance_tolerance * std::max(1.0, expected)))
      throw InputError("vegetation and soil of " + std::to_string(year) + " at land " + describe_(t) +
                       ": the soil's input " + format_number("%.9g", tile_input[t]) +
                       " t C ha-1 yr-1 is not the vegetation's litter " + format_number("%.9g", litter_[t]) +
                       (litter != litter_[t] ? " times the inverse spin-up's factor " + format_number("%.9g", soil_scale_[t]) : std::string()) +
                       (scenario ? " times the scenario's plant factor " + format_number("%.9g", factor) +
                                       " plus the scenario's added carbon " + format_number("%.9g", added)
                                 : std::string()) +
                       " plus the class's manure " + format_number("%.9g", manure) +
                       (cleared > 0.0 ? " plus the land-use change's litter " + format_number("%.9g", cleared) : std::string()) +
                       " (carbon created or lost between vegetation and soil)");
  }
}

namespace {
/// The soil models' litter pools by their names (cLitter).
bool litter_pool(const std::string& name) {
  static const char* names[] = {"DPM", "RPM", "LITm", "LITs", "A", "W", "E", "N", "young", "POM"};
  for (const char* n : names)
    if (name == n) return true;
  return name.find("metabolic") != std::string::npos || name.find("structural") != std::string::npos;
}
}  // namespace

std::vector<grids::OutputVariable> VegetationCoupling::output_variables(const std::vector<std::string>& soil_pools) const {
  const std::string point = "time: point area: mean where land", mean = "time: mean area: mean where land";
  const std::string tiles = " (area-weighted mean of the cell's tiles; 0 on tiles without vegetation)";
  std::vector<grids::OutputVariable> v = {
      {"cVeg", "carbon mass in vegetation, end of year", "vegetation_carbon_content", "kg m-2", point, false, true,
       false, false, "living stems, branches, roots and foliage; grass and crop shoots and roots" + tiles},
      {"cLeaf", "carbon mass in leaves, end of year", "leaf_mass_content_of_carbon", "kg m-2", point, false, true,
       false, false, "3-PG foliage; the grass's and crops' living shoots" + tiles},
      {"cWood", "carbon mass in wood, end of year", "wood_mass_content_of_carbon", "kg m-2", point, false, true,
       false, false, "3-PG stems with branches and bark" + tiles},
      {"cRoot", "carbon mass in roots, end of year", "root_mass_content_of_carbon", "kg m-2", point, false, true,
       false, false, "3-PG roots; the grass's and crops' living roots" + tiles},
      {"gpp", "carbon mass flux out of atmosphere due to gross primary production on land, yearly mean",
       "gross_primary_productivity_of_biomass_expressed_as_carbon", "kg m-2 s-1", mean, false, true, false, false,
       "3-PG (forest), MOD17 (grassland, cropland)" + tiles},
      {"npp", "carbon mass flux out of atmosphere due to net primary production on land, yearly mean",
       "net_primary_productivity_of_biomass_expressed_as_carbon", "kg m-2 s-1", mean, false, true, false, false,
       "3-PG: the carbon entering the pools; LUE: lue_npp_ratio x GPP" + tiles},
      {"fVegLitter", "total carbon mass flux from vegetation to litter, yearly mean",
       "mass_flux_of_carbon_into_litter_from_vegetation", "kg m-2 s-1", mean, false, true, false, false,
       "the litter record (foliage, fine roots, branches, stems, coarse roots): the soil's input" + tiles},
      {"fHarvest", "carbon mass flux exported from vegetation by harvest and grazing, yearly mean", "", "kg m-2 s-1",
       mean, false, true, false, false, "stemwood of the removed trees; the offtake of grass and crops" + tiles},
      {"fWoodProduction", "carbon mass flux into wood and roots (gross increment as IGN counts it), yearly mean", "",
       "kg m-2 s-1", mean, false, true, false, false,
       "forest: increment of stems and roots plus the removed and dead trees' stems and roots" + tiles},
      {"fVegRemovals", "carbon mass flux of removed trees' stems and roots, yearly mean", "", "kg m-2 s-1", mean,
       false, true, false, false, "IGN's prelevements" + tiles},
      {"fVegMortality", "carbon mass flux of dead trees' stems and roots, yearly mean", "", "kg m-2 s-1", mean, false,
       true, false, false, "IGN's mortalite" + tiles},
  };
  // per vegetated class its tiles' share of cVeg, for biomass_totals.csv's classes (they add up to cVeg)
  for (std::size_t k = 0; k < class_names_.size(); ++k)
    if (kind_of_class_[k] != none)
      v.push_back({"cVeg_" + class_names_[k], "carbon mass in vegetation of the " + class_names_[k] +
                       " tiles per area of the cell, end of year", "", "kg m-2", point, false, true, false, false,
                   "the " + class_names_[k] + " tiles' cVeg times their area fraction: the classes add up to cVeg"});
  v.push_back({"cVegInitial", "carbon mass in vegetation at the start of the run", "vegetation_carbon_content",
               "kg m-2", "area: mean where land", false, false, false, false,
               "the initial state: IGN live carbon of the tile's region and composition; the grass's and crops' "
               "steady state under the first spin-up year's climate" + tiles});
  for (std::size_t k = 0; k < class_names_.size(); ++k)
    if (kind_of_class_[k] != none)
      v.push_back({"cVegInitial_" + class_names_[k], "carbon mass in vegetation of the " + class_names_[k] +
                       " tiles per area of the cell at the start of the run", "", "kg m-2", "area: mean where land",
                   false, false, false, false, "the classes add up to cVegInitial"});
  if (with_luc_) {  // land-use change (docs/VEGETATION.md, "Land-use change")
    const std::string cell = " (per area of the cell; 0 in the years and cells without land-use change)";
    v.push_back({"fDeforestToProduct", "carbon mass flux into wood products from forest cleared by land-use change, "
                 "yearly mean", "", "kg m-2 s-1", mean, false, true, false, false,
                 "CMIP6 Emon fDeforestToProduct: vegetation.clearing_export of the cleared stands' stem pool (stems, "
                 "branches, bark), exported from the cell" + cell});
    v.push_back({"fLulccResidue", "carbon mass flux from vegetation into litter and soil due to land-use change, yearly "
                 "mean", "", "kg m-2 s-1", mean, false, true, false, false,
                 "CMIP6 fLulccResidueLut summed over the cell's tiles: the cleared area's living biomass not exported "
                 "(stems left, foliage, roots; grass and crop shoots and roots), added to the receiving tile's soil "
                 "input of the year (in fCarbonInput)" + cell});
    v.push_back({"fVegPlanting", "carbon mass flux into vegetation as the planting stock of new forest, yearly mean", "",
                 "kg m-2 s-1", mean, false, true, false, false,
                 "vegetation.planting_biomass x 0.5 on the area turned to forest, brought from outside the cell" + cell});
  }
  bool any = false;
  for (const auto& p : soil_pools) any = any || litter_pool(p);
  if (any) {
    std::string which;
    for (const auto& p : soil_pools)
      if (litter_pool(p)) which += (which.empty() ? "" : ", ") + p;
    v.push_back({"cLitter", "carbon mass in litter, end of year", "litter_mass_content_of_carbon", "kg m-2", point,
                 false, true, false, false, "the soil model's litter pools: " + which});
  }
  return v;
}

void VegetationCoupling::cell_values(int year, const LandTiles& tiles, const std::vector<std::string>& soil_pools,
                                     const std::vector<std::vector<double>>& tile_pools,
                                     std::vector<std::pair<std::string, std::vector<double>>>& out) const {
  const double stock = 0.1;  // t C ha-1 -> kg m-2
  const double flux = 0.1 / (86400.0 * days_in_year(year));  // t C ha-1 yr-1 -> kg m-2 s-1
  const std::vector<double> c_veg = tile_carbon();
  const std::pair<const char*, std::pair<const std::vector<double>*, double>> series[] = {
      {"cVeg", {&c_veg, stock}},         {"cLeaf", {&c_leaf_, stock}},   {"cWood", {&c_wood_, stock}},
      {"cRoot", {&c_root_, stock}},      {"gpp", {&gpp_, flux}},         {"npp", {&npp_, flux}},
      {"fVegLitter", {&litter_, flux}},  {"fHarvest", {&harvest_, flux}}, {"fWoodProduction", {&production_, flux}},
      {"fVegRemovals", {&removals_, flux}}, {"fVegMortality", {&mortality_, flux}}};
  out.resize(0);
  std::vector<double> scaled;
  for (const auto& [name, what] : series) {
    scaled.assign(what.first->begin(), what.first->end());
    for (double& x : scaled) x *= what.second;
    std::vector<double> cells;
    tiles.to_cells(scaled, cells);
    out.emplace_back(name, std::move(cells));
  }
  for (std::size_t k = 0; k < class_names_.size(); ++k)
    if (kind_of_class_[k] != none) out.emplace_back("cVeg_" + class_names_[k], class_carbon(tiles, k));
  if (with_luc_) {
    const std::size_t n = tiles.first.empty() ? 0 : tiles.first.size() - 1;
    const std::pair<const char*, const std::vector<double>*> luc[] = {
        {"fDeforestToProduct", &luc_export_}, {"fLulccResidue", &luc_residue_}, {"fVegPlanting", &luc_planted_}};
    for (const auto& [name, values] : luc) {
      std::vector<double> cells(n, 0.0);
      if (luc_year_ == year && values->size() == n)
        for (std::size_t i = 0; i < n; ++i) cells[i] = flux * (*values)[i];
      out.emplace_back(name, std::move(cells));
    }
  }
  std::vector<double> lit(tiles.tiles(), 0.0);
  bool any = false;
  for (std::size_t p = 0; p < soil_pools.size() && p < tile_pools.size(); ++p)
    if (litter_pool(soil_pools[p])) {
      any = true;
      for (std::size_t t = 0; t < lit.size(); ++t) lit[t] += stock * tile_pools[p][t];
    }
  if (any) {
    std::vector<double> cells;
    tiles.to_cells(lit, cells);
    out.emplace_back("cLitter", std::move(cells));
  }
}

}  // namespace alamod::engine
