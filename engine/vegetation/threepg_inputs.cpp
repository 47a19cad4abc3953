#include "engine/vegetation/threepg_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>

#include "engine/vegetation/csv_table.hpp"
#include "grids/input_error.hpp"
#include "models/threepg/species_sets.hpp"

namespace alamod::engine::vegetation {

namespace threepg = models::threepg;

namespace {

/// "YYYY-MM" -> (year, month); InputError naming the place otherwise.
std::pair<int, int> year_month(const CsvTable& t, std::size_t row, std::size_t col) {
  const std::string& s = t.text(row, col);
  int y = 0, m = 0;
  char dash = 0, extra = 0;
  if (std::sscanf(s.c_str(), "%d%c%d%c", &y, &dash, &m, &extra) != 3 || dash != '-' || m < 1 || m > 12)
    throw InputError(t.where(row, col) + ": '" + s + "' is not a month YYYY-MM");
  return {y, m};
}

int whole(const CsvTable& t, std::size_t row, std::size_t col) {
  const double v = t.number(row, col);
  if (v != std::floor(v)) throw InputError(t.where(row, col) + ": '" + t.text(row, col) + "' is not a whole number");
  return static_cast<int>(v);
}

double nonneg(const CsvTable& t, std::size_t row, std::size_t col, const char* unit) {
  const double v = t.number(row, col);
  if (v < 0) throw InputError(t.where(row, col) + ": " + t.text(row, col) + " " + unit + " is negative");
  return v;
}

bool is_parameter(const std::string& name) {
  for (const auto& info : threepg::kParameterInfo)
    if (info.name == name) return true;
  return false;
}

bool is_unused(const std::string& name) {
  return std::find(threepg::kUnusedParameterNames.begin(), threepg::kUnusedParameterNames.end(), name) !=
         threepg::kUnusedParameterNames.end();
}

/// The parameters of `species`: the table's column if it has one (completed from the published set of that
/// name where it says NA), else the published set.
threepg::SpeciesParameters parameters_of(const std::string& species, const std::optional<CsvTable>& table,
                                         std::string& source) {
  std::optional<std::size_t> col;
  if (table)
    for (std::size_t c = 1; c < table->header().size(); ++c)
      if (table->header()[c] == species) col = c;
  if (!col) {
    const auto& set = threepg::find_species_set(species);
    source = set.name + " (" + set.source + ")";
    return set.parameters;
  }
  const threepg::SpeciesSet* base = nullptr;
  try {
    base = &threepg::find_species_set(species, false);
  } catch (const std::invalid_argument&) {
  }
  threepg::SpeciesParameters p = base ? base->parameters : threepg::SpeciesParameters{};
  std::vector<std::string> given;
  for (std::size_t r = 0; r < table->rows(); ++r) {
    const std::string& name = table->text(r, 0);
    if (is_unused(name)) continue;
    if (!is_parameter(name))
      throw InputError(table->where(r, 0) + ": '" + name + "' is not a 3-PG parameter (alamod vegetation species "
                       "--parameters lists them)");
    if (table->is_na(r, *col)) continue;
    for (const auto& info : threepg::kParameterInfo)
      if (info.name == name) p.*(info.member) = table->number(r, *col);
    given.push_back(name);
  }
  for (const auto& info : threepg::kParameterInfo) {
    const std::string name(info.name);
    if (std::find(given.begin(), given.end(), name) != given.end()) continue;
    const bool in_base = base && std::find(base->missing.begin(), base->missing.end(), name) == base->missing.end();
    if (!in_base)
      throw InputError(table->path() + ", column '" + species + "': no value for parameter '" + name +
                       "' and no published set of that name gives one");
  }
  source = table->path() + (base ? " over " + base->name : "");
  return p;
}

}  // namespace

ThreepgStand read_threepg_stand(const std::string& site_csv, const std::string& species_csv,
                                const std::string& climate_csv, const std::string& thinning_csv,
                                const std::string& parameters_csv) {
  ThreepgStand stand;
  // Site.
  const CsvTable site(site_csv);
  if (site.rows() != 1) throw InputError(site_csv + ": one site row expected, found " + std::to_string(site.rows()));
  stand.site.latitude = site.number(0, site.column("latitude"));
  if (std::abs(stand.site.latitude) > 90)
    throw InputError(site.where(0, site.column("latitude")) + ": latitude outside [-90, 90] degrees");
  stand.site.altitude = site.has("altitude") ? site.number(0, site.column("altitude")) : 0.0;
  stand.site.soil_class = whole(site, 0, site.column("soil_class"));
  if (stand.site.soil_class < -1 || stand.site.soil_class > 4)
    throw InputError(site.where(0, site.column("soil_class")) + ": soil_class must be -1, 0, 1, 2, 3 or 4");
  stand.site.asw_i = nonneg(site, 0, site.column("asw_i"), "mm");
  stand.site.asw_min = nonneg(site, 0, site.column("asw_min"), "mm");
  stand.site.asw_max = nonneg(site, 0, site.column("asw_max"), "mm");
  if (stand.site.asw_max <= 0) throw InputError(site.where(0, site.column("asw_max")) + ": asw_max must be > 0 mm");
  const auto from = year_month(site, 0, site.column("from"));
  const auto to = year_month(site, 0, site.column("to"));
  if (to.first * 12 + to.second < from.first * 12 + from.second)
    throw InputError(site.where(0, site.column("to")) + ": 'to' is before 'from'");

  // Climate: the months from..to, consecutive.
  const CsvTable clim(climate_csv);
  const std::size_t cy = clim.column("year"), cm = clim.column("month"), ctn = clim.column("tmp_min"),
                    ctx = clim.column("tmp_max"), cp = clim.column("prcp"), cs = clim.column("srad"),
                    cf = clim.column("frost_days");
  const bool has_ave = clim.has("tmp_ave"), has_co2 = clim.has("co2"), has_vpd = clim.has("vpd_day");
  for (std::size_t r = 0; r < clim.rows(); ++r) {
    threepg::ClimateMonth m;
    m.year = whole(clim, r, cy);
    m.month = whole(clim, r, cm);
    if (m.month < 1 || m.month > 12) throw InputError(clim.where(r, cm) + ": month must be 1-12");
    const int key = m.year * 12 + m.month;
    if (key < from.first * 12 + from.second || key > to.first * 12 + to.second) continue;
    m.tmp_min = clim.number(r, ctn);
    m.tmp_max = clim.number(r, ctx);
    if (m.tmp_min > m.tmp_max)
      throw InputError(clim.where(r, ctn) + ": tmp_min " + clim.text(r, ctn) + " degC above tmp_max " +
                       clim.text(r, ctx));
    // r3PG's default mean temperature: (tmp_min + tmp_max) / 2
    m.tmp_ave = has_ave ? clim.number(r, clim.column("tmp_ave")) : (m.tmp_min + m.tmp_max) / 2.0;
    m.prcp = nonneg(clim, r, cp, "mm month-1");
    m.srad = nonneg(clim, r, cs, "MJ m-2 d-1");
    m.frost_days = nonneg(clim, r, cf, "d month-1");
    m.co2 = has_co2 ? clim.number(r, clim.column("co2")) : 350.0;
    m.vpd_day = has_vpd ? nonneg(clim, r, clim.column("vpd_day"), "hPa") : -1.0;
    if (!stand.climate.empty()) {
      const auto& prev = stand.climate.back();
      if (key != prev.year * 12 + prev.month + 1)
        throw InputError(clim.where(r, cy) + ": " + std::to_string(m.year) + "-" + std::to_string(m.month) +
                         " does not follow " + std::to_string(prev.year) + "-" + std::to_string(prev.month));
    }
    stand.climate.push_back(m);
  }
  const int months = (to.first * 12 + to.second) - (from.first * 12 + from.second) + 1;
  if (static_cast<int>(stand.climate.size()) != months)
    throw InputError(climate_csv + ": the site runs " + site.text(0, site.column("from")) + " to " +
                     site.text(0, site.column("to")) + " (" + std::to_string(months) + " months) but the file has " +
                     std::to_string(stand.climate.size()) + " of them");

  // Parameters and cohorts.
  std::optional<CsvTable> params;
  if (!parameters_csv.empty()) params.emplace(parameters_csv);
  const CsvTable sp(species_csv);
  if (sp.rows() == 0) throw InputError(species_csv + ": no species row");
  for (std::size_t r = 0; r < sp.rows(); ++r) {
    threepg::Cohort c;
    c.species = sp.text(r, sp.column("species"));
    std::string source;
    try {
      c.p = parameters_of(c.species, params, source);
    } catch (const std::invalid_argument& e) {
      throw InputError(sp.where(r, sp.column("species")) + ": " + e.what());
    }
    const auto planted = year_month(sp, r, sp.column("planted"));
    c.planted_year = planted.first;
    c.planted_month = planted.second;
    c.fertility = sp.number(r, sp.column("fertility"));
    if (c.fertility < 0 || c.fertility > 1)
      throw InputError(sp.where(r, sp.column("fertility")) + ": fertility must be in [0, 1]");
    c.stems_n = nonneg(sp, r, sp.column("stems_n"), "ha-1");
    c.biom_stem = nonneg(sp, r, sp.column("biom_stem"), "t ha-1");
    c.biom_root = nonneg(sp, r, sp.column("biom_root"), "t ha-1");
    c.biom_foliage = nonneg(sp, r, sp.column("biom_foliage"), "t ha-1");
    stand.parameter_sources.push_back(source);
    stand.cohorts.push_back(std::move(c));
  }

  // Thinning.
  if (!thinning_csv.empty()) {
    const CsvTable th(thinning_csv);
    const std::size_t cs2 = th.column("species"), ca = th.column("age"), cn = th.column("stems_n");
    for (std::size_t r = 0; r < th.rows(); ++r) {
      const std::string& name = th.text(r, cs2);
      auto it = std::find_if(stand.cohorts.begin(), stand.cohorts.end(),
                             [&](const threepg::Cohort& c) { return c.species == name; });
      if (it == stand.cohorts.end())
        throw InputError(th.where(r, cs2) + ": '" + name + "' is not a species of " + species_csv);
      threepg::Thinning t;
      t.age = nonneg(th, r, ca, "yr");
      t.stems_n = nonneg(th, r, cn, "ha-1");
      t.stem = th.has("stem") ? nonneg(th, r, th.column("stem"), "") : 1.0;
      t.root = th.has("root") ? nonneg(th, r, th.column("root"), "") : 1.0;
      t.foliage = th.has("foliage") ? nonneg(th, r, th.column("foliage"), "") : 1.0;
      if (!it->thinnings.empty() && t.age < it->thinnings.back().age)
        throw InputError(th.where(r, ca) + ": thinnings of '" + name + "' must come in increasing age");
      it->thinnings.push_back(t);
    }
  }
  return stand;
}

}  // namespace alamod::engine::vegetation
