#include "engine/totals/totals_files.hpp"

#include <netcdf.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "engine/common/csv_line.hpp"
#include "engine/common/atomic_file.hpp"
#include "grids/calendar.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

constexpr double kFill = 1.0e20;  // the fill value of the gridded output's double variables

void check(int rc, const std::string& what) {
  if (rc != NC_NOERR) throw std::runtime_error(what + ": " + nc_strerror(rc));
}

void put_text(int ncid, int varid, const std::string& name, const std::string& value) {
  check(nc_put_att_text(ncid, varid, name.c_str(), value.size(), value.c_str()), "attribute " + name);
}

}  // namespace

std::string shortest_number(double v) {
  if (!std::isfinite(v)) return "NaN";
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

TotalsChange totals_change(const TotalsTable& table, const TotalsRow& row, int y) {
  (void)table;
  const double elapsed = y + 1.0;  // years from 1 January of the first year to the end of year y
  TotalsChange c;
  c.change_TgC = row.TgC[static_cast<size_t>(y)] - row.start_TgC;
  c.change_pct = 100.0 * c.change_TgC / row.start_TgC;
  c.rate_per_mille_yr = 1000.0 * c.change_TgC / row.start_TgC / elapsed;
  c.asr_t_ha_yr = (row.t_ha[static_cast<size_t>(y)] - row.start_t_ha) / elapsed;
  c.rsr_t_ha_yr = 0.0;  // the baseline against itself; scenarios will carry their difference to it
  return c;
}

void write_totals_csv(const std::string& path, const TotalsTable& table) {
  std::string csv =
      "scenario,model,year,zone_kind,zone_code,zone_name,land_cover,area_ha,soc_TgC,soc_t_ha,soc_start_TgC,"
      "change_TgC,change_pct,rate_per_mille_yr,gsocseq_asr_t_ha_yr,gsocseq_rsr_t_ha_yr\n";
  csv.reserve(csv.size() + table.rows.size() * static_cast<size_t>(table.years()) * 160);
  const std::string prefix = csv_field(table.scenario) + "," + csv_field(table.model) + ",";
  std::vector<std::string> zone(table.rows.size());  // the text of each row's zone and land cover
  for (size_t r = 0; r < table.rows.size(); ++r) {
    const auto& row = table.rows[r];
    zone[r] = "," + csv_field(row.kind) + "," + csv_field(row.code) + "," + csv_field(row.name) + "," +
              csv_field(row.land_cover);
    if (row.area_ha_year.empty()) zone[r] += "," + shortest_number(row.area_ha);
  }
  auto number = [&csv](double v) {
    csv += ',';
    csv += shortest_number(v);
  };
  for (int y = 0; y < table.years(); ++y) {
    const std::string year = std::to_string(table.first_year + y);
    for (size_t r = 0; r < table.rows.size(); ++r) {
      const auto& row = table.rows[r];
      const TotalsChange c = totals_change(table, row, y);
      csv += prefix;
      csv += year;
      csv += zone[r];
      if (!row.area_ha_year.empty()) number(row.area_ha_year[static_cast<size_t>(y)]);  // the year's area
      for (const double v : {row.TgC[static_cast<size_t>(y)], row.t_ha[static_cast<size_t>(y)], row.start_TgC,
                             c.change_TgC, c.change_pct, c.rate_per_mille_yr, c.asr_t_ha_yr, c.rsr_t_ha_yr})
        number(v);
      csv += '\n';
    }
  }
  write_output_atomically(path, csv);
}

void write_totals_netcdf(const std::string& path, const TotalsTable& table,
                         const std::map<std::string, std::string>& attributes) {
  // the zones (kind, code) and land covers, in the table's order
  std::vector<const TotalsRow*> zones;
  std::vector<std::string> covers;
  for (const auto& row : table.rows) {
    if (row.land_cover == "all") zones.push_back(&row);
    if (std::find(covers.begin(), covers.end(), row.land_cover) == covers.end()) covers.push_back(row.land_cover);
  }
  const size_t nt = static_cast<size_t>(table.years()), nz = zones.size(), nc = covers.size();
  auto zone_of = [&](const TotalsRow& r) {
    for (size_t z = 0; z < nz; ++z)
      if (zones[z]->kind == r.kind && zones[z]->code == r.code) return z;
    throw std::logic_error("totals row without its zone");
  };
  auto cover_of = [&](const TotalsRow& r) {
    return static_cast<size_t>(std::find(covers.begin(), covers.end(), r.land_cover) - covers.begin());
  };

  const auto slash = path.find_last_of('/');
  const std::string tmp = (slash == std::string::npos ? "" : path.substr(0, slash + 1)) + "." +
                          path.substr(slash == std::string::npos ? 0 : slash + 1) + ".incomplete";
  int nc_id = -1;
  // a leftover or planted file (a link) at the temporary name is removed, not followed; then created anew
  std::remove(tmp.c_str());
  check(nc_create(tmp.c_str(), NC_NETCDF4 | NC_NOCLOBBER, &nc_id), "creating " + tmp);
  try {
    int d_time, d_bnds, d_region, d_cover;
    check(nc_def_dim(nc_id, "time", nt, &d_time), "dim time");
    check(nc_def_dim(nc_id, "bnds", 2, &d_bnds), "dim bnds");
    check(nc_def_dim(nc_id, "region", nz, &d_region), "dim region");
    check(nc_def_dim(nc_id, "land_cover", nc, &d_cover), "dim land_cover");
    // a double variable of values gets the gridded output's fill value (where a zone has no cell of a class)
    auto def = [&](const char* name, nc_type type, std::vector<int> dims,
                   std::initializer_list<std::pair<const char*, std::string>> atts, bool fill = true) {
      int id;
      check(nc_def_var(nc_id, name, type, static_cast<int>(dims.size()), dims.data(), &id), std::string("var ") + name);
      if (type == NC_DOUBLE && fill) check(nc_put_att_double(nc_id, id, "_FillValue", NC_DOUBLE, 1, &kFill), "_FillValue");
      for (const auto& [k, v] : atts) put_text(nc_id, id, k, v);
      return id;
    };
    const std::string since = "days since 1900-01-01 00:00:00";
    const int v_time = def("time", NC_DOUBLE, {d_time},
                           {{"standard_name", "time"}, {"long_name", "time (31 December: stocks at the end of the year)"},
                            {"units", since}, {"calendar", "standard"}, {"axis", "T"}, {"bounds", "time_bnds"}},
                           false);
    const int v_bnds = def("time_bnds", NC_DOUBLE, {d_time, d_bnds}, {}, false);
    const int v_year = def("year", NC_INT, {d_time}, {{"long_name", "calendar year"}, {"units", "1"}});
    const int v_name = def("region_name", NC_STRING, {d_region},
                           {{"long_name", "name of the zone (INSEE names of régions and départements)"}});
    const int v_kind = def("region_kind", NC_STRING, {d_region},
                           {{"long_name", "kind of zone: country, region, departement, pedoclimatic_zone or user"}});
    const int v_code = def("region_code", NC_STRING, {d_region}, {{"long_name", "code of the zone in its source"}});
    const int v_cover = def("land_cover_name", NC_STRING, {d_cover},
                            {{"long_name", "land cover: all, or one class of the land-use map (its dominant class per cell)"}});
    const std::string coords = "region_name region_kind region_code land_cover_name";
    const std::string depth = "0-" + shortest_number(table.depth_cm) + " cm";
    const int v_area = def("area", NC_DOUBLE, {d_region, d_cover},
                           {{"standard_name", "cell_area"}, {"long_name", "projected area of the run grid's cells in the zone "
                             "(Lambert-93 or the grid's CRS; area-share zones count shares of cells)"},
                            {"units", "ha"}, {"coordinates", coords}});
    const int v_start = def("soc_stock_start", NC_DOUBLE, {d_region, d_cover},
                            {{"long_name", "soil organic carbon stock, " + depth + ", on 1 January of the first year"},
                             {"units", "Tg"}, {"cell_methods", "area: sum"}, {"coordinates", coords}});
    const std::vector<int> d3 = {d_time, d_region, d_cover};
    const int v_stock = def("soc_stock", NC_DOUBLE, d3,
                            {{"long_name", "soil organic carbon stock, " + depth + ", end of year"}, {"units", "Tg"},
                             {"cell_methods", "area: sum time: point"}, {"coordinates", coords}});
    const int v_density = def("soc_density", NC_DOUBLE, d3,
                              {{"standard_name", "soil_mass_content_of_carbon"},
                               {"long_name", "mean soil organic carbon stock per hectare, " + depth + ", end of year"},
                               {"units", "t ha-1"}, {"cell_methods", "area: mean time: point"}, {"coordinates", coords}});
    const int v_change = def("soc_change", NC_DOUBLE, d3,
                             {{"long_name", "change of the soil organic carbon stock since the start"}, {"units", "Tg"},
                              {"coordinates", coords}});
    const int v_pct = def("soc_change_percent", NC_DOUBLE, d3,
                          {{"long_name", "change of the soil organic carbon stock since the start, percent of the start"},
                           {"units", "percent"}, {"coordinates", coords}});
    const int v_rate = def("rate_per_mille", NC_DOUBLE, d3,
                           {{"long_name", "mean yearly change since the start, per mille of the start stock (the 4 per 1000 measure)"},
                            {"units", "1e-3 yr-1"}, {"coordinates", coords}});
    const int v_asr = def("gsocseq_asr", NC_DOUBLE, d3,
                          {{"long_name", "GSOCseq absolute sequestration rate: (density - start density) / years since the start"},
                           {"units", "t ha-1 yr-1"}, {"coordinates", coords}});
    const int v_rsr = def("gsocseq_rsr", NC_DOUBLE, d3,
                          {{"long_name", "GSOCseq relative sequestration rate: (density - baseline density) / years since the "
                                         "start; 0 for the baseline"},
                           {"units", "t ha-1 yr-1"}, {"coordinates", coords}});
    put_text(nc_id, NC_GLOBAL, "Conventions", "CF-1.8");
    put_text(nc_id, NC_GLOBAL, "title", "alamod soil organic carbon totals by zone and land cover");
    put_text(nc_id, NC_GLOBAL, "scenario", table.scenario);
    put_text(nc_id, NC_GLOBAL, "alamod_model", table.model);
    put_text(nc_id, NC_GLOBAL, "comment",
             "Sums over the land cells of the run grid, exact (each cell's stock as stored in the gridded output, "
             "rounded to 2^-50 t ha-1 and added as integers): the same bits on any rank count. Areas are projected "
             "areas of the grid's cells.");
    for (const auto& [k, v] : attributes) put_text(nc_id, NC_GLOBAL, k, v);
    check(nc_enddef(nc_id), "enddef");

    std::vector<double> t(nt), tb(2 * nt);
    std::vector<int> years(nt);
    const long epoch = grids::days_from_civil(1900, 1, 1);
    for (size_t i = 0; i < nt; ++i) {
      const int y = table.first_year + static_cast<int>(i);
      years[i] = y;
      t[i] = static_cast<double>(grids::days_from_civil(y, 12, 31) - epoch);
      tb[2 * i] = static_cast<double>(grids::days_from_civil(y, 1, 1) - epoch);
      tb[2 * i + 1] = static_cast<double>(grids::days_from_civil(y + 1, 1, 1) - epoch);
    }
    check(nc_put_var_double(nc_id, v_time, t.data()), "time");
    check(nc_put_var_double(nc_id, v_bnds, tb.data()), "time_bnds");
    check(nc_put_var_int(nc_id, v_year, years.data()), "year");
    auto put_strings = [&](int id, const std::vector<std::string>& s) {
      std::vector<const char*> p;
      for (const auto& x : s) p.push_back(x.c_str());
      check(nc_put_var_string(nc_id, id, p.data()), "strings");
    };
    std::vector<std::string> names, kinds, codes;
    for (const auto* z : zones) {
      names.push_back(z->name);
      kinds.push_back(z->kind);
      codes.push_back(z->code);
    }
    put_strings(v_name, names);
    put_strings(v_kind, kinds);
    put_strings(v_code, codes);
    put_strings(v_cover, covers);
    std::vector<double> area(nz * nc, kFill), start(nz * nc, kFill);
    std::vector<std::vector<double>> by_year(6, std::vector<double>(nt * nz * nc, kFill));
    for (const auto& row : table.rows) {
      const size_t k = zone_of(row) * nc + cover_of(row);
      area[k] = row.area_ha;
      start[k] = row.start_TgC;
      for (size_t y = 0; y < nt; ++y) {
        const TotalsChange c = totals_change(table, row, static_cast<int>(y));
        const double v[6] = {row.TgC[y], row.t_ha[y], c.change_TgC, c.change_pct, c.rate_per_mille_yr, c.asr_t_ha_yr};
        for (int q = 0; q < 6; ++q) by_year[static_cast<size_t>(q)][y * nz * nc + k] = v[q];
      }
    }
    check(nc_put_var_double(nc_id, v_area, area.data()), "area");
    check(nc_put_var_double(nc_id, v_start, start.data()), "soc_stock_start");
    const int ids[6] = {v_stock, v_density, v_change, v_pct, v_rate, v_asr};
    for (int q = 0; q < 6; ++q) check(nc_put_var_double(nc_id, ids[q], by_year[static_cast<size_t>(q)].data()), "values");
    std::vector<double> rsr = by_year[5];
    for (auto& v : rsr)
      if (v != kFill) v = 0.0;
    check(nc_put_var_double(nc_id, v_rsr, rsr.data()), "gsocseq_rsr");
    check(nc_close(nc_id), "closing " + tmp);
    nc_id = -1;
  } catch (...) {
    if (nc_id >= 0) nc_close(nc_id);
    std::remove(tmp.c_str());
    throw;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    throw InputError("cannot rename " + tmp + " to " + path + ": " + why);
  }
}

}  // namespace alamod::engine
