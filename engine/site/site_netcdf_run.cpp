// Many sites from one NetCDF file into one NetCDF file (site_netcdf_run.hpp).
#include "engine/site/site_netcdf_run.hpp"

#include <netcdf.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "engine/common/atomic_file.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/version.hpp"
#include "engine/configuration/parameter_file.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/site/site_netcdf.hpp"
#include "engine/site/site_text.hpp"
#include "grids/cf_time.hpp"
#include "grids/input_error.hpp"
#include "grids/sha256.hpp"

namespace alamod::engine {

namespace {

using grids::CfCalendar;
using site_nc::check;

long day_number(int y, int m, int d) { return grids::cf_day_number(CfCalendar::gregorian, y, m, d); }

/// A model's message about a site's forcing, "WHERE:N ..." with N the row's line (the time index + 1, 0 for the
/// site's metadata): the line made the time index, so that it reads as the collection's other messages.
std::string reword(const std::string& message, const std::string& where) {
  if (message.compare(0, where.size(), where) != 0 || message.size() <= where.size() || message[where.size()] != ':')
    return message;
  std::size_t e = where.size() + 1;
  while (e < message.size() && std::isdigit(static_cast<unsigned char>(message[e]))) ++e;
  if (e == where.size() + 1) return message;
  const long line = std::stol(message.substr(where.size() + 1, e - where.size() - 1));
  const std::string rest = message.substr(e);
  return where + (line > 0 ? ", time index " + std::to_string(line - 1) : std::string()) +
         (rest.empty() || rest[0] == ':' || rest[0] == ' ' ? rest : ": " + rest);
}

std::string step_resolution(const std::string& step) { return step == "year" ? "P1Y" : step == "month" ? "P1M" : "P1D"; }

std::string flux_unit(const std::string& step) {
  return step == "year" ? "t ha-1 yr-1" : step == "month" ? "t ha-1 month-1" : "t ha-1 d-1";
}

std::string iso_date(int y, int m, int d) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT00:00:00Z", y, m, d);
  return buf;
}

/// The output: defined from the first site's result, then one row per site.
class ResultsFile {
 public:
  ResultsFile(const std::string& out, const std::string& tmp, const SiteCollection& in) : out_(out), in_(in) {
    check(nc_create(tmp.c_str(), NC_NETCDF4 | NC_CLOBBER, &nc_.id), out + ": creating the file");
  }

  /// Defines the file from the first result r and the global attributes; writes the time axis and the sites.
  void define(const SiteRunResult& r, const std::vector<std::pair<std::string, std::string>>& globals) {
    const int ncid = nc_.id;
    step_ = r.time_step;
    pools_ = r.pool_names;
    leaching_ = r.has_leaching;
    extras_ = r.extra_columns;
    y0_ = in_.first_year();
    m0_ = in_.first_month();
    const int months = static_cast<int>(in_.months());
    const int last = (m0_ - 1) + months - 1;  // months after January of y0
    const int y1 = y0_ + last / 12, m1 = last % 12 + 1;
    if (step_ == "year") {
      steps_ = static_cast<std::size_t>(y1 - y0_ + 1);
    } else if (step_ == "month") {
      steps_ = in_.months();
    } else {
      const int ny = m1 == 12 ? y1 + 1 : y1, nm = m1 == 12 ? 1 : m1 + 1;
      steps_ = static_cast<std::size_t>(day_number(ny, nm, 1) - day_number(y0_, m0_, 1));
    }
    int d_site = -1, d_time = -1, d_nv = -1;
    check(nc_def_dim(ncid, "site", in_.sites(), &d_site), "dimension site");
    check(nc_def_dim(ncid, "time", steps_, &d_time), "dimension time");
    check(nc_def_dim(ncid, "nv", 2, &d_nv), "dimension nv");
    check(nc_def_var(ncid, "time", NC_DOUBLE, 1, &d_time, &v_time_), "variable time");
    site_nc::put_text(ncid, v_time_, "standard_name", "time");
    site_nc::put_text(ncid, v_time_, "long_name", "start of the model step");
    site_nc::put_text(ncid, v_time_, "units", "days since " + iso_date(y0_, 1, 1).substr(0, 10) + " 00:00:00");
    site_nc::put_text(ncid, v_time_, "calendar", "proleptic_gregorian");
    site_nc::put_text(ncid, v_time_, "axis", "T");
    site_nc::put_text(ncid, v_time_, "bounds", "time_bnds");
    const int bnds_dims[2] = {d_time, d_nv};
    check(nc_def_var(ncid, "time_bnds", NC_DOUBLE, 2, bnds_dims, &v_bnds_), "variable time_bnds");
    v_id_ = site_nc::def_string(ncid, "site_id", d_site, "site name");
    site_nc::put_text(ncid, v_id_, "cf_role", "timeseries_id");
    const std::string coords = in_.has_coordinates() ? "lat lon" : "";
    if (in_.has_coordinates()) {
      v_lat_ = site_nc::def_double(ncid, "lat", {d_site}, "degrees_north", "latitude");
      site_nc::put_text(ncid, v_lat_, "standard_name", "latitude");
      v_lon_ = site_nc::def_double(ncid, "lon", {d_site}, "degrees_east", "longitude");
      site_nc::put_text(ncid, v_lon_, "standard_name", "longitude");
    }
    // (time, site), time first as CDO reads it (an unstructured grid of sites); chunks of whole series, as many
    // sites as make about 1 MiB (one site's series is written at a time, into the chunk cache)
    const std::size_t chunk_sites = std::clamp<std::size_t>((std::size_t{1} << 20) / (8 * steps_), 1, in_.sites());
    auto series = [&](const std::string& name, const std::string& unit, const std::string& long_name,
                      const std::string& cell_methods) {
      for (const char* reserved : {"time", "time_bnds", "site_id", "lat", "lon", "soc_start", "spinup_method", "notes"})
        if (name == reserved)
          throw std::logic_error("site output: the model's column '" + name + "' has the name of another variable");
      const int id = site_nc::def_double(ncid, name, {d_time, d_site}, unit, long_name, {steps_, chunk_sites});
      if (!cell_methods.empty()) site_nc::put_text(ncid, id, "cell_methods", cell_methods);
      if (!coords.empty()) site_nc::put_text(ncid, id, "coordinates", coords);
      return id;
    };
    const std::string flux = flux_unit(step_);
    for (const auto& p : pools_)
      v_series_.push_back(series(p, "t ha-1", "carbon in the " + p + " pool at the end of the step", ""));
    v_series_.push_back(series("soc", "t ha-1", "soil organic carbon (the pools' total) at the end of the step", ""));
    v_series_.push_back(series("c_input", flux, "carbon entering the soil pools during the step", "time: sum"));
    v_series_.push_back(series("rh", flux, "heterotrophic respiration during the step", "time: sum"));
    if (leaching_) v_series_.push_back(series("leaching", flux, "carbon leached during the step", "time: sum"));
    for (const auto& [name, unit] : extras_) v_series_.push_back(series(name, unit, name + " (the model's column)", ""));
    v_start_ = site_nc::def_double(ncid, "soc_start", {d_site}, "t ha-1", "soil organic carbon after the spin-up, before the first step");
    if (!coords.empty()) site_nc::put_text(ncid, v_start_, "coordinates", coords);
    v_method_ = site_nc::def_string(ncid, "spinup_method", d_site, "how the run started (--spinup)");
    v_notes_ = site_nc::def_string(ncid, "notes", d_site, "derived inputs and assumptions, one per line");
    for (const auto& [k, v] : globals) site_nc::put_text(ncid, NC_GLOBAL, k, v);
    // the coverage: from the start of the first step to the end of the last (the month after the last month,
    // or the year after the last year)
    site_nc::put_text(ncid, NC_GLOBAL, "time_coverage_start", iso_date(y0_, step_ == "year" ? 1 : m0_, 1));
    site_nc::put_text(ncid, NC_GLOBAL, "time_coverage_end",
                      step_ == "year" ? iso_date(y1 + 1, 1, 1) : iso_date(m1 == 12 ? y1 + 1 : y1, m1 == 12 ? 1 : m1 + 1, 1));
    site_nc::put_text(ncid, NC_GLOBAL, "time_coverage_resolution", step_resolution(step_));
    if (in_.has_coordinates()) {
      double la0 = 1e9, la1 = -1e9, lo0 = 1e9, lo1 = -1e9;
      for (std::size_t i = 0; i < in_.sites(); ++i) {
        if (!std::isnan(in_.latitude(i))) la0 = std::min(la0, in_.latitude(i)), la1 = std::max(la1, in_.latitude(i));
        if (!std::isnan(in_.longitude(i))) lo0 = std::min(lo0, in_.longitude(i)), lo1 = std::max(lo1, in_.longitude(i));
      }
      if (la0 <= la1) {
        site_nc::put_text(ncid, NC_GLOBAL, "geospatial_lat_min", short_number(la0));
        site_nc::put_text(ncid, NC_GLOBAL, "geospatial_lat_max", short_number(la1));
        site_nc::put_text(ncid, NC_GLOBAL, "geospatial_lat_units", "degrees_north");
      }
      if (lo0 <= lo1) {
        site_nc::put_text(ncid, NC_GLOBAL, "geospatial_lon_min", short_number(lo0));
        site_nc::put_text(ncid, NC_GLOBAL, "geospatial_lon_max", short_number(lo1));
        site_nc::put_text(ncid, NC_GLOBAL, "geospatial_lon_units", "degrees_east");
      }
    }
    check(nc_enddef(ncid), out_ + ": defining the file");
    // the time axis
    std::vector<double> t(steps_), b(2 * steps_);
    const long base = day_number(y0_, 1, 1);
    for (std::size_t k = 0; k < steps_; ++k) {
      long s = 0, e = 0;
      if (step_ == "year") {
        s = day_number(y0_ + static_cast<int>(k), 1, 1);
        e = day_number(y0_ + static_cast<int>(k) + 1, 1, 1);
      } else if (step_ == "month") {
        const int m = m0_ - 1 + static_cast<int>(k);
        s = day_number(y0_ + m / 12, m % 12 + 1, 1);
        e = day_number(y0_ + (m + 1) / 12, (m + 1) % 12 + 1, 1);
      } else {
        s = day_number(y0_, m0_, 1) + static_cast<long>(k);
        e = s + 1;
      }
      t[k] = b[2 * k] = static_cast<double>(s - base);
      b[2 * k + 1] = static_cast<double>(e - base);
    }
    check(nc_put_var_double(ncid, v_time_, t.data()), out_ + ": writing time");
    check(nc_put_var_double(ncid, v_bnds_, b.data()), out_ + ": writing time_bnds");
    std::vector<std::string> ids(in_.sites());
    for (std::size_t i = 0; i < in_.sites(); ++i) ids[i] = in_.site_id(i);
    site_nc::put_strings(ncid, v_id_, ids);
    methods_.assign(in_.sites(), "");
    notes_.assign(in_.sites(), "");
    for (std::size_t i = 0; i < in_.sites(); ++i) {
      const std::size_t at[1] = {i};
      if (v_lat_ >= 0 && !std::isnan(in_.latitude(i))) {
        const double la = in_.latitude(i), lo = in_.longitude(i);
        check(nc_put_var1_double(ncid, v_lat_, at, &la), out_ + ": writing lat");
        if (!std::isnan(lo)) check(nc_put_var1_double(ncid, v_lon_, at, &lo), out_ + ": writing lon");
      } else if (v_lon_ >= 0 && !std::isnan(in_.longitude(i))) {
        const double lo = in_.longitude(i);
        check(nc_put_var1_double(ncid, v_lon_, at, &lo), out_ + ": writing lon");
      }
    }
    row_.resize(steps_);
  }

  /// The time index of a result row.
  long index(const SiteStepResult& s) const {
    if (step_ == "year") return s.year - y0_;
    if (step_ == "month") return (s.year * 12 + s.month - 1) - (y0_ * 12 + m0_ - 1);
    return day_number(s.year, s.month, s.day) - day_number(y0_, m0_, 1);
  }

  /// Site i's result: its series in its row of the output.
  void put(std::size_t i, const SiteRunResult& r, const std::string& where) {
    if (r.time_step != step_ || r.pool_names != pools_ || r.has_leaching != leaching_ || r.extra_columns != extras_)
      throw InputError(where + ": the model runs on " + r.time_step + "s here and on " + step_ +
                       "s at site 0 (yasso_step?), expected one step for every site of a site collection");
    const int ncid = nc_.id;
    const std::size_t at[1] = {i};
    check(nc_put_var1_double(ncid, v_start_, at, &r.soc_start), out_ + ": writing soc_start");
    for (const auto& [k, v] : r.metadata)
      if (k == "spinup_method") methods_[i] = v;
    for (const auto& n : r.notes) notes_[i] += (notes_[i].empty() ? "" : "\n") + n;
    if (r.steps.empty()) return;
    const long first = index(r.steps.front());
    const std::size_t n = r.steps.size();
    if (first < 0 || static_cast<std::size_t>(first) + n > steps_ || index(r.steps.back()) != first + static_cast<long>(n) - 1)
      throw std::logic_error("site output: a site's steps outside the output's time axis");
    const std::size_t start[2] = {static_cast<std::size_t>(first), i}, count[2] = {n, 1};
    std::size_t v = 0;
    auto put_series = [&](auto value) {
      for (std::size_t k = 0; k < n; ++k) row_[k] = value(r.steps[k]);
      check(nc_put_vara_double(ncid, v_series_[v++], start, count, row_.data()), out_ + ": writing a series");
    };
    for (std::size_t p = 0; p < pools_.size(); ++p) put_series([p](const SiteStepResult& s) { return s.pools[p]; });
    put_series([](const SiteStepResult& s) { return s.soc; });
    put_series([](const SiteStepResult& s) { return s.c_input; });
    put_series([](const SiteStepResult& s) { return s.rh; });
    if (leaching_) put_series([](const SiteStepResult& s) { return s.leaching; });
    for (std::size_t x = 0; x < extras_.size(); ++x) put_series([x](const SiteStepResult& s) { return s.extra[x]; });
  }

  bool defined() const { return !step_.empty(); }
  /// The strings gathered from every site written, then the file closed.
  void close() {
    site_nc::put_strings(nc_.id, v_method_, methods_);
    site_nc::put_strings(nc_.id, v_notes_, notes_);
    nc_.close(out_ + ": closing the file");
  }

 private:
  std::string out_;
  const SiteCollection& in_;
  site_nc::File nc_;
  std::string step_;
  std::vector<std::string> pools_;
  bool leaching_ = false;
  std::vector<std::pair<std::string, std::string>> extras_;
  int y0_ = 0, m0_ = 1;
  std::size_t steps_ = 0;
  int v_time_ = -1, v_bnds_ = -1, v_id_ = -1, v_lat_ = -1, v_lon_ = -1, v_start_ = -1, v_method_ = -1, v_notes_ = -1;
  std::vector<int> v_series_;
  std::vector<double> row_;
  std::vector<std::string> methods_, notes_;  ///< spinup_method and notes of each site, written by close()
};

}  // namespace

std::size_t run_site_netcdf(const SiteRunOptions& base, const std::string& in, const std::string& out) {
  if (out.empty()) throw InputError("--out: missing, expected the output NetCDF file");
  if (!base.overwrite && std::filesystem::exists(out))
    throw InputError(out + ": the output exists, expected a new file name (or --overwrite)");
  const ModelBinding* model = nullptr;
  try {
    model = &find_model(base.model);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--model: ") + e.what());
  }
  if (!valid_start(base.spinup))
    throw InputError("--spinup: unknown value '" + base.spinup + "', expected one of " + kStartModes);
  const SiteCollection sites(in);
  ParameterFile pf = read_parameter_file(base.parameters);
  check_model(pf, base.model);
  for (const auto& [name, value] : base.parameter_values) pf.entries.push_back({name, value, 0, 0});
  const std::string sha = grids::sha256_file(in);

  std::unique_ptr<AtomicOutputPath> target;
  try {
    target = std::make_unique<AtomicOutputPath>(out);
  } catch (const AtomicFileError& e) {
    throw InputError(e.what());
  }
  ResultsFile results(out, target->temporary().string(), sites);
  SiteRunOptions opt = base;
  opt.forcing = in;
  opt.out = out;
  for (std::size_t i = 0; i < sites.sites(); ++i) {
    const std::string where = sites.where(i);
    SiteRunResult r;
    try {
      const SiteForcing f = sites.forcing(i);
      SiteRunResult meta;
      meta.model = base.model;
      meta.metadata = {{"model", base.model}, {"site_id", sites.site_id(i)}};
      r = model->run_site(opt, f, pf, std::move(meta));
    } catch (const InputError& e) {
      throw InputError(reword(e.what(), where));
    }
    if (!results.defined()) {
      std::string parameters;
      for (const auto& [k, v] : r.metadata)
        if (k == "parameter") parameters += (parameters.empty() ? "" : "\n") + v;
      const std::string now = utc_now_iso();
      const std::vector<std::pair<std::string, std::string>> globals = {
          {"Conventions", "CF-1.8 ACDD-1.3"},
          {"featureType", "timeSeries"},
          {"title", "alamod " + base.model + " at " + std::to_string(sites.sites()) + " sites, per " + r.time_step},
          {"summary", "Soil organic carbon pools, stocks, carbon inputs and heterotrophic respiration simulated by " +
                          model->info.title + " at each site of " + in + " (one time series per site), as `alamod site` "
                          "simulates one site: spin-up (" + base.spinup + "), then every step with its carbon balance checked."},
          {"keywords", "soil organic carbon, " + base.model + ", carbon stock, heterotrophic respiration, site"},
          {"institution", "alamod project"},
          {"source", "alamod " + alamod_version() + " (git " + alamod_git_commit() + "), model " + base.model},
          {"history", now + ": alamod site --model " + base.model + " --forcing-netcdf " + in + " --out " + out +
                          (base.parameters.empty() ? "" : " --parameters " + base.parameters) + " --spinup " + base.spinup},
          {"date_created", now},
          {"creator_name", "alamod"},
          {"product_version", alamod_version()},
          {"processing_level", "model output"},
          {"license", "output of alamod; the licences of the inputs apply"},
          {"alamod_version", alamod_version()},
          {"alamod_git_commit", alamod_git_commit()},
          {"alamod_model", base.model},
          {"alamod_model_title", model->info.title},
          {"alamod_forcing", in},
          {"alamod_forcing_sha256", sha},
          {"alamod_parameters", pf.path.empty() ? std::string("defaults") : pf.path},
          {"alamod_parameters_sha256", pf.path.empty() ? std::string("none") : grids::sha256_file(pf.path)},
          {"alamod_parameter_values", parameters.empty() ? std::string("the model's defaults") : parameters},
          {"alamod_spinup", base.spinup},
      };
      results.define(r, globals);
    }
    results.put(i, r, where);
  }
  results.close();
  try {
    target->commit();
  } catch (const AtomicFileError& e) {
    throw InputError(e.what());
  }
  return sites.sites();
}

}  // namespace alamod::engine
