#include "engine/configuration/parameter_file.hpp"

#include <algorithm>
#include <fstream>
#include <toml++/toml.h>

#include "engine/common/nearest_name.hpp"
#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

std::string at(const std::string& path, int line, int column) {
  return path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

/// The TOML of a parameter file; throws InputError naming the file, line and column of a syntax error.
toml::table parse_parameter_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": parameter file not found or not readable");
  try {
    return toml::parse(in, path);
  } catch (const toml::parse_error& e) {
    throw InputError(at(path, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)) +
                     ": " + std::string(e.description()) + ", expected TOML with a [parameters] table");
  }
}

/// The entries of the [parameters] table: name = number.
void read_parameters_table(const toml::table& table, ParameterFile& pf) {
  for (const auto& [pk, pv] : table) {
    const std::string name(pk.str());
    const int pl = static_cast<int>(pk.source().begin.line), pc = static_cast<int>(pk.source().begin.column);
    double v = 0;
    if (pv.is_integer()) v = static_cast<double>(pv.as_integer()->get());
    else if (pv.is_floating_point()) v = pv.as_floating_point()->get();
    else
      throw InputError(at(pf.path, pl, pc) + " (" + name +
                       "): not a number, expected name = value in the parameter's unit");
    pf.entries.push_back({name, v, pl, pc});
  }
}

}  // namespace

std::string ParameterFile::where(const ParameterEntry& e) const {
  return at(path, e.line, e.column) + " (" + e.name + ")";
}

ParameterFile read_parameter_file(const std::string& path) {
  ParameterFile pf;
  pf.path = path;
  if (path.empty()) return pf;
  for (const auto& [k, node] : parse_parameter_file(path)) {
    const std::string key(k.str());
    const int line = static_cast<int>(k.source().begin.line), col = static_cast<int>(k.source().begin.column);
    if (key == "fit" || key == "provenance") continue;  // written by alamod calibrate, not read here
    if (key == "model") {
      if (!node.is_string())
        throw InputError(at(path, line, col) + " (model): must be a model name in quotes, e.g. model = \"rothc\"");
      pf.model = node.as_string()->get();
      pf.model_line = line;
      pf.model_column = col;
      continue;
    }
    if (key != "parameters" || !node.is_table())
      throw InputError(at(path, line, col) + " (" + key +
                       "): unknown table or key, expected a [parameters] table (and optionally [fit], [provenance])");
    pf.has_parameters_table = true;
    read_parameters_table(*node.as_table(), pf);
  }
  return pf;
}

void check_model(const ParameterFile& pf, const std::string& model) {
  if (!pf.model.empty() && pf.model != model)
    throw InputError(at(pf.path, pf.model_line, pf.model_column) + " (model): parameters of model '" + pf.model +
                     "' cannot drive a " + model + " run");
}

const models::ParameterRow* find_parameter(const models::ModelInfo& model, const std::string& name) {
  const auto row = std::find_if(model.parameters.begin(), model.parameters.end(),
                                [&](const models::ParameterRow& p) { return p.name == name; });
  return row == model.parameters.end() ? nullptr : &*row;
}

std::string nearest_parameter(const models::ModelInfo& model, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& p : model.parameters) names.push_back(p.name);
  return nearest_name(name, names);
}

std::vector<std::pair<std::string, double>> checked_values(const ParameterFile& pf, const models::ModelInfo& model) {
  std::vector<std::pair<std::string, double>> values;
  for (const auto& e : pf.entries) {
    const models::ParameterRow* row = find_parameter(model, e.name);
    if (!row)
      throw InputError(pf.where(e) + ": unknown parameter of " + model.name +
                       ", expected one of its parameter names (nearest: '" + nearest_parameter(model, e.name) +
                       "'; `alamod models show " + model.name + "` lists them)");
    if (!(e.value >= row->lower && e.value <= row->upper))
      throw InputError(pf.where(e) + ": value " + short_number(e.value) + " is outside the bounds of " + model.name +
                       "'s " + e.name + ", expected " + short_number(row->lower) + " to " + short_number(row->upper) +
                       " " + row->unit + " (" + row->description + ")");
    values.emplace_back(e.name, e.value);
  }
  return values;
}

}  // namespace alamod::engine
