#include "engine/model_bindings/site_binding.hpp"

#include <cstdio>

#include "engine/model_bindings/valid_range.hpp"

namespace alamod::engine::site_binding {

std::string step_label(const StepSeries& s, std::size_t i) {
  char buf[32];
  if (s.step == TimeStep::year) std::snprintf(buf, sizeof buf, "%d", s.year[i]);
  else if (s.step == TimeStep::month) std::snprintf(buf, sizeof buf, "%d-%02d", s.year[i], s.month[i]);
  else std::snprintf(buf, sizeof buf, "%d-%02d-%02d", s.year[i], s.month[i], s.day[i]);
  return buf;
}

/// A column of the series, or `fallback` repeated (with a note), or an error naming the column.
std::vector<double> series_or(const AdapterInput& in, const std::string& name, double fallback, const std::string& note) {
  if (in.s.has(name)) return in.s.at(name);
  if (name == "pet" && in.s.has("evap")) {
    // RothC's convention (Coleman & Jenkinson 1996; models/rothc/README.md): evapotranspiration is 0.75 of
    // open-pan evaporation, the factor RothC itself applies; the same for every model that needs PET.
    std::vector<double> pet = in.s.at("evap");
    for (double& v : pet) v *= kPetPerPanEvaporation;
    in.notes.push_back(kPetFromPanNote);
    return pet;
  }
  if (std::isnan(fallback)) in.f.column(name, in.model);  // throws: missing column
  if (!note.empty()) in.notes.push_back(note);
  return std::vector<double>(in.s.steps(), fallback);
}

/// Plant plus manure carbon per step (t ha-1); c_input is required.
std::vector<double> carbon_inputs(const AdapterInput& in) {
  std::vector<double> c = series_or(in, "c_input", NAN, "");
  if (in.s.has("fym"))
    for (std::size_t i = 0; i < c.size(); ++i) c[i] += in.s.at("fym")[i];
  return c;
}

/// Soil temperature: tsoil, or tas with a note.
std::vector<double> soil_temperature(const AdapterInput& in) {
  if (in.s.has("tsoil")) return in.s.at("tsoil");
  if (!in.s.has("tas"))
    throw InputError(in.f.path + ":" + std::to_string(in.f.header_line) + " (tsoil): missing column, " + in.model +
                     " needs tsoil or tas (degC)");
  in.notes.push_back("soil temperature = air temperature (no tsoil column)");
  return in.s.at("tas");
}

double property_noted(const AdapterInput& in, const std::string& key, double fallback, const std::string& unit) {
  const bool given = in.f.has_number(key) || in.f.has_column(key);
  const double v = in.f.property(key, fallback, in.model);
  if (!given) in.notes.push_back(key + " = " + short_number(fallback) + " " + unit + " (not in the forcing; default)");
  return v;
}

[[noreturn]] void rethrow_site(const AdapterInput& in, const std::exception& e) {
  throw InputError(in.f.path + ": " + e.what() + " (site properties for " + in.model + ")");
}

void check_series_range(const AdapterInput& in, const models::ValidRange* ranges, std::size_t count,
                        const std::string& variable, const std::vector<double>& values, const std::string& column) {
  const StepSeries& s = in.s;
  const bool temperature = variable == "tas";
  for (std::size_t k = 0; k < count; ++k) {
    const models::ValidRange& r = ranges[k];
    if (r.variable != variable) continue;
    auto refuse = [&](std::size_t i, double v, const std::string& when) {
      const bool daily = r.period == models::Period::month && s.step == TimeStep::day;
      throw InputError(in.f.path + ":" + std::to_string(s.first_line[i]) + " (" + column + "): " + in.model + ": " +
                       outside_range_text(in.model, r, v, "in " + when, column,
                                          daily ? "daily mean temperature" : ""));
    };
    if (r.period == models::Period::month) {
      // a monthly bound holds for each month, and for each day of a daily temperature
      if (!(s.step == TimeStep::month || (s.step == TimeStep::day && temperature))) continue;
      for (std::size_t i = 0; i < values.size(); ++i)
        if (!r.contains(values[i])) refuse(i, values[i], step_label(s, i));
      continue;
    }
    for (std::size_t first = 0; first < values.size();) {
      std::size_t end = first;
      double sum = 0.0;
      while (end < values.size() && s.year[end] == s.year[first]) sum += values[end++];
      const std::size_t n = end - first;
      const bool whole = s.step == TimeStep::year || (s.step == TimeStep::month && n == 12) ||
                         (s.step == TimeStep::day && n >= 365);
      const double v = temperature ? sum / static_cast<double>(n) : sum;
      if (whole && !r.contains(v)) refuse(first, v, std::to_string(s.year[first]));
      first = end;
    }
  }
}

}  // namespace alamod::engine::site_binding
