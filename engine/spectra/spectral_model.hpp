#pragma once
/// The spectral model file that `alamod spectra fit` writes and `alamod spectra predict` reads: one JSON
/// document (format "alamod-spectral-model", version 1) holding everything needed to predict and to say
/// where the model came from. docs/SPECTRA.md, "Model file", lists every member.
///
///   input grid        band names and axis values (unit), the prefix that marks band columns
///   transfer          instrument_transfer: null, or a PDS block (`alamod spectra transfer`) applied to the raw
///                     spectra before the preprocessing (a block of another method or stage is refused)
///   preprocessing     the steps in order, and the axis they leave
///   pls               algorithm, components, x_mean, y_mean, coefficients (X centred, not scaled)
///   cross_validation  folds, RMSECV for every component count, the selection rule
///   intervals         split-conformal: method, calibration count, half-width per level
///   training, provenance
/// Numbers are written with 17 significant digits, so they read back to the same doubles.
#include <cstddef>
#include <string>
#include <vector>

#include "engine/spectra/pls.hpp"
#include "engine/spectra/preprocessing.hpp"
#include "engine/spectra/transfer.hpp"

namespace alamod::engine::spectra {

struct IntervalLevel {
  double level = 0.9;       ///< nominal coverage, e.g. 0.9
  double half_width = 0.0;  ///< the conformal quantile: the interval is prediction ± half_width (property unit)
};

struct SpectralModel {
  // what is predicted
  std::string property, property_unit;
  // the input grid
  std::string axis_name = "wavelength", axis_unit = "nm", band_prefix;
  std::vector<std::string> band_names;
  std::vector<double> axis;
  // instrument transfer (absent: method empty, written null)
  InstrumentTransfer transfer;
  // preprocessing and the grid it leaves
  Pipeline pipeline;
  std::vector<double> model_axis;
  // regression
  PlsAlgorithm algorithm = PlsAlgorithm::nipals;
  std::size_t components = 0;
  std::vector<double> x_mean, coefficients;
  double y_mean = 0;
  // cross-validation
  std::string folds;              ///< how the folds were made ("column fold", "random 10 folds, seed 1")
  std::size_t n_folds = 0;
  std::string selection;          ///< "fixed", "min", "onesigma"
  std::vector<double> rmsecv;     ///< RMSECV with 1, 2, ... components
  // intervals
  std::string interval_method;    ///< "split_conformal" or "cv_conformal"
  std::size_t n_calibration = 0;
  std::vector<IntervalLevel> intervals;
  // training
  std::string training_file, training_sha256, training_rows;
  std::size_t n_training = 0;
  double y_min = 0, y_max = 0, rmse_training = 0;
  // provenance
  std::string alamod_version, alamod_git_commit, created, command;

  /// The prediction for one raw spectrum already preprocessed (model_axis.size() values).
  double predict(const double* x) const;
};

/// The model as JSON text.
std::string model_json(const SpectralModel& m);

/// Read and check a model file. Throws alamod::InputError `FILE ($.member): found ..., expected ...`.
SpectralModel read_model(const std::string& path);

/// A JSON string literal of `s` (quotes and escapes added).
std::string json_string(const std::string& s);

}  // namespace alamod::engine::spectra
