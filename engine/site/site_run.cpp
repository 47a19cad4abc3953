#include "engine/site/site_run.hpp"

#include <filesystem>
#include <stdexcept>

#include "engine/common/atomic_file.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/version.hpp"
#include "engine/configuration/parameter_file.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/site_binding.hpp"
#include "engine/site/site_forcing.hpp"
#include "grids/input_error.hpp"
#include "grids/sha256.hpp"

namespace alamod::engine {

namespace {

std::string step_unit(const std::string& time_step) {
  return time_step == "year" ? "t ha-1 yr-1" : time_step == "month" ? "t ha-1 month-1" : "t ha-1 d-1";
}

void write_result(const SiteRunResult& r, const std::string& path) {
  std::string text = "# alamod-site-output: 1\n";
  for (const auto& [k, v] : r.metadata) text += "# " + k + ": " + v + "\n";
  for (const auto& n : r.notes) text += "# note: " + n + "\n";
  std::string header = "year", units = "yr";
  if (r.time_step != "year") header += ",month", units += ",1";
  if (r.time_step == "day") header += ",day", units += ",1";
  for (const auto& p : r.pool_names) header += "," + p, units += ",t ha-1";
  const std::string flux = step_unit(r.time_step);
  header += ",soc,c_input,rh";
  units += ",t ha-1," + flux + "," + flux;
  if (r.has_leaching) header += ",leaching", units += "," + flux;
  for (const auto& [name, unit] : r.extra_columns) header += "," + name, units += "," + unit;
  text += header + "\n" + units + "\n";
  // Room for every row at its longest (a %.17g number has at most 24 characters), reserved once: the
  // text is not copied as it grows, and the pages never written are never touched.
  const std::size_t values = r.pool_names.size() + 4 + r.extra_columns.size();
  text.reserve(text.size() + r.steps.size() * (8 + 3 + 3 + values * 25 + 1));
  for (const auto& row : r.steps) {
    std::string line = std::to_string(row.year);
    if (r.time_step != "year") line += "," + std::to_string(row.month);
    if (r.time_step == "day") line += "," + std::to_string(row.day);
    for (double v : row.pools) line += "," + exact_number(v);
    line += "," + exact_number(row.soc) + "," + exact_number(row.c_input) + "," + exact_number(row.rh);
    if (r.has_leaching) line += "," + exact_number(row.leaching);
    for (double v : row.extra) line += "," + exact_number(v);
    text += line + "\n";
  }
  try {
    write_file_atomically(path, text);
  } catch (const AtomicFileError& e) {
    throw InputError(e.what());
  }
}

}  // namespace

bool valid_start(const std::string& mode) {
  for (const char* m : {"observed", "equilibrium", "cycle", "none", "history", "pools", "stable"})
    if (mode == m) return true;
  return false;
}

SiteRunResult simulate_site(const SiteRunOptions& opt) {
  const ModelBinding* model = nullptr;
  try {
    model = &find_model(opt.model);
  } catch (const std::invalid_argument& e) {
    throw InputError(std::string("--model: ") + e.what());
  }
  if (!valid_start(opt.spinup))
    throw InputError("--spinup: unknown value '" + opt.spinup + "', expected one of " + kStartModes);
  SiteForcing f = read_site_forcing(opt.forcing);
  if (!std::isnan(opt.soc_initial)) {
    f.numbers["soc_initial"] = opt.soc_initial;
    if (!f.metadata_line.count("soc_initial")) f.metadata_line["soc_initial"] = 0;
  }
  ParameterFile pf = read_parameter_file(opt.parameters);
  check_model(pf, opt.model);
  for (const auto& [name, value] : opt.parameter_values) pf.entries.push_back({name, value, 0, 0});

  SiteRunResult r;
  r.model = opt.model;
  r.metadata.push_back({"model", opt.model});
  r.metadata.push_back({"model_title", model->info.title});
  r.metadata.push_back({"forcing", opt.forcing});
  r.metadata.push_back({"forcing_sha256", grids::sha256_file(opt.forcing)});
  r.metadata.push_back({"site_id", f.texts.at("site_id")});
  if (pf.path.empty()) {
    r.metadata.push_back({"parameters", "defaults"});
  } else {
    r.metadata.push_back({"parameters", pf.path});
    r.metadata.push_back({"parameters_sha256", grids::sha256_file(pf.path)});
  }
  if (!std::isnan(opt.soc_initial))
    r.metadata.push_back({"soc_initial", exact_number(opt.soc_initial) + " t ha-1 (" + opt.soc_initial_source + ")"});
  r.metadata.push_back({"alamod_version", alamod_version()});
  r.metadata.push_back({"alamod_git_commit", alamod_git_commit()});
  return model->run_site(opt, f, pf, std::move(r));
}

void run_site(const SiteRunOptions& opt) {
  if (opt.out.empty()) throw InputError("--out: missing, expected the output CSV file");
  if (!opt.overwrite && std::filesystem::exists(opt.out))
    throw InputError(opt.out + ": the output exists, expected a new file name (or --overwrite)");
  const SiteRunResult r = simulate_site(opt);
  write_result(r, opt.out);
}

}  // namespace alamod::engine
