// A model's valid range applied to the climate of the grid run.
#include "engine/model_bindings/valid_range.hpp"

#include <cstdio>

#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

/// The index of a variable in MonthlyClimate, or -1.
int climate_index(std::string_view variable) {
  if (variable == "tas") return 0;
  if (variable == "pr") return 1;
  if (variable == "pet") return 2;
  return -1;
}

/// Values read from single-precision files print as they were written (-40.2, not -40.20000076).
std::string value_text(double v) { return format_number("%.7g", v); }

}  // namespace

std::string outside_range_text(const std::string& model, const models::ValidRange& r, double value,
                               const std::string& where, const std::string& name, const std::string& meaning) {
  const std::string unit(r.unit);
  return (name.empty() ? std::string(r.variable) : name) + " = " + value_text(value) + " " + unit + " (" +
         (meaning.empty() ? std::string(models::variable_meaning(r.variable, r.period)) : meaning) + ") " + where +
         " is outside " + model +
         "'s valid range, expected " +
         (r.lower_open ? "above " + value_text(r.lower) + " and at most " : value_text(r.lower) + " to ") +
         value_text(r.upper) + " " + unit + ": " + std::string(r.description) + " (" + std::string(r.source) +
         "; `alamod models show " + model + "`)";
}

void check_climate_range(const models::ModelInfo& model, const MonthlyClimate& climate,
                         const std::function<std::string(std::size_t)>& describe, int calendar_year,
                         const std::string& when) {
  if (climate.empty() || model.valid_range.empty()) return;
  const std::size_t n = climate[0].size() / 12;
  auto month_name = [&](int mo) {
    char buf[32];
    if (calendar_year > 0) std::snprintf(buf, sizeof buf, "%04d-%02d", calendar_year, mo + 1);
    else std::snprintf(buf, sizeof buf, "month %d", mo + 1);
    return std::string(buf);
  };
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& r : model.valid_range) {
      const int v = climate_index(r.variable);
      if (v < 0 || static_cast<std::size_t>(v) >= climate.size()) continue;
      const std::vector<double>& values = climate[static_cast<std::size_t>(v)];
      if (r.period == models::Period::month) {
        for (int mo = 0; mo < 12; ++mo) {
          const double x = values[static_cast<std::size_t>(mo) * n + i];
          if (!r.contains(x))
            throw InputError(model.name + ": " +
                             outside_range_text(model.name, r, x,
                                                "in " + month_name(mo) + (calendar_year > 0 ? "" : " of " + when) +
                                                    " at land " + describe(i)));
        }
      } else {
        double sum = 0.0;
        for (int mo = 0; mo < 12; ++mo) sum += values[static_cast<std::size_t>(mo) * n + i];
        const double annual = r.variable == "tas" ? sum / 12.0 : sum;
        if (!r.contains(annual))
          throw InputError(model.name + ": " +
                           outside_range_text(model.name, r, annual,
                                              "in " + (calendar_year > 0 ? std::to_string(calendar_year) : when) +
                                                  " at land " + describe(i)));
      }
    }
  }
}

}  // namespace alamod::engine
