#pragma once
/// Published 3-PG species parameter sets, selectable by name (`alamod vegetation species` lists them).
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/threepg/threepg.hpp"

namespace alamod::models::threepg {

/// A parameter set of one species.
struct SpeciesSet {
  std::string name;     ///< e.g. "Fagus_sylvatica_29" (Latin name and r3PG database id)
  std::string species;  ///< Latin name
  std::string common;   ///< English common name, lower case ("beech"), when this is the set that name selects
  std::string source;   ///< publication and DOI
  std::string note;     ///< database id, countries, stand type; "SURROGATE ..." where no published set exists
  SpeciesParameters parameters;
  std::vector<std::string> missing;  ///< parameters the publication does not give (NA in the database)
};

/// Builds a set from (name, value) pairs of kParameterInfo names; the other parameters keep the defaults.
SpeciesSet make_set(std::string name, std::string species, std::string common, std::string source,
                    std::string note, std::vector<std::pair<const char*, double>> values,
                    std::vector<std::string> missing);

/// The European sets of the r3PG literature database (generated: species_europe.cpp).
std::vector<SpeciesSet> published_species_sets();

/// The published sets and two labelled surrogates for species with no published set: maritime pine
/// (Pinus pinaster: the Scots pine set 30) and holm oak (Quercus ilex: the sessile oak set 41 made
/// evergreen). A surrogate is a stand-in to calibrate, not a parameterisation (models/threepg/README.md).
const std::vector<SpeciesSet>& species_sets();

/// The set named `name`: its set name, Latin name (with '_' or ' ') or common name, in any case. Throws
/// std::invalid_argument listing the names when none matches, or naming the parameters a set lacks when
/// `complete` is asked and the publication did not give them.
const SpeciesSet& find_species_set(std::string_view name, bool complete = true);

}  // namespace alamod::models::threepg
