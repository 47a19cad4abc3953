#pragma once
/// alamod's version and commit and the time now: plain C++, for every part, the light `alamod`
/// executable included (the libraries' versions are in provenance.hpp, which needs MPI).
#include <string>

namespace alamod::engine {

std::string alamod_version();     ///< e.g. "0.1.0"
std::string alamod_git_commit();  ///< short commit the binary was built from
/// UTC time now as ISO 8601, e.g. "2026-11-24T17:05:27Z".
std::string utc_now_iso();

}  // namespace alamod::engine
