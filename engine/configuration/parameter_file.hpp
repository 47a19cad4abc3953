#pragma once
/// Parameter files, the one reader: TOML with a [parameters] table of one model's parameters by name
/// (values in the units `alamod models show NAME` gives), optionally `model = "NAME"`, and the [fit] and
/// [provenance] tables that `alamod calibrate` writes (kept for the reader, not read here).
///
///   model = "icbm"
///   [parameters]
///   k_young = 0.8    # yr-1
///
/// `alamod run --parameters`, `alamod site --parameters` and `alamod evaluate --parameters` read them
/// with read_parameter_file and check them against the model with checked_values.
#include <string>
#include <utility>
#include <vector>

#include "models/common/model_info.hpp"

namespace alamod::engine {

struct ParameterEntry {
  std::string name;
  double value;      ///< in the parameter's declared unit
  int line, column;  ///< where the file gives it (0, 0: not from a file)
};

struct ParameterFile {
  std::string path;  ///< "" when none was given
  std::vector<ParameterEntry> entries;
  bool has_parameters_table = false;
  std::string model;  ///< its `model` key, "" when absent
  int model_line = 0, model_column = 0;
  /// "path:line:column (name)" of an entry, for messages.
  std::string where(const ParameterEntry& e) const;
};

/// Read a parameter file ("" gives an empty ParameterFile). Throws InputError naming the file, line and
/// column of a TOML error, an unknown table or key, or a value that is not a number.
ParameterFile read_parameter_file(const std::string& path);

/// Throws InputError when the file's `model` key names another model than `model`.
void check_model(const ParameterFile& pf, const std::string& model);

/// The row of `model`'s parameter `name`; nullptr when the model declares no such parameter.
const models::ParameterRow* find_parameter(const models::ModelInfo& model, const std::string& name);

/// The declared parameter name of `model` nearest to `name` (for "did you mean" messages).
std::string nearest_parameter(const models::ModelInfo& model, const std::string& name);

/// The file's entries checked against the model's parameter table: each name must be one of the model's
/// parameters (the message suggests the nearest) and each value within its bounds. Throws InputError
/// naming the file, line, column and parameter.
std::vector<std::pair<std::string, double>> checked_values(const ParameterFile& pf, const models::ModelInfo& model);

}  // namespace alamod::engine
