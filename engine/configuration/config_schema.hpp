#pragma once
/// The one list of run-configuration keys (TOML): each key's type, default, unit and help, the keys
/// that were moved or removed, and what is asked of them: is a key known, which known key is nearest.
/// load_config rejects what this list does not hold; `alamod run --config-help` prints it.
#include <limits>
#include <string>
#include <vector>

namespace alamod::engine {

/// The values a number or integer key (or each element of an array key) may take, in the key's unit;
/// the default, both ends infinite, admits any finite number. load_config refuses a value outside it,
/// naming the key, the value and the bounds.
struct ValueRange {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool lower_open = false;  ///< the lower bound itself is excluded
  bool upper_open = false;  ///< the upper bound itself is excluded
  bool bounded() const { return lower > -std::numeric_limits<double>::infinity() ||
                                upper < std::numeric_limits<double>::infinity(); }
  bool contains(double v) const {
    return (lower_open ? v > lower : v >= lower) && (upper_open ? v < upper : v <= upper);
  }
  /// The bounds as messages and --config-help write them: "0-100", "> 0 and <= 300", ">= 1".
  std::string describe() const;
};

/// One configuration key, as `alamod run --config-help` describes it.
struct ConfigKey {
  std::string key;       ///< dotted path; "*" stands for a name the user chooses, MODEL for a registered model
  std::string type;      ///< "string", "number", "integer", "boolean", "path", "array of ..."
  std::string fallback;  ///< the default as TOML writes it, "required", or how the default is found
  std::string unit;      ///< "-" when the key has none
  std::string help;
  ValueRange range{};    ///< of a number or integer key, or of each element of a number array
};

/// Every configuration key, in the order of --config-help.
const std::vector<ConfigKey>& config_keys();

/// The schema row of the dotted `key` (land_use.crop.fym -> land_use.*.fym); nullptr when none matches.
const ConfigKey* find_config_key(const std::string& key);

/// What became of a moved or removed key ("moved to ...", "removed: ..."); nullptr for any other key.
const std::string* retired_key(const std::string& key);

/// Whether the dotted `key` is an instance of one of config_keys().
bool is_known_key(const std::string& key);

/// The known key nearest to `key`, its wildcards filled from `key` (land_use.crop.cod -> land_use.crop.code).
std::string nearest_key(const std::string& key);

/// Whether `name` is a registered model's name.
bool is_model_name(const std::string& name);

/// The parts of a dotted key: "land_use.crop.code" -> {"land_use", "crop", "code"}.
std::vector<std::string> split_key(const std::string& key);

}  // namespace alamod::engine
