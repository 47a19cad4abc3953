#pragma once
/// `alamod sites complete DIR --out DIR2`: a completed copy of a site package, every added value
/// recorded with its method (docs/SITES.md, "Completing site data"; data/sites/FORMAT.md):
///  1. units harmonised: soc to g kg-1 (from percent, %, g/(100 g) ...), bd_samp to g cm-3, layers to
///     cm, soc_stock and soc_stock_sd to t ha-1, coarse_frac to 1 (UDUNITS-2 conversions); the
///     descriptor's units follow;
///  2. bd_samp where missing and the layer has soc but no stock, from the Hollis et al. (2012)
///     cultivated-topsoil pedotransfer function (site land use cropland or bare, layer bottom <= 30 cm,
///     site clay and sand or silt known):
///     bd_method `ptf_hollis2012_cultivated_topsoil`, bd_samp_sd its standard uncertainty (--bd-sd);
///     given values get bd_method `source`;
///  3. soc_stock where missing, = soc x bd_samp x thickness x (1 - coarse_frac): soc_stock_method
///     `soc_x_bd_x_depth` (given bulk density) or `soc_x_ptf_bd_x_depth` (estimated one, whose
///     uncertainty goes to soc_stock_sd = soc_stock x bd_samp_sd / bd_samp);
///  4. equivalent-soil-mass stocks (esm.hpp) for every profile (site, treatment, plot, date) whose layers
///     start at 0, touch, and all have soc and a given bulk density: soc_stock_esm, esm_soil_mass_ref
///     (the reference cumulative fine-earth mass at the layer's bottom: the smallest of the site's
///     profiles with the same layers) and esm_method `esm_cubic_spline_wendt_hauser_2013`.
/// The package is validated first (a package with problems is refused, exit 5, nothing written); the
/// completed one is written in a temporary folder beside --out, validated again, then renamed.
#include <string>

#include "engine/site_data/ptf.hpp"

namespace alamod::engine {

struct CompleteOptions {
  std::string dir;         ///< the package folder
  std::string out;         ///< the completed package's folder
  bool overwrite = false;  ///< replace an existing --out
  double bd_sd = kPtfBulkDensitySd;  ///< g cm-3, standard uncertainty of a PTF bulk density (ptf.hpp)
};

/// Returns the exit status: 0 written, 1 unreadable input or --out in the way, kExitSitesInvalid (5) the
/// package has problems (printed). Throws alamod::InputError for an output that cannot be written.
int run_sites_complete(const CompleteOptions& options);

}  // namespace alamod::engine
