#pragma once
/// The one list of run-configuration keys (TOML): each key's type, default, unit and help, the keys
/// that were moved or removed, and what is asked of them: is a key known, which known key is nearest.
/// load_config rejects what this list does not hold; `alamod run --config-help` prints it.
#include <string>
#include <vector>

namespace alamod::engine {

/// One configuration key, as `alamod run --config-help` describes it.
struct ConfigKey {
  std::string key;       ///< dotted path; "*" stands for a name the user chooses, MODEL for a registered model
  std::string type;      ///< "string", "number", "integer", "path", "array of ..."
  std::string fallback;  ///< the default as TOML writes it, "required", or how the default is found
  std::string unit;      ///< "-" when the key has none
  std::string help;
};

/// Every configuration key, in the order of --config-help.
const std::vector<ConfigKey>& config_keys();

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
