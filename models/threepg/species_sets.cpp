#include "models/threepg/species_sets.hpp"

#include <algorithm>
#include <cctype>

#include "models/common/checks.hpp"

namespace alamod::models::threepg {

SpeciesSet make_set(std::string name, std::string species, std::string common, std::string source,
                    std::string note, std::vector<std::pair<const char*, double>> values,
                    std::vector<std::string> missing) {
  SpeciesSet s{std::move(name), std::move(species), std::move(common), std::move(source), std::move(note), {},
               std::move(missing)};
  for (const auto& [key, v] : values) {
    bool found = false;
    for (const auto& info : kParameterInfo)
      if (info.name == key) {
        s.parameters.*(info.member) = v;
        found = true;
      }
    if (!found) reject("3pg species set '" + s.name + "': unknown parameter '" + key + "'");
  }
  return s;
}

namespace {

std::string folded(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<SpeciesSet> all_sets() {
  std::vector<SpeciesSet> sets = published_species_sets();
  const auto by_name = [&](std::string_view n) {
    return *std::find_if(sets.begin(), sets.end(), [&](const SpeciesSet& s) { return s.name == n; });
  };
  SpeciesSet pinaster = by_name("Pinus_sylvestris_30");
  pinaster.name = "Pinus_pinaster_surrogate";
  pinaster.species = "Pinus pinaster";
  pinaster.common = "maritime pine";
  pinaster.note = "SURROGATE: no published 3-PG set for Pinus pinaster; the Scots pine set 30 (Forrester et al. "
                  "2017) unchanged, to be calibrated against IGN production and stocks (GRECO F)";
  SpeciesSet ilex = by_name("Quercus_petraea_41");
  ilex.name = "Quercus_ilex_surrogate";
  ilex.species = "Quercus ilex";
  ilex.common = "holm oak";
  ilex.parameters.leafgrow = 0;
  ilex.parameters.leaffall = 0;
  ilex.note = "SURROGATE: no published 3-PG set for Quercus ilex; the sessile oak set 41 (Forrester et al. 2021) "
              "made evergreen (leafgrow = leaffall = 0), to be calibrated (e.g. against FR-Pue)";
  sets.push_back(pinaster);
  sets.push_back(ilex);
  return sets;
}

}  // namespace

const std::vector<SpeciesSet>& species_sets() {
  static const std::vector<SpeciesSet> sets = all_sets();
  return sets;
}

const SpeciesSet& find_species_set(std::string_view name, bool complete) {
  const std::string key = folded(name);
  const SpeciesSet* found = nullptr;
  for (const auto& s : species_sets())
    if (folded(s.name) == key || (!s.common.empty() && folded(s.common) == key)) found = &s;
  if (!found)  // a Latin name selects the set its common name selects
    for (const auto& s : species_sets())
      if (folded(s.species) == key && !s.common.empty()) found = &s;
  if (!found) {
    std::string names;
    for (const auto& s : species_sets())
      names += (names.empty() ? "" : ", ") + s.name + (s.common.empty() ? "" : " (" + s.common + ")");
    reject("3pg: no species parameter set '" + std::string(name) + "'; the sets are: " + names);
  }
  if (complete && !found->missing.empty()) {
    std::string list;
    for (const auto& m : found->missing) list += (list.empty() ? "" : ", ") + m;
    reject("3pg species set '" + found->name + "' lacks parameters its publication does not give: " + list +
           "; give them in the species file (see alamod vegetation species --help)");
  }
  return *found;
}

}  // namespace alamod::models::threepg
