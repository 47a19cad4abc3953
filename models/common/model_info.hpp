#pragma once
/// What a user needs to know about a model to choose and configure it: its name, step, pools, inputs
/// and parameter table. Each model's `model_info()` returns one; the engine's model registry
/// (engine/model_bindings/registry.cpp) lists them.
#include <string>
#include <utility>
#include <vector>

#include "models/common/parameter.hpp"
#include "models/common/valid_range.hpp"

namespace alamod::models {

/// One parameter as shown to users (from the model's ParameterInfo table).
struct ParameterRow {
  std::string name, unit, description, source;
  double default_value, lower, upper;
};

struct ModelInfo {
  std::string name;         ///< config value of `model = "..."`
  std::string title;        ///< one-line description
  std::string time_step;    ///< e.g. "month"
  std::vector<std::string> pools;
  std::vector<std::string> inputs;  ///< forcing variables with units
  std::vector<ParameterRow> parameters;
  std::vector<ValidRange> valid_range;  ///< the climate where the model is valid (its kValidRange)
  std::string reference;    ///< literature reference
};

/// The rows of a ParameterInfo table with the defaults of `defaults`; `source`, when given, replaces
/// every row's source (a parameter set published as a whole).
template <class Params, std::size_t N>
std::vector<ParameterRow> parameter_rows(const std::array<ParameterInfo<Params>, N>& table, const Params& defaults,
                                         const char* source = nullptr) {
  std::vector<ParameterRow> rows;
  for (const auto& p : table)
    rows.push_back({std::string(p.name), std::string(p.unit), std::string(p.description),
                    source ? std::string(source) : std::string(p.source), defaults.*(p.member), p.lower, p.upper});
  return rows;
}

/// A model's description with what its declarations already say: its name, its pools (in the order of
/// `pool_names`), its parameter rows (parameter_rows of `table` with `defaults` and `source`) and its
/// valid range. The model's model_info() adds its title, time step, inputs and reference.
template <class PoolNames, class Params, std::size_t N, std::size_t R>
ModelInfo declared_model_info(std::string name, const PoolNames& pool_names,
                              const std::array<ParameterInfo<Params>, N>& table, const Params& defaults,
                              const std::array<ValidRange, R>& valid_range, const char* source = nullptr) {
  ModelInfo m;
  m.name = std::move(name);
  for (const auto& pool : pool_names) m.pools.emplace_back(pool);
  m.parameters = parameter_rows(table, defaults, source);
  m.valid_range.assign(valid_range.begin(), valid_range.end());
  return m;
}

}  // namespace alamod::models
