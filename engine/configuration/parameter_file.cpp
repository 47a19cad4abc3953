#include "engine/configuration/parameter_file.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <toml++/toml.h>

#include "engine/common/nearest_name.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string at(const std::string& path, int line, int column) {
  return path + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace

std::string ParameterFile::where(const ParameterEntry& e) const {
  return at(path, e.line, e.column) + " (" + e.name + ")";
}

ParameterFile read_parameter_file(const std::string& path) {
  ParameterFile pf;
  pf.path = path;
  if (path.empty()) return pf;
  std::ifstream in(path);
  if (!in) throw InputError(path + ": parameter file not found or not readable");
  toml::table t;
  try {
    t = toml::parse(in, path);
  } catch (const toml::parse_error& e) {
    throw InputError(at(path, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)) +
                     ": " + std::string(e.description()) + ", expected TOML with a [parameters] table");
  }
  for (const auto& [k, node] : t) {
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
    for (const auto& [pk, pv] : *node.as_table()) {
      const std::string name(pk.str());
      const int pl = static_cast<int>(pk.source().begin.line), pc = static_cast<int>(pk.source().begin.column);
      double v = 0;
      if (pv.is_integer()) v = static_cast<double>(pv.as_integer()->get());
      else if (pv.is_floating_point()) v = pv.as_floating_point()->get();
      else
        throw InputError(at(path, pl, pc) + " (" + name + "): not a number, expected name = value in the parameter's unit");
      pf.entries.push_back({name, v, pl, pc});
    }
  }
  return pf;
}

void check_model(const ParameterFile& pf, const std::string& model) {
  if (!pf.model.empty() && pf.model != model)
    throw InputError(at(pf.path, pf.model_line, pf.model_column) + " (model): parameters of model '" + pf.model +
                     "' cannot drive a " + model + " run");
}

std::vector<std::pair<std::string, double>> checked_values(const ParameterFile& pf, const models::ModelInfo& model) {
  std::vector<std::pair<std::string, double>> values;
  for (const auto& e : pf.entries) {
    const auto row = std::find_if(model.parameters.begin(), model.parameters.end(),
                                  [&](const models::ParameterRow& p) { return p.name == e.name; });
    if (row == model.parameters.end()) {
      std::vector<std::string> names;
      for (const auto& p : model.parameters) names.push_back(p.name);
      throw InputError(pf.where(e) + ": unknown parameter of " + model.name +
                       ", expected one of its parameter names (nearest: '" + nearest_name(e.name, names) +
                       "'; `alamod models show " + model.name + "` lists them)");
    }
    if (!(e.value >= row->lower && e.value <= row->upper))
      throw InputError(pf.where(e) + ": value " + num(e.value) + " is outside the bounds of " + model.name + "'s " +
                       e.name + ", expected " + num(row->lower) + " to " + num(row->upper) + " " + row->unit + " (" +
                       row->description + ")");
    values.emplace_back(e.name, e.value);
  }
  return values;
}

}  // namespace alamod::engine
