#include "engine/model_bindings/site_binding.hpp"

#include <cstdio>

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

}  // namespace alamod::engine::site_binding
