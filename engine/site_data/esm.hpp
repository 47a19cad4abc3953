#pragma once
/// Equivalent soil mass (ESM) by the cubic-spline method of Wendt and Hauser (2013, "An equivalent soil
/// mass procedure for monitoring soil organic carbon in multiple soil layers", European Journal of Soil
/// Science 64:58-65): the cumulative SOC mass of a profile is a function of its cumulative soil mass;
/// a cubic spline through the points (0, 0), (M_1, C_1), ..., (M_n, C_n) (M_i the fine-earth mass above
/// the bottom of layer i, C_i the SOC mass above it) is read at reference cumulative masses R_1 < ... < R_m,
/// and the ESM stock of reference layer j is C(R_j) - C(R_{j-1}). Stocks of plots whose bulk density
/// changed then compare at equal soil mass, not equal depth.
///
/// The spline is the interpolating cubic spline with natural end conditions (second derivative 0 at
/// both ends; our choice, documented in docs/SITES.md). With one layer it is the straight line through
/// the origin: the ESM stock is the layer's concentration times the reference mass. A reference mass
/// above M_n would be an extrapolation and is refused; `alamod sites complete` takes as references the
/// smallest cumulative masses of the site's profiles with the same layers, so none is needed.
///
///   // two layers of 1000 t ha-1 soil holding 3 and 2 t ha-1 SOC, read at 500 and 1500 t ha-1:
///   esm_cumulative_soc({1000, 2000}, {3, 5}, {500, 1500});   // {1.59375, 4.09375} (tests/unit/test_site_data.cpp)
#include <vector>

namespace alamod::engine {

/// The natural cubic spline through (x_i, y_i), x strictly increasing, at least two points.
class NaturalCubicSpline {
 public:
  /// Throws std::invalid_argument when x is not strictly increasing, sizes differ or fewer than 2 points.
  NaturalCubicSpline(std::vector<double> x, std::vector<double> y);
  /// The spline's value at t in [x_0, x_n] (outside: the end cubic, which callers avoid).
  double operator()(double t) const;

 private:
  std::vector<double> x_, y_, m_;  ///< knots, values, second derivatives
};

/// Cumulative SOC (same unit as cum_soc) at each reference cumulative mass, from the profile's cumulative
/// masses and SOC at the bottoms of its layers (without the origin, which is added). Throws
/// std::invalid_argument when the masses are not strictly increasing and positive, or a reference is
/// outside (0, cum_mass.back()] or not increasing.
std::vector<double> esm_cumulative_soc(const std::vector<double>& cum_mass, const std::vector<double>& cum_soc,
                                       const std::vector<double>& ref_mass);

}  // namespace alamod::engine
