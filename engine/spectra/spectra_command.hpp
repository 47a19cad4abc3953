#pragma once
/// `alamod spectra fit` and `alamod spectra predict` (docs/SPECTRA.md).
///
///   mpiexec -n 2 alamod spectra fit data/spectra/nirsoil.csv.gz --property Ciso --unit percent --rows train=1
///       --preprocess "savgol(window=11,order=2,derivative=1) snv" --components 10 --out nirsoil_model.json
///   alamod spectra predict data/spectra/nirsoil.csv.gz --model nirsoil_model.json --rows train=0 --out pred.csv
///
/// fit: reads the spectra on every rank (the same checks and errors everywhere), preprocesses them, runs the
/// cross-validation folds spread over the ranks (fold k on rank k mod size; each out-of-fold prediction is
/// computed by one rank and gathered by an exact sum with zeros), chooses the component count, fits the
/// model on the training rows, calibrates split-conformal intervals and writes the model file from rank 0.
/// The model file is the same bytes on any rank count (its time stamp comes from SOURCE_DATE_EPOCH when set).
/// predict: rank 0 reads the model and the spectra, refuses another grid, predicts with intervals, writes
/// the predictions (and optionally site observations, data/sites/FORMAT.md) atomically.
#include <mpi.h>

#include <string>
#include <vector>

namespace alamod::engine::spectra {

struct FitOptions {
  std::string spectra;                 ///< CSV (plain or gzip)
  std::string property, unit;          ///< the column to predict and its unit
  std::string axis = "wavelength";     ///< or wavenumber
  std::string axis_unit;               ///< default nm (wavelength) or cm-1 (wavenumber)
  std::string band_prefix;             ///< band columns: PREFIX + number
  std::string rows;                    ///< COLUMN=VALUE or COLUMN!=VALUE: the rows used ("" = all)
  std::string preprocess, preprocess_file;
  std::string algorithm = "nipals";
  int components = 0;                  ///< fixed count; 0: chosen by cross-validation
  int max_components = 20;
  std::string select = "min";          ///< min or onesigma
  std::string folds_column;            ///< folds given as a column
  int folds = 10;                      ///< random folds otherwise
  unsigned long seed = 1;
  std::string calibration;             ///< COLUMN=VALUE: rows held out for split-conformal calibration
  double calibration_fraction = 0;     ///< or a random fraction of the rows (same seed)
  std::string interval_levels = "0.9"; ///< comma-separated nominal coverages
  std::string out;
  bool overwrite = false, quiet = false;
};

struct PredictOptions {
  std::string spectra, model, rows, out;
  std::string site_observations;           ///< also write predictions as SOC observations here
  std::vector<std::string> site_values;    ///< KEY=VALUE or KEY=@COLUMN for the site-observation columns
  double site_level = 0;                   ///< the interval level used as the observations' uncertainty (0: the first)
  bool overwrite = false;
};

struct TransferOptions {
  std::string model;               ///< the model file of alamod spectra fit (its instrument: the master)
  std::string master, slave;       ///< the transfer samples measured on the model's instrument and on the second one
  std::string match;               ///< column pairing their rows ("" = the same order)
  int window = 5;                  ///< PDS window (odd, bands)
  int components = 0;              ///< singular vectors kept per window (0: the window's width)
  std::string out;
  bool overwrite = false;
};

/// The split-conformal half-width at `level` (0 < level < 1) from the absolute residuals of held-out samples:
/// the ceil((n + 1) level)-th smallest (Vovk et al. 2005; Lei et al. 2018), so that a new sample exchangeable with
/// them falls within prediction ± half-width with probability >= level. Throws alamod::InputError ("`what`: ...")
/// when n is too small for the level (ceil((n + 1) level) > n).
double conformal_quantile(std::vector<double> abs_residuals, double level, const std::string& what);

/// `alamod spectra fit` on every rank of `comm`. Throws alamod::InputError (the same on every rank) for bad input.
void run_spectra_fit(MPI_Comm comm, const FitOptions& options);

/// `alamod spectra predict` (call on one rank). Throws alamod::InputError for bad input.
void run_spectra_predict(const PredictOptions& options);

/// `alamod spectra transfer` (call on one rank): piecewise direct standardisation from transfer samples measured on
/// both instruments (engine/spectra/transfer.hpp), written into a copy of the model file's instrument_transfer block,
/// which `predict` then applies to the raw spectra of the second instrument. Throws alamod::InputError for bad input.
void run_spectra_transfer(const TransferOptions& options);

}  // namespace alamod::engine::spectra
