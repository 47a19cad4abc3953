#include "engine/spectra/spectra_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>

#include "engine/common/csv_line.hpp"
#include "engine/common/atomic_file.hpp"
#include "engine/common/normal_quantile.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"
#include "engine/common/shell_quote.hpp"
#include "engine/spectra/spectral_model.hpp"
#include "grids/input_error.hpp"
#include "grids/sha256.hpp"

namespace alamod::engine::spectra {

namespace {

// ---------------------------------------------------------------------------------------------------
// Rows, columns and folds
// ---------------------------------------------------------------------------------------------------

std::string column_list(const SpectraTable& t) {
  std::string s;
  for (std::size_t k = 0; k < t.other_columns.size(); ++k) s += (k ? ", " : "") + t.header[t.other_columns[k]];
  return s.empty() ? "none" : s;
}

/// The `other` index of column `name`; InputError naming the option and the columns there are.
int require_column(const SpectraTable& t, const std::string& name, const std::string& option) {
  const int k = t.other_index(name);
  if (k < 0)
    throw InputError(t.file + ":1 (" + name + "): no such column (" + option + "), expected one of the non-band columns: " +
                     column_list(t));
  return k;
}

/// Text equality, or numeric equality when both are numbers ("1" and "1.0").
bool same_value(const std::string& a, const std::string& b) {
  if (a == b) return true;
  double x = 0, y = 0;
  return parse_decimal(a, x) && parse_decimal(b, y) && x == y;
}

struct RowFilter {
  int column = -1;
  std::string value;
  bool negate = false;
  std::string text;  ///< as given
  bool keeps(const SpectraTable& t, std::size_t row) const {
    return column < 0 || same_value(t.other[std::size_t(column)][row], value) != negate;
  }
};

RowFilter parse_filter(const SpectraTable& t, const std::string& spec, const std::string& option) {
  RowFilter f;
  f.text = spec;
  if (spec.empty()) return f;
  std::size_t eq = spec.find("!=");
  std::size_t len = 2;
  if (eq == std::string::npos) {
    eq = spec.find('=');
    len = 1;
  } else {
    f.negate = true;
  }
  if (eq == std::string::npos || eq == 0)
    throw InputError(option + " '" + spec + "': expected COLUMN=VALUE or COLUMN!=VALUE (e.g. train=1)");
  f.column = require_column(t, spec.substr(0, eq), option + " " + spec);
  f.value = spec.substr(eq + len);
  return f;
}

/// Fisher-Yates shuffle of 0..n-1 from a 64-bit Mersenne twister: the same order on every machine.
std::vector<std::size_t> shuffled(std::size_t n, std::mt19937_64& engine) {
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  for (std::size_t i = n; i > 1; --i) {
    const double u = double(engine() >> 11) * 0x1.0p-53;  // [0, 1)
    const std::size_t j = std::min(i - 1, std::size_t(u * double(i)));
    std::swap(order[i - 1], order[j]);
  }
  return order;
}

std::vector<double> parse_levels(const std::string& text) {
  std::vector<double> levels;
  std::size_t a = 0;
  while (a <= text.size()) {
    std::size_t c = text.find(',', a);
    if (c == std::string::npos) c = text.size();
    const std::string item = text.substr(a, c - a);
    double v = 0;
    if (!parse_decimal(item, v) || !(v > 0 && v < 1))
      throw InputError("--interval-levels '" + text + "': found '" + item + "', expected coverages between 0 and 1 (e.g. 0.9)");
    levels.push_back(v);
    a = c + 1;
  }
  return levels;
}

}  // namespace

double conformal_quantile(std::vector<double> abs_residuals, double level, const std::string& what) {
  const std::size_t n = abs_residuals.size();
  const double kk = std::ceil(double(n + 1) * level - 1e-9);
  if (kk > double(n))
    throw InputError(what + ": " + std::to_string(n) + " calibration residuals, too few for a " + short_number(level * 100) +
                     " % interval, expected at least " + short_number(std::ceil(level / (1 - level) - 1e-9)) +
                     " (more calibration samples or a lower --interval-levels)");
  const std::size_t k = std::size_t(kk);
  std::nth_element(abs_residuals.begin(), abs_residuals.begin() + long(k - 1), abs_residuals.end());
  return abs_residuals[k - 1];
}

namespace {

std::string locate(const SpectraTable& t, std::size_t row, std::size_t band) {
  return t.file + ":" + std::to_string(t.lines[row]) + " (band " + t.band_names[band] + ")";
}

std::string created_time() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    const std::time_t t = std::time_t(std::strtoll(epoch, nullptr, 10));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  return utc_now_iso();
}

std::string fit_command_text(const FitOptions& o) {
  std::string c = "alamod spectra fit " + shell_word(o.spectra) + " --property " + shell_word(o.property) + " --unit " +
                  shell_word(o.unit) + " --axis " + o.axis;
  if (!o.axis_unit.empty()) c += " --axis-unit " + shell_word(o.axis_unit);
  if (!o.band_prefix.empty()) c += " --band-prefix " + shell_word(o.band_prefix);
  if (!o.rows.empty()) c += " --rows " + shell_word(o.rows);
  if (!o.preprocess.empty()) c += " --preprocess " + shell_word(o.preprocess);
  if (!o.preprocess_file.empty()) c += " --preprocess-file " + shell_word(o.preprocess_file);
  c += " --algorithm " + o.algorithm;
  if (o.components > 0) c += " --components " + std::to_string(o.components);
  else c += " --max-components " + std::to_string(o.max_components) + " --select " + o.select;
  if (!o.folds_column.empty()) c += " --folds-column " + shell_word(o.folds_column);
  else c += " --folds " + std::to_string(o.folds) + " --seed " + std::to_string(o.seed);
  if (!o.calibration.empty()) c += " --calibration " + shell_word(o.calibration);
  if (o.calibration_fraction > 0) c += " --calibration-fraction " + short_number(o.calibration_fraction);
  c += " --interval-levels " + shell_word(o.interval_levels) + " --out " + shell_word(o.out);
  return c;
}

std::string range_text(const std::vector<double>& axis, const std::string& unit) {
  return std::to_string(axis.size()) + " bands " + short_number(axis.front()) + "-" + short_number(axis.back()) + " " + unit;
}

/// The spectra must be on the model's input grid, band by band.
void check_grid(const SpectraTable& t, const SpectralModel& m, const std::string& model_file) {
  if (t.axis.size() != m.axis.size())
    throw InputError(t.file + ":1: " + range_text(t.axis, m.axis_unit) + ", expected the grid of the model " + model_file + " (" +
                     range_text(m.axis, m.axis_unit) + "); resample the spectra or fit a model on this grid");
  for (std::size_t k = 0; k < t.axis.size(); ++k)
    if (std::fabs(t.axis[k] - m.axis[k]) > 1e-9 * std::max(1.0, std::fabs(m.axis[k])))
      throw InputError(t.file + ":1 (" + t.band_names[k] + ", field " + std::to_string(t.band_columns[k] + 1) + "): " +
                       m.axis_name + " " + short_number(t.axis[k]) + ", expected " + short_number(m.axis[k]) + " " +
                       m.axis_unit + " (band " + std::to_string(k + 1) + " of the model " + model_file + ", " +
                       range_text(m.axis, m.axis_unit) + "); resample the spectra or fit a model on this grid");
}

void refuse_existing(const std::string& path, bool overwrite) {
  if (!overwrite && std::filesystem::exists(path))
    throw InputError(path + ": exists, expected a new output (add --overwrite to replace it)");
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// fit
// ---------------------------------------------------------------------------------------------------

void run_spectra_fit(MPI_Comm comm, const FitOptions& o) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  auto say = [&](const std::string& line) {
    if (rank == 0 && !o.quiet) std::printf("%s\n", line.c_str());
  };
  if (o.axis != "wavelength" && o.axis != "wavenumber")
    throw InputError("--axis '" + o.axis + "': expected wavelength or wavenumber");
  if (!o.preprocess.empty() && !o.preprocess_file.empty())
    throw InputError("--preprocess and --preprocess-file: give one of them, not both");
  if (!o.calibration.empty() && o.calibration_fraction > 0)
    throw InputError("--calibration and --calibration-fraction: give one of them, not both");
  if (o.calibration_fraction < 0 || o.calibration_fraction >= 1)
    throw InputError("--calibration-fraction " + short_number(o.calibration_fraction) + ": expected 0 < F < 1");
  const std::vector<double> levels = parse_levels(o.interval_levels);
  refuse_existing(o.out, o.overwrite);
  const PlsAlgorithm algorithm = o.algorithm == "simpls" ? PlsAlgorithm::simpls : PlsAlgorithm::nipals;
  const Pipeline pipeline = !o.preprocess_file.empty() ? read_pipeline_toml(o.preprocess_file)
                            : !o.preprocess.empty()    ? parse_pipeline(o.preprocess)
                                                       : Pipeline{};

  // every rank reads and checks the same file: the same error everywhere, no broadcast needed
  SpectraTable t = read_spectra_csv(o.spectra, o.band_prefix);
  const int ycol = require_column(t, o.property, "--property");
  const RowFilter use = parse_filter(t, o.rows, "--rows");
  const RowFilter calib = parse_filter(t, o.calibration, "--calibration");
  const int fold_col = o.folds_column.empty() ? -1 : require_column(t, o.folds_column, "--folds-column");

  std::vector<double> y(t.x.rows, 0.0);
  std::vector<std::size_t> rows;  // rows with a measured property that pass --rows
  std::size_t missing = 0;
  for (std::size_t i = 0; i < t.x.rows; ++i) {
    if (!use.keeps(t, i)) continue;
    const std::string& text = t.other[std::size_t(ycol)][i];
    if (is_missing(text)) {
      ++missing;
      continue;
    }
    if (!parse_decimal(text, y[i]))
      throw InputError(t.file + ":" + std::to_string(t.lines[i]) + " (" + o.property + "): found '" + text +
                       "', expected a number in decimal notation or NA (the property to fit)");
    rows.push_back(i);
  }
  if (rows.size() < 5)
    throw InputError(t.file + ": " + std::to_string(rows.size()) + " rows with a measured " + o.property +
                     (o.rows.empty() ? std::string() : " among the rows " + o.rows) + ", expected at least 5 to fit a model");

  // calibration rows (split-conformal) and training rows
  std::mt19937_64 engine(o.seed);
  std::vector<std::size_t> train, cal;
  if (!o.calibration.empty()) {
    for (std::size_t i : rows) (calib.keeps(t, i) ? cal : train).push_back(i);
  } else if (o.calibration_fraction > 0) {
    const std::vector<std::size_t> order = shuffled(rows.size(), engine);
    const std::size_t ncal = std::size_t(std::llround(o.calibration_fraction * double(rows.size())));
    std::vector<bool> is_cal(rows.size(), false);
    for (std::size_t k = 0; k < ncal; ++k) is_cal[order[k]] = true;
    for (std::size_t k = 0; k < rows.size(); ++k) (is_cal[k] ? cal : train).push_back(rows[k]);
  } else {
    train = rows;
  }
  const bool split = !cal.empty();
  if ((!o.calibration.empty() || o.calibration_fraction > 0) && (cal.empty() || train.size() < 5))
    throw InputError(t.file + ": " + std::to_string(cal.size()) + " calibration and " + std::to_string(train.size()) +
                     " training rows, expected at least 1 and 5 (--calibration " + o.calibration + ")");

  // folds over the training rows
  const std::size_t n = train.size();
  std::vector<std::size_t> fold(n);
  std::size_t n_folds = 0;
  std::string folds_text;
  if (fold_col >= 0) {
    std::vector<std::string> labels;
    for (std::size_t r = 0; r < n; ++r) {
      const std::string& l = t.other[std::size_t(fold_col)][train[r]];
      if (is_missing(l))
        throw InputError(t.file + ":" + std::to_string(t.lines[train[r]]) + " (" + o.folds_column +
                         "): no fold, expected a fold label on every training row");
      labels.push_back(l);
    }
    std::vector<std::string> distinct = labels;
    std::sort(distinct.begin(), distinct.end(), [](const std::string& a, const std::string& b) {
      double x = 0, z = 0;
      if (parse_decimal(a, x) && parse_decimal(b, z) && x != z) return x < z;
      return a < b;
    });
    distinct.erase(std::unique(distinct.begin(), distinct.end(), same_value), distinct.end());
    n_folds = distinct.size();
    for (std::size_t r = 0; r < n; ++r)
      fold[r] = std::size_t(std::find_if(distinct.begin(), distinct.end(),
                                         [&](const std::string& d) { return same_value(d, labels[r]); }) -
                            distinct.begin());
    folds_text = "column " + o.folds_column;
  } else {
    if (o.folds < 2 || std::size_t(o.folds) > n)
      throw InputError("--folds " + std::to_string(o.folds) + ": expected 2 to " + std::to_string(n) + " (the training rows)");
    n_folds = std::size_t(o.folds);
    const std::vector<std::size_t> order = shuffled(n, engine);
    for (std::size_t k = 0; k < n; ++k) fold[order[k]] = k % n_folds;
    folds_text = "random " + std::to_string(n_folds) + " folds, seed " + std::to_string(o.seed);
  }
  if (n_folds < 2) throw InputError(t.file + " (" + o.folds_column + "): one fold among the training rows, expected at least 2");
  std::vector<std::size_t> fold_size(n_folds, 0);
  for (std::size_t f : fold) ++fold_size[f];
  const std::size_t largest = *std::max_element(fold_size.begin(), fold_size.end());

  // preprocessing, once (every step works on each spectrum alone)
  const std::vector<double> input_axis = t.axis;
  std::vector<double> axis = t.axis;
  apply_pipeline(pipeline, t.x, axis, [&](std::size_t r, std::size_t b) { return locate(t, r, b); });
  const std::size_t p = axis.size();
  const std::string axis_unit = !o.axis_unit.empty() ? o.axis_unit : o.axis == "wavelength" ? "nm" : "cm-1";
  say("spectra fit: " + std::to_string(rows.size()) + " spectra of " + t.file + " with " + o.property +
      (o.rows.empty() ? std::string() : " among rows " + o.rows) +
      (missing ? " (" + std::to_string(missing) + " without it left out)" : std::string()) + ", " +
      range_text(input_axis, axis_unit));
  say("preprocessing: " + (pipeline.empty() ? std::string("none") : describe(pipeline)) + " -> " + range_text(axis, axis_unit));

  // how many components cross-validation may try
  const std::size_t limit = std::min({p, n - largest - 1, std::size_t(o.components > 0 ? o.components : o.max_components)});
  if (o.components > 0 && std::size_t(o.components) > limit)
    throw InputError("--components " + std::to_string(o.components) + ": more than the " + std::to_string(limit) +
                     " the cross-validation allows (" + std::to_string(n) + " training rows, largest fold " +
                     std::to_string(largest) + ", " + std::to_string(p) + " bands)");
  if (limit < 1) throw InputError(t.file + ": too few training rows for cross-validation (" + std::to_string(n) + ")");
  const std::size_t amax = limit;

  // cross-validation: fold k on rank k mod size; out-of-fold predictions gathered by an exact sum
  Matrix oof(n, amax, 0.0);
  for (std::size_t k = 0; k < n_folds; ++k) {
    if (int(k % std::size_t(size)) != rank) continue;
    std::vector<std::size_t> in;
    for (std::size_t r = 0; r < n; ++r)
      if (fold[r] != k) in.push_back(train[r]);
    const PlsFit f = fit_pls(t.x, y, in, amax, algorithm);
    for (std::size_t r = 0; r < n; ++r)
      if (fold[r] == k)
        for (std::size_t a = 1; a <= amax; ++a) oof(r, a - 1) = f.predict(t.x.row(train[r]), a);
  }
  MPI_Allreduce(MPI_IN_PLACE, oof.v.data(), int(oof.v.size()), MPI_DOUBLE, MPI_SUM, comm);
  std::vector<double> rmsecv(amax);
  for (std::size_t a = 0; a < amax; ++a) {
    double ss = 0;
    for (std::size_t r = 0; r < n; ++r) ss += (y[train[r]] - oof(r, a)) * (y[train[r]] - oof(r, a));
    rmsecv[a] = std::sqrt(ss / double(n));
  }
  std::size_t best = 0;
  for (std::size_t a = 1; a < amax; ++a)
    if (rmsecv[a] < rmsecv[best]) best = a;
  std::size_t chosen = best + 1;
  std::string selection = o.components > 0 ? "fixed" : o.select;
  if (o.components > 0) {
    chosen = std::size_t(o.components);
  } else if (o.select == "onesigma") {
    // the fewest components within one standard error of the best (the sd of its CV residuals / sqrt(n))
    double mean = 0;
    for (std::size_t r = 0; r < n; ++r) mean += y[train[r]] - oof(r, best);
    mean /= double(n);
    double ss = 0;
    for (std::size_t r = 0; r < n; ++r) ss += (y[train[r]] - oof(r, best) - mean) * (y[train[r]] - oof(r, best) - mean);
    const double se = std::sqrt(ss / double(n - 1)) / std::sqrt(double(n));
    for (std::size_t a = 0; a <= best; ++a)
      if (rmsecv[a] <= rmsecv[best] + se) {
        chosen = a + 1;
        break;
      }
  }
  std::string cv_line;
  for (std::size_t a = 0; a < amax; ++a) cv_line += (a ? " " : "") + format_number("%.4g", rmsecv[a]);
  say("cross-validation: " + folds_text + " over " + std::to_string(size) + " rank(s), " + std::to_string(n) +
      " training spectra; RMSECV (" + o.unit + ") with 1.." + std::to_string(amax) + " components: " + cv_line);

  // the model on every training row
  const PlsFit final_fit = fit_pls(t.x, y, train, chosen, algorithm);
  SpectralModel m;
  m.property = o.property;
  m.property_unit = o.unit;
  m.axis_name = o.axis;
  m.axis_unit = axis_unit;
  m.band_prefix = o.band_prefix;
  m.band_names = t.band_names;
  m.axis = input_axis;
  m.pipeline = pipeline;
  m.model_axis = axis;
  m.algorithm = algorithm;
  m.components = chosen;
  m.x_mean = final_fit.x_mean;
  m.y_mean = final_fit.y_mean;
  m.coefficients.assign(final_fit.coefficients.row(chosen - 1), final_fit.coefficients.row(chosen - 1) + p);
  m.folds = folds_text;
  m.n_folds = n_folds;
  m.selection = selection;
  m.rmsecv = rmsecv;

  // intervals: residuals of held-out samples, the calibration rows (split) or the out-of-fold predictions
  std::vector<double> resid;
  if (split) {
    for (std::size_t i : cal) resid.push_back(std::fabs(y[i] - m.predict(t.x.row(i))));
    m.interval_method = "split_conformal";
  } else {
    for (std::size_t r = 0; r < n; ++r) resid.push_back(std::fabs(y[train[r]] - oof(r, chosen - 1)));
    m.interval_method = "cv_conformal";
  }
  m.n_calibration = resid.size();
  for (double l : levels) m.intervals.push_back({l, conformal_quantile(resid, l, t.file)});

  double ss = 0;
  m.y_min = m.y_max = y[train[0]];
  for (std::size_t i : train) {
    const double e = y[i] - m.predict(t.x.row(i));
    ss += e * e;
    m.y_min = std::min(m.y_min, y[i]);
    m.y_max = std::max(m.y_max, y[i]);
  }
  m.rmse_training = std::sqrt(ss / double(n));
  m.n_training = n;
  m.training_file = t.file;
  m.training_sha256 = grids::sha256_file(o.spectra);
  m.training_rows = (o.rows.empty() ? std::string("all") : o.rows) + " with " + o.property +
                    (split ? ", less the calibration rows " +
                                 (o.calibration.empty() ? "(random " + short_number(o.calibration_fraction) + ")" : o.calibration)
                           : std::string());
  m.alamod_version = alamod_version();
  m.alamod_git_commit = alamod_git_commit();
  m.created = created_time();
  m.command = fit_command_text(o);

  std::string iv;
  for (const auto& l : m.intervals)
    iv += (iv.empty() ? "" : ", ") + short_number(l.level * 100) + " %: +- " + format_number("%.4g", l.half_width);
  say("model: " + std::to_string(chosen) + " components (" + selection + "), RMSECV " + format_number("%.6g", rmsecv[chosen - 1]) +
      " " + o.unit + ", RMSE on the training rows " + format_number("%.6g", m.rmse_training) + "; intervals (" +
      m.interval_method + ", " + std::to_string(m.n_calibration) + " held-out residuals): " + iv + " " + o.unit);
  const std::string text = model_json(m);
  collectively(comm, [&] {
    if (rank == 0) write_output_atomically(o.out, text);
  });
  say("wrote " + o.out);
}

// ---------------------------------------------------------------------------------------------------
// predict
// ---------------------------------------------------------------------------------------------------

namespace {

std::string level_tag(double level) {
  std::string s = short_number(level * 100);
  for (char& c : s)
    if (c == '.') c = 'p';
  return s;
}

/// The factor from the model's property unit to g kg-1 (SOC concentration).
double to_g_per_kg(const std::string& unit, const std::string& model_file) {
  if (unit == "%" || unit == "percent" || unit == "g/100g" || unit == "g 100g-1" || unit == "dag kg-1") return 10.0;
  if (unit == "g kg-1" || unit == "g/kg" || unit == "mg g-1" || unit == "permille") return 1.0;
  throw InputError(model_file + " ($.property.unit): '" + unit +
                   "', expected a SOC concentration unit to write site observations (percent, %, g kg-1)");
}

}  // namespace

void run_spectra_predict(const PredictOptions& o) {
  refuse_existing(o.out, o.overwrite);
  if (!o.site_observations.empty()) refuse_existing(o.site_observations, o.overwrite);
  const SpectralModel m = read_model(o.model);
  SpectraTable t = read_spectra_csv(o.spectra, m.band_prefix);
  check_grid(t, m, o.model);  // the grid must be the model's, band by band
  const RowFilter use = parse_filter(t, o.rows, "--rows");
  // the second instrument's spectra made the master's (PDS), before the model's preprocessing
  if (m.transfer.present()) {
    std::vector<double> out(t.x.cols);
    for (std::size_t i = 0; i < t.x.rows; ++i) {
      m.transfer.apply(t.x.row(i), out.data());
      std::copy(out.begin(), out.end(), t.x.row(i));
    }
  }
  std::vector<double> axis = t.axis;
  apply_pipeline(m.pipeline, t.x, axis, [&](std::size_t r, std::size_t b) { return locate(t, r, b); });
  if (axis.size() != m.model_axis.size())
    throw InputError(o.model + " ($.preprocessing.output_count): " + std::to_string(m.model_axis.size()) +
                     ", but the preprocessing leaves " + std::to_string(axis.size()) + " bands; the model file is inconsistent");

  const std::string sha = grids::sha256_file(o.model);
  const int ycol = t.other_index(m.property);
  std::string csv = "# alamod-spectra-predictions: 1\n# model: " + o.model + "\n# model_sha256: " + sha +
                    "\n# property: " + m.property + " (" + m.property_unit + ")\n# spectra: " + o.spectra +
                    "\n# preprocessing: " + describe(m.pipeline) + "\n# pls: " + algorithm_name(m.algorithm) + ", " +
                    std::to_string(m.components) + " components\n# intervals: " + m.interval_method + " from " +
                    std::to_string(m.n_calibration) + " held-out residuals\n";
  if (m.transfer.present())
    csv += "# instrument_transfer: " + m.transfer.method + " (window " + std::to_string(m.transfer.window) + ", " +
           std::to_string(m.transfer.samples) + " transfer samples of " + m.transfer.slave_file + ")\n";
  for (std::size_t k = 0; k < t.other_columns.size(); ++k) csv += csv_field(t.header[t.other_columns[k]]) + ",";
  csv += csv_field(m.property + "_predicted");
  for (const auto& l : m.intervals)
    csv += "," + csv_field(m.property + "_lower_" + level_tag(l.level)) + "," + csv_field(m.property + "_upper_" + level_tag(l.level));
  csv += "\n";

  // site observations
  const bool sites = !o.site_observations.empty();
  std::map<std::string, std::string> site_value;
  std::size_t level_index = 0;
  double factor = 1;
  if (sites) {
    factor = to_g_per_kg(m.property_unit, o.model);
    if (m.intervals.empty()) throw InputError(o.model + " ($.intervals.levels): empty, expected an interval for the uncertainty");
    if (o.site_level > 0) {
      level_index = m.intervals.size();
      for (std::size_t k = 0; k < m.intervals.size(); ++k)
        if (std::fabs(m.intervals[k].level - o.site_level) < 1e-12) level_index = k;
      if (level_index == m.intervals.size())
        throw InputError("--site-level " + short_number(o.site_level) + ": the model " + o.model + " has no such interval level");
    }
    for (const auto& kv : o.site_values) {
      const std::size_t eq = kv.find('=');
      const std::string key = eq == std::string::npos ? kv : kv.substr(0, eq);
      static const std::vector<std::string> keys = {"site_id", "treatment_id", "plot_id", "observation_date", "layer_top",
                                                    "layer_bot", "note"};
      if (eq == std::string::npos || std::find(keys.begin(), keys.end(), key) == keys.end())
        throw InputError("--site '" + kv + "': expected KEY=VALUE or KEY=@COLUMN with KEY one of site_id, treatment_id, "
                         "plot_id, observation_date, layer_top, layer_bot, note");
      site_value[key] = kv.substr(eq + 1);
      if (!site_value[key].empty() && site_value[key][0] == '@') require_column(t, site_value[key].substr(1), "--site " + kv);
    }
    for (const std::string key : {"site_id", "treatment_id", "observation_date", "layer_top", "layer_bot"})
      if (!site_value.count(key) && t.other_index(key) < 0)
        throw InputError("--site-observations: no " + std::string(key) + ", expected a column '" + key + "' in " + t.file +
                         " or --site " + key + "=VALUE (or =@COLUMN)");
  }
  auto site_field = [&](const std::string& key, std::size_t row) -> std::string {
    auto it = site_value.find(key);
    if (it != site_value.end()) {
      if (!it->second.empty() && it->second[0] == '@') return t.other[std::size_t(t.other_index(it->second.substr(1)))][row];
      return it->second;
    }
    const int k = t.other_index(key);
    return k < 0 ? std::string() : t.other[std::size_t(k)][row];
  };
  const std::string method = "alamod spectral PLS model " + std::filesystem::path(o.model).filename().string() + " (sha256 " +
                             sha.substr(0, 12) + "; " + describe(m.pipeline) + "; " + std::to_string(m.components) +
                             " components; " + m.interval_method + ")";
  std::string obs =
      "site_id,treatment_id,plot_id,observation_date,observation_year,layer_top,layer_bot,soc,bd_samp,soc_stock,"
      "soc_stock_method,soc_stock_sd,n_rep,qc_flag,note,soc_method,soc_sd,soc_lower,soc_upper,soc_interval_level\n";

  std::size_t predicted = 0, scored = 0;
  double ss = 0, bias = 0, ysum = 0, yss = 0;
  std::vector<std::size_t> covered(m.intervals.size(), 0);
  for (std::size_t i = 0; i < t.x.rows; ++i) {
    if (!use.keeps(t, i)) continue;
    const double yhat = m.predict(t.x.row(i));
    ++predicted;
    for (std::size_t k = 0; k < t.other_columns.size(); ++k) csv += csv_field(t.other[k][i]) + ",";
    csv += exact_number(yhat);
    for (const auto& l : m.intervals) csv += "," + exact_number(yhat - l.half_width) + "," + exact_number(yhat + l.half_width);
    csv += "\n";
    double yobs = 0;
    if (ycol >= 0 && !is_missing(t.other[std::size_t(ycol)][i]) && parse_decimal(t.other[std::size_t(ycol)][i], yobs)) {
      ++scored;
      ss += (yobs - yhat) * (yobs - yhat);
      bias += yhat - yobs;
      ysum += yobs;
      yss += yobs * yobs;
      for (std::size_t k = 0; k < m.intervals.size(); ++k)
        if (std::fabs(yobs - yhat) <= m.intervals[k].half_width) ++covered[k];
    }
    if (sites) {
      const IntervalLevel& l = m.intervals[level_index];
      const std::string date = site_field("observation_date", i);
      const double soc = yhat * factor, hw = l.half_width * factor;
      const double sd = hw / normal_quantile(0.5 + 0.5 * l.level);
      const std::string note = site_field("note", i).empty()
                                   ? "predicted from spectrum " + t.file + ":" + std::to_string(t.lines[i])
                                   : site_field("note", i);
      obs += csv_field(site_field("site_id", i)) + "," + csv_field(site_field("treatment_id", i)) + "," +
             csv_field(site_field("plot_id", i)) + "," + csv_field(date) + "," + csv_field(date.substr(0, 4)) + "," +
             csv_field(site_field("layer_top", i)) + "," + csv_field(site_field("layer_bot", i)) + "," +
             format_number("%.6g", soc) + ",,,,,,estimated_from_spectra," + csv_field(note) + "," + csv_field(method) + "," +
             format_number("%.6g", sd) + "," + format_number("%.6g", soc - hw) + "," + format_number("%.6g", soc + hw) + "," +
             short_number(l.level) + "\n";
    }
  }
  if (predicted == 0) throw InputError(t.file + ": no row" + (o.rows.empty() ? std::string() : " with " + o.rows) + ", expected spectra to predict");
  std::vector<FileText> files{{o.out, csv}};
  if (sites) files.push_back({o.site_observations, obs});
  try {
    write_files_atomically(files);
  } catch (const AtomicFileError& e) {
    throw InputError(e.what());
  }
  std::printf("spectra predict: %zu spectra of %s with %s (%s%s, %zu components); wrote %s%s\n", predicted, t.file.c_str(),
              o.model.c_str(), m.transfer.present() ? "pds transfer, " : "", describe(m.pipeline).c_str(), m.components, o.out.c_str(),
              sites ? (" and " + o.site_observations).c_str() : "");
  if (scored > 0) {
    const double rmsep = std::sqrt(ss / double(scored));
    const double var = yss / double(scored) - (ysum / double(scored)) * (ysum / double(scored));
    std::string cov;
    for (std::size_t k = 0; k < m.intervals.size(); ++k)
      cov += (cov.empty() ? "" : ", ") + short_number(m.intervals[k].level * 100) + " % interval covers " +
             std::to_string(covered[k]) + "/" + std::to_string(scored) + " (" +
             format_number("%.1f", 100.0 * double(covered[k]) / double(scored)) + " %)";
    std::printf("against the measured %s of %zu rows: RMSEP %s %s, bias %s, R2 %s; %s\n", m.property.c_str(), scored,
                format_number("%.10f", rmsep).c_str(), m.property_unit.c_str(), format_number("%.4g", bias / double(scored)).c_str(),
                format_number("%.4f", 1 - ss / double(scored) / var).c_str(), cov.c_str());
  }
}

// ---------------------------------------------------------------------------------------------------
// transfer
// ---------------------------------------------------------------------------------------------------

void run_spectra_transfer(const TransferOptions& o) {
  refuse_existing(o.out, o.overwrite);
  SpectralModel m = read_model(o.model);
  if (m.transfer.present())
    throw InputError(o.model + " ($.instrument_transfer): already holds a '" + m.transfer.method +
                     "' transfer, expected a model without one (transfer from the model that alamod spectra fit wrote)");
  const SpectraTable a = read_spectra_csv(o.master, m.band_prefix);
  const SpectraTable b = read_spectra_csv(o.slave, m.band_prefix);
  check_grid(a, m, o.model);
  check_grid(b, m, o.model);
  if (o.window < 1 || o.window % 2 == 0 || std::size_t(o.window) > m.axis.size())
    throw InputError("--window " + std::to_string(o.window) + ": expected an odd number of bands from 1 to " +
                     std::to_string(m.axis.size()));
  if (o.components < 0) throw InputError("--components " + std::to_string(o.components) + ": expected 1 or more (0: the window)");
  const std::size_t p = m.axis.size();
  // pair the rows: by the values of --match, or by their order
  std::vector<std::size_t> slave_row(a.x.rows);
  if (o.match.empty()) {
    if (a.x.rows != b.x.rows)
      throw InputError(b.file + ": " + std::to_string(b.x.rows) + " spectra, but " + a.file + " has " +
                       std::to_string(a.x.rows) + ", expected the same transfer samples in the same order (or --match COLUMN)");
    for (std::size_t i = 0; i < a.x.rows; ++i) slave_row[i] = i;
  } else {
    const int ka = require_column(a, o.match, "--match"), kb = require_column(b, o.match, "--match");
    std::map<std::string, std::size_t> in_b;
    for (std::size_t i = 0; i < b.x.rows; ++i) {
      const std::string& id = b.other[std::size_t(kb)][i];
      if (!in_b.emplace(id, i).second)
        throw InputError(b.file + ":" + std::to_string(b.lines[i]) + " (" + o.match + "): '" + id + "' again (first on line " +
                         std::to_string(b.lines[in_b[id]]) + "), expected each transfer sample once");
    }
    std::map<std::string, std::size_t> in_a;
    for (std::size_t i = 0; i < a.x.rows; ++i) {
      const std::string& id = a.other[std::size_t(ka)][i];
      if (!in_a.emplace(id, i).second)
        throw InputError(a.file + ":" + std::to_string(a.lines[i]) + " (" + o.match + "): '" + id + "' again (first on line " +
                         std::to_string(a.lines[in_a[id]]) + "), expected each transfer sample once");
      const auto it = in_b.find(id);
      if (it == in_b.end())
        throw InputError(a.file + ":" + std::to_string(a.lines[i]) + " (" + o.match + "): '" + id + "' is not in " + b.file +
                         ", expected every transfer sample measured on both instruments");
      slave_row[i] = it->second;
    }
    if (in_b.size() != in_a.size())
      for (std::size_t i = 0; i < b.x.rows; ++i)
        if (!in_a.count(b.other[std::size_t(kb)][i]))
          throw InputError(b.file + ":" + std::to_string(b.lines[i]) + " (" + o.match + "): '" + b.other[std::size_t(kb)][i] +
                           "' is not in " + a.file + ", expected every transfer sample measured on both instruments");
  }
  const std::size_t n = a.x.rows;
  if (n < 3) throw InputError(a.file + ": " + std::to_string(n) + " transfer samples, expected at least 3");
  std::vector<double> master(n * p), slave(n * p);
  for (std::size_t i = 0; i < n; ++i) {
    std::copy(a.x.row(i), a.x.row(i) + p, master.begin() + std::ptrdiff_t(i * p));
    std::copy(b.x.row(slave_row[i]), b.x.row(slave_row[i]) + p, slave.begin() + std::ptrdiff_t(i * p));
  }
  const std::size_t components = o.components > 0 ? std::size_t(o.components) : std::size_t(o.window);
  InstrumentTransfer t = fit_pds(master, slave, n, p, std::size_t(o.window), components);
  t.match = o.match;
  t.master_file = o.master;
  t.master_sha256 = grids::sha256_file(o.master);
  t.slave_file = o.slave;
  t.slave_sha256 = grids::sha256_file(o.slave);
  t.created = created_time();
  t.command = "alamod spectra transfer --model " + shell_word(o.model) + " --master " + shell_word(o.master) + " --slave " +
              shell_word(o.slave) + (o.match.empty() ? std::string() : " --match " + shell_word(o.match)) + " --window " +
              std::to_string(o.window) + " --components " + std::to_string(components) + " --out " + shell_word(o.out);
  m.transfer = std::move(t);
  try {
    write_output_atomically(o.out, model_json(m));
  } catch (const AtomicFileError& e) {
    throw InputError(e.what());
  }
  std::printf("spectra transfer: PDS from %zu transfer samples (%s -> %s), window %d bands, at most %zu components; RMS "
              "difference of the transfer spectra %s before, %s after; wrote %s\n",
              n, o.slave.c_str(), o.master.c_str(), o.window, components, format_number("%.4g", m.transfer.rms_before).c_str(),
              format_number("%.4g", m.transfer.rms_after).c_str(), o.out.c_str());
}

}  // namespace alamod::engine::spectra
