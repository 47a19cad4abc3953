#pragma once
/// Preprocessing of spectra: a chain of steps, each applied to every spectrum on its own (none learns
/// anything from the other samples, so the chain runs once before cross-validation without leaking the
/// held-out folds). docs/SPECTRA.md, "Preprocessing", gives each step's formula and source.
///
///   Pipeline p = parse_pipeline("savgol(window=11, order=2, derivative=1) snv");
///   apply_pipeline(p, x, axis, where);     // x: rows x bands; axis shrinks with the SG edges and band selection
///
/// Steps (keys and defaults):
///   savgol(window=W, order=P, derivative=0, delta=1)  Savitzky-Golay (1964) filter, valid part only: the
///                                  (W-1)/2 bands at each end are dropped; a derivative is divided by delta^m
///   snv                            standard normal variate (Barnes et al. 1989): (x - mean) / sd, sd with n - 1
///   detrend(order=2)               subtract the least-squares polynomial of the axis (Barnes et al. 1989 use
///                                  it after snv: "snv detrend")
///   continuum(type=reflectance|absorbance, mode=division|subtraction)   continuum removal (Clark & Roush 1984)
///   bands(LO:HI, ...)              keep the bands within the ranges (axis units, inclusive)
///   absorbance(scale=1)            reflectance to apparent absorbance, log10(scale / R) (scale 100 for %)
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/spectra/spectra_table.hpp"

namespace alamod::engine::spectra {

struct Step {
  enum class Kind { savgol, snv, detrend, continuum, bands, absorbance };
  Kind kind = Kind::snv;
  int window = 0, order = 2, derivative = 0;  ///< savgol; detrend uses order
  double delta = 1.0;                         ///< savgol: axis step the derivative is divided by (per band: 1)
  bool absorbance_type = false;               ///< continuum: the spectra are absorbance (1/x first and last)
  bool subtraction = false;                   ///< continuum: 1 + x - c instead of x / c
  std::vector<std::pair<double, double>> ranges;  ///< bands: [lo, hi] each
  double scale = 1.0;                         ///< absorbance
};

using Pipeline = std::vector<Step>;

/// A pipeline from its text (steps separated by blanks or ';'), e.g. "savgol(window=11,order=2,derivative=1) snv".
/// Throws alamod::InputError "`source`: ..." naming the step and key, with what is expected.
Pipeline parse_pipeline(const std::string& text, const std::string& source = "--preprocess");

/// A pipeline from a TOML file: an array of tables [[preprocess]] with `step = "savgol"` and the step's keys
/// (bands: `ranges = [[1100, 1800], [2000, 2400]]`). Throws alamod::InputError naming FILE:LINE.
Pipeline read_pipeline_toml(const std::string& path);

/// A step built from its name and key=value texts (the common path of the text, TOML and model-file forms).
/// `positional` holds arguments without '=' (the ranges of bands). Throws alamod::InputError "`where`: ...".
Step make_step(const std::string& name, const std::vector<std::pair<std::string, std::string>>& keys,
               const std::vector<std::string>& positional, const std::string& where);

/// The canonical text of a step and of a pipeline (every key written): parse_pipeline(describe(p)) == p.
std::string describe(const Step& s);
std::string describe(const Pipeline& p);

/// The step as a JSON object (model files).
std::string step_json(const Step& s);

/// Savitzky-Golay filter of `window` points for a polynomial of `order` and the `derivative`-th derivative per
/// band (the least-squares fit's derivative at the centre point), as correlation weights: out[j] = sum_k
/// f[k] x[j + k]. E.g. (5, 2, 0) = [-3, 12, 17, 12, -3] / 35.
std::vector<double> savgol_coefficients(int window, int order, int derivative);

/// Who a value belongs to, for messages: "FILE:LINE (band NAME)" of row `row`, band `band` of the input.
using Locator = std::function<std::string(std::size_t row, std::size_t band)>;

/// Apply the pipeline in order to every row of `x` (rows x axis.size()); `axis` becomes the output's.
/// Throws alamod::InputError (via `where`) for a value a step cannot take (a reflectance <= 0 for
/// absorbance, a constant spectrum for snv) or a step the grid cannot take (a window wider than the bands
/// left, a band range that keeps fewer than 3 bands).
void apply_pipeline(const Pipeline& p, Matrix& x, std::vector<double>& axis, const Locator& where);

/// Standard normal variate of one spectrum in place (n - 1 denominator). False if its sd is 0.
bool snv_in_place(double* x, std::size_t n);

}  // namespace alamod::engine::spectra
