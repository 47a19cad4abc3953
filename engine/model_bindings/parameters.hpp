#pragma once
/// A model's parameter values in its own typed struct, set from the (name, value) pairs that the
/// configuration's [<model>.parameters] table or a parameter file gave (names and bounds already checked
/// against the model's ParameterInfo table), and the text that records them in the outputs.
#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"
#include "models/common/parameter.hpp"

namespace alamod::engine {

/// Set the members of `p` that `values` names (value in the parameter's declared unit).
template <class P, std::size_t N>
void set_parameters(const std::array<models::ParameterInfo<P>, N>& table,
                    const std::vector<std::pair<std::string, double>>& values, P& p) {
  for (const auto& [name, v] : values)
    for (const auto& i : table)
      if (i.name == name) p.*(i.member) = v;
}

/// "name = value unit", the value with 17 significant digits (it reads back to the same double).
inline std::string parameter_line(std::string_view name, double value, std::string_view unit) {
  return std::string(name) + " = " + exact_number(value) + " " + std::string(unit);
}

/// Every parameter of `p`, one parameter_line each (output provenance).
template <class P, std::size_t N>
std::string parameters_text(const std::array<models::ParameterInfo<P>, N>& table, const P& p) {
  std::string text;
  for (const auto& i : table) text += parameter_line(i.name, p.*(i.member), i.unit) + "\n";
  return text;
}

/// The model's own check of a parameter set (bounds and relations between parameters); its
/// std::invalid_argument becomes an InputError that starts with `where` (the file that set them).
template <class P, class Validate>
void validate_parameters(const std::string& where, const P& p, Validate validate) {
  try {
    validate(p);
  } catch (const std::invalid_argument& e) {
    throw InputError(where + ": " + e.what());
  }
}

}  // namespace alamod::engine
