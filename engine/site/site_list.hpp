#pragma once
/// Many sites in one process: `alamod site --forcing-list LIST.csv --out DIR` runs one model on every
/// forcing file a list names, one output per site (DIR/SITE_ID.csv), for users who would otherwise start
/// one `alamod site` per site (each process pays the loading of the shared libraries).
#include <string>
#include <vector>

#include "engine/site/site_run.hpp"

namespace alamod::engine {

/// One row of a forcing list.
struct SiteListEntry {
  std::string site_id;  ///< [in] the site's name: the output is DIR/site_id.csv (letters, digits, . _ -)
  std::string forcing;  ///< [in] its forcing file (relative paths from the list's folder)
  int line = 0;         ///< [in] line of the list (1 = the header), for messages
};

/// Reads a forcing list: a CSV with the header `site_id,forcing` (more columns are ignored, lines starting
/// with '#' are comments), one row per site. Throws alamod::InputError naming the file, line and column
/// for a missing header or column, an empty or unsafe site_id, a site_id given twice, a forcing file that
/// does not exist, or a list without rows.
std::vector<SiteListEntry> read_site_list(const std::string& path);

/// run_site for every entry of the list with the options `base` (model, parameters, start, overwrite),
/// each into out_dir/SITE_ID.csv (out_dir created if missing). The whole list is read and checked before
/// the first run, and without base.overwrite an output already in out_dir is refused before any run; each
/// output is written whole (temporary name, then rename). A site that fails stops the run with
/// alamod::InputError naming the list's line, the site and how many outputs were written before it: those stay
/// (each complete), none of the later ones is written. Returns the number of sites run.
std::size_t run_site_list(const SiteRunOptions& base, const std::string& list, const std::string& out_dir);

}  // namespace alamod::engine
