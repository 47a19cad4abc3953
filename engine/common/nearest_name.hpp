#pragma once
/// "Did you mean" suggestions for every name a user types: configuration keys, parameter names,
/// model names, forcing columns.
#include <cstddef>
#include <string>
#include <vector>

namespace alamod::engine {

/// Levenshtein distance between two names (insertions, deletions and substitutions of one character).
std::size_t edit_distance(const std::string& a, const std::string& b);

/// The candidate closest to `name` by edit_distance (the first of equals); "" when there is none.
std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace alamod::engine
