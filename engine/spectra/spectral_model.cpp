#include "engine/spectra/spectral_model.hpp"

#include <cmath>

#include "engine/common/number_format.hpp"
#include "engine/site/json_reader.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine::spectra {

namespace {

constexpr const char* kFormat = "alamod-spectral-model";
constexpr int kFormatVersion = 1;

std::string number_array(const std::vector<double>& v, const char* indent) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += (i % 8 == 0) ? std::string(",\n") + indent : std::string(", ");
    out += exact_number(v[i]);
  }
  return out + "]";
}

std::string string_array(const std::vector<std::string>& v, const char* indent) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += (i % 10 == 0) ? std::string(",\n") + indent : std::string(", ");
    out += json_string(v[i]);
  }
  return out + "]";
}

/// Reading: each member checked with its JSON path.
struct Reader {
  std::string file;
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(file + " (" + path + "): " + what);
  }
  const JsonValue& member(const JsonValue& obj, const std::string& path, const std::string& name) const {
    const JsonValue* v = obj.member(name);
    if (!v) fail(path + "." + name, "missing, expected it in a spectral model file (docs/SPECTRA.md, \"Model file\")");
    return *v;
  }
  const JsonValue& object(const JsonValue& obj, const std::string& path, const std::string& name) const {
    const JsonValue& v = member(obj, path, name);
    if (!v.is(JsonValue::Type::object)) fail(path + "." + name, std::string("found ") + json_type_name(v.type) + ", expected an object");
    return v;
  }
  std::string text(const JsonValue& obj, const std::string& path, const std::string& name) const {
    const JsonValue& v = member(obj, path, name);
    if (!v.is(JsonValue::Type::string)) fail(path + "." + name, std::string("found ") + json_type_name(v.type) + ", expected a string");
    return v.text;
  }
  double number(const JsonValue& obj, const std::string& path, const std::string& name) const {
    const JsonValue& v = member(obj, path, name);
    if (!v.is(JsonValue::Type::number)) fail(path + "." + name, std::string("found ") + json_type_name(v.type) + ", expected a number");
    return v.number;
  }
  std::size_t count(const JsonValue& obj, const std::string& path, const std::string& name) const {
    const double v = number(obj, path, name);
    if (v < 0 || v != std::floor(v) || v > 1e9) fail(path + "." + name, "found " + short_number(v) + ", expected a count");
    return std::size_t(v);
  }
  std::vector<double> numbers(const JsonValue& obj, const std::string& path, const std::string& name, std::size_t n) const {
    const JsonValue& v = member(obj, path, name);
    if (!v.is(JsonValue::Type::array) || (n && v.items.size() != n))
      fail(path + "." + name, std::string("found ") + json_type_name(v.type) +
                                  (v.is(JsonValue::Type::array) ? " of " + std::to_string(v.items.size()) : std::string()) +
                                  ", expected an array of " + (n ? std::to_string(n) + " " : std::string()) + "numbers");
    std::vector<double> out;
    for (std::size_t i = 0; i < v.items.size(); ++i) {
      if (!v.items[i].is(JsonValue::Type::number))
        fail(path + "." + name + "[" + std::to_string(i) + "]", std::string("found ") + json_type_name(v.items[i].type) + ", expected a number");
      out.push_back(v.items[i].number);
    }
    return out;
  }
};

}  // namespace

namespace {
std::string transfer_json(const InstrumentTransfer& t) {
  if (!t.present()) return "null";
  const char* in6 = "\n      ";
  std::string firsts = "[";
  for (std::size_t j = 0; j < t.first.size(); ++j)
    firsts += (j ? (j % 20 == 0 ? std::string(",") + in6 : std::string(", ")) : std::string()) + std::to_string(t.first[j]);
  firsts += "]";
  std::string coef = "[";
  for (std::size_t j = 0; j < t.coefficients.size(); ++j)
    coef += std::string(j ? "," : "") + in6 + number_array(t.coefficients[j], in6);
  coef += "]";
  std::string o = "{\n    \"method\": " + json_string(t.method) + ", \"stage\": " + json_string(t.stage) +
                  ", \"window\": " + std::to_string(t.window) + ", \"components\": " + std::to_string(t.components) +
                  ", \"samples\": " + std::to_string(t.samples) + ",\n";
  o += "    \"description\": " +
       json_string("piecewise direct standardisation: raw spectrum of the second instrument x -> intercept[j] + "
                   "coefficients[j] . x[first_band[j] .. first_band[j] + len - 1] for every band j (0-based), then the "
                   "model's preprocessing; see docs/SPECTRA.md") + ",\n";
  o += "    \"match\": " + json_string(t.match) + ",\n";
  o += "    \"master\": {\"file\": " + json_string(t.master_file) + ", \"sha256\": " + json_string(t.master_sha256) + "},\n";
  o += "    \"slave\": {\"file\": " + json_string(t.slave_file) + ", \"sha256\": " + json_string(t.slave_sha256) + "},\n";
  o += "    \"rms_difference_before\": " + exact_number(t.rms_before) + ", \"rms_difference_after\": " +
       exact_number(t.rms_after) + ",\n";
  o += "    \"created\": " + json_string(t.created) + ", \"command\": " + json_string(t.command) + ",\n";
  o += "    \"intercept\": " + number_array(t.intercept, "\n      ") + ",\n";
  o += "    \"first_band\": " + firsts + ",\n";
  o += "    \"coefficients\": " + coef + "\n  }";
  return o;
}

/// The instrument_transfer block: null, or PDS on the raw spectra of this grid (p bands).
InstrumentTransfer read_transfer(const JsonValue& block, const Reader& r, std::size_t p) {
  InstrumentTransfer t;
  if (block.is(JsonValue::Type::null)) return t;
  const std::string at = "$.instrument_transfer";
  if (!block.is(JsonValue::Type::object)) r.fail(at, std::string("found ") + json_type_name(block.type) + ", expected null or an object");
  t.method = r.text(block, at, "method");
  if (t.method != "pds")
    r.fail(at + ".method", "found '" + t.method + "', expected 'pds' (piecewise direct standardisation; EPO is not implemented)");
  t.stage = r.text(block, at, "stage");
  if (t.stage != "raw") r.fail(at + ".stage", "found '" + t.stage + "', expected 'raw' (PDS applies to the raw spectra)");
  t.window = r.count(block, at, "window");
  t.components = r.count(block, at, "components");
  t.samples = r.count(block, at, "samples");
  t.match = r.text(block, at, "match");
  const JsonValue& ma = r.object(block, at, "master");
  t.master_file = r.text(ma, at + ".master", "file");
  t.master_sha256 = r.text(ma, at + ".master", "sha256");
  const JsonValue& sl = r.object(block, at, "slave");
  t.slave_file = r.text(sl, at + ".slave", "file");
  t.slave_sha256 = r.text(sl, at + ".slave", "sha256");
  t.rms_before = r.number(block, at, "rms_difference_before");
  t.rms_after = r.number(block, at, "rms_difference_after");
  t.created = r.text(block, at, "created");
  t.command = r.text(block, at, "command");
  t.intercept = r.numbers(block, at, "intercept", p);
  const std::vector<double> firsts = r.numbers(block, at, "first_band", p);
  const JsonValue& coef = r.member(block, at, "coefficients");
  if (!coef.is(JsonValue::Type::array) || coef.items.size() != p)
    r.fail(at + ".coefficients", "expected an array of " + std::to_string(p) + " arrays (one per band of the input grid)");
  for (std::size_t j = 0; j < p; ++j) {
    const std::string where = at + ".coefficients[" + std::to_string(j) + "]";
    const JsonValue& row = coef.items[j];
    if (!row.is(JsonValue::Type::array) || row.items.empty()) r.fail(where, "expected a non-empty array of numbers");
    std::vector<double> f;
    for (const auto& v : row.items) {
      if (!v.is(JsonValue::Type::number)) r.fail(where, std::string("found ") + json_type_name(v.type) + ", expected numbers");
      f.push_back(v.number);
    }
    const double first = firsts[j];
    if (first < 0 || first != std::floor(first) || first + double(f.size()) > double(p))
      r.fail(at + ".first_band[" + std::to_string(j) + "]", "found " + short_number(first) + " with " +
                                                              std::to_string(f.size()) + " coefficients, expected a window inside the " +
                                                              std::to_string(p) + " bands");
    t.first.push_back(std::size_t(first));
    t.coefficients.push_back(std::move(f));
  }
  return t;
}
}  // namespace

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += char(c);
  }
  return out + "\"";
}

double SpectralModel::predict(const double* x) const {
  double s = 0;
  for (std::size_t j = 0; j < x_mean.size(); ++j) s += (x[j] - x_mean[j]) * coefficients[j];
  return y_mean + s;
}

std::string model_json(const SpectralModel& m) {
  const char* in4 = "\n    ";
  std::string steps;
  for (const Step& s : m.pipeline) steps += std::string(steps.empty() ? "" : ",\n      ") + step_json(s);
  std::string levels;
  for (const auto& l : m.intervals)
    levels += std::string(levels.empty() ? "" : ", ") + "{\"level\": " + exact_number(l.level) +
              ", \"half_width\": " + exact_number(l.half_width) + "}";
  std::string o = "{\n";
  o += "  \"format\": \"" + std::string(kFormat) + "\",\n";
  o += "  \"format_version\": " + std::to_string(kFormatVersion) + ",\n";
  o += "  \"description\": " + json_string("PLS1 model of " + m.property + " (" + m.property_unit + ") from " + m.axis_name +
                                           " spectra; prediction = y_mean + (preprocess(x) - x_mean) . coefficients; see "
                                           "docs/SPECTRA.md") + ",\n";
  o += "  \"property\": {\"name\": " + json_string(m.property) + ", \"unit\": " + json_string(m.property_unit) + "},\n";
  o += "  \"input_grid\": {\n    \"axis\": " + json_string(m.axis_name) + ", \"unit\": " + json_string(m.axis_unit) +
       ", \"band_prefix\": " + json_string(m.band_prefix) + ", \"count\": " + std::to_string(m.axis.size()) + ",\n";
  o += "    \"values\": " + number_array(m.axis, in4) + ",\n";
  o += "    \"band_names\": " + string_array(m.band_names, in4) + "\n  },\n";
  o += "  \"instrument_transfer\": " + transfer_json(m.transfer) + ",\n";
  o += "  \"preprocessing\": {\n    \"text\": " + json_string(describe(m.pipeline)) + ",\n    \"steps\": [\n      " + steps +
       "\n    ],\n    \"output_count\": " + std::to_string(m.model_axis.size()) + ",\n";
  o += "    \"output_axis\": " + number_array(m.model_axis, in4) + "\n  },\n";
  o += "  \"pls\": {\n    \"algorithm\": \"" + std::string(algorithm_name(m.algorithm)) + "\", \"components\": " +
       std::to_string(m.components) + ", \"x_scaled\": false,\n";
  o += "    \"y_mean\": " + exact_number(m.y_mean) + ",\n";
  o += "    \"x_mean\": " + number_array(m.x_mean, in4) + ",\n";
  o += "    \"coefficients\": " + number_array(m.coefficients, in4) + "\n  },\n";
  o += "  \"cross_validation\": {\"folds\": " + json_string(m.folds) + ", \"fold_count\": " + std::to_string(m.n_folds) +
       ", \"selection\": " + json_string(m.selection) + ",\n    \"rmsecv\": " + number_array(m.rmsecv, in4) + "},\n";
  o += "  \"intervals\": {\"method\": " + json_string(m.interval_method) + ", \"calibration_count\": " +
       std::to_string(m.n_calibration) + ",\n    \"levels\": [" + levels + "]},\n";
  o += "  \"training\": {\"file\": " + json_string(m.training_file) + ", \"sha256\": " + json_string(m.training_sha256) +
       ", \"rows\": " + json_string(m.training_rows) + ", \"count\": " + std::to_string(m.n_training) +
       ",\n    \"y_min\": " + exact_number(m.y_min) + ", \"y_max\": " + exact_number(m.y_max) +
       ", \"rmse_training\": " + exact_number(m.rmse_training) + "},\n";
  o += "  \"provenance\": {\"alamod_version\": " + json_string(m.alamod_version) + ", \"alamod_git_commit\": " +
       json_string(m.alamod_git_commit) + ", \"created\": " + json_string(m.created) + ",\n    \"command\": " +
       json_string(m.command) + "}\n";
  o += "}\n";
  return o;
}

SpectralModel read_model(const std::string& path) {
  const JsonValue doc = read_json_file(path);
  Reader r{path};
  if (!doc.is(JsonValue::Type::object)) r.fail("$", "expected a JSON object (a spectral model file)");
  if (r.text(doc, "$", "format") != kFormat)
    r.fail("$.format", "found '" + doc.member("format")->text + "', expected '" + kFormat + "' (a file of alamod spectra fit)");
  const double version = r.number(doc, "$", "format_version");
  if (version != kFormatVersion)
    r.fail("$.format_version", "found " + short_number(version) + ", expected " + std::to_string(kFormatVersion) +
                                   " (this alamod reads version 1)");
  SpectralModel m;
  const JsonValue& prop = r.object(doc, "$", "property");
  m.property = r.text(prop, "$.property", "name");
  m.property_unit = r.text(prop, "$.property", "unit");
  const JsonValue& grid = r.object(doc, "$", "input_grid");
  m.axis_name = r.text(grid, "$.input_grid", "axis");
  m.axis_unit = r.text(grid, "$.input_grid", "unit");
  m.band_prefix = r.text(grid, "$.input_grid", "band_prefix");
  const std::size_t nb = r.count(grid, "$.input_grid", "count");
  m.axis = r.numbers(grid, "$.input_grid", "values", nb);
  const JsonValue& names = r.member(grid, "$.input_grid", "band_names");
  if (!names.is(JsonValue::Type::array) || names.items.size() != nb)
    r.fail("$.input_grid.band_names", "expected an array of " + std::to_string(nb) + " strings");
  for (const auto& n : names.items) {
    if (!n.is(JsonValue::Type::string)) r.fail("$.input_grid.band_names", "expected strings");
    m.band_names.push_back(n.text);
  }
  m.transfer = read_transfer(r.member(doc, "$", "instrument_transfer"), r, nb);
  const JsonValue& pre = r.object(doc, "$", "preprocessing");
  const JsonValue& steps = r.member(pre, "$.preprocessing", "steps");
  if (!steps.is(JsonValue::Type::array)) r.fail("$.preprocessing.steps", "expected an array of steps");
  for (std::size_t i = 0; i < steps.items.size(); ++i) {
    const JsonValue& s = steps.items[i];
    const std::string where = "$.preprocessing.steps[" + std::to_string(i) + "]";
    if (!s.is(JsonValue::Type::object)) r.fail(where, "expected an object {\"step\": ...}");
    std::string name;
    std::vector<std::pair<std::string, std::string>> keys;
    std::vector<std::string> positional;
    for (std::size_t k = 0; k < s.names.size(); ++k) {
      const JsonValue& v = s.items[k];
      if (s.names[k] == "step") name = v.text;
      else if (s.names[k] == "ranges") {
        for (const auto& pair : v.items) {
          if (pair.items.size() != 2) r.fail(where + ".ranges", "expected [[LO, HI], ...]");
          positional.push_back(exact_number(pair.items[0].number) + ":" + exact_number(pair.items[1].number));
        }
      } else if (v.is(JsonValue::Type::number)) keys.emplace_back(s.names[k], exact_number(v.number));
      else keys.emplace_back(s.names[k], v.text);
    }
    m.pipeline.push_back(make_step(name, keys, positional, path + " (" + where + ")"));
  }
  const std::size_t np = r.count(pre, "$.preprocessing", "output_count");
  m.model_axis = r.numbers(pre, "$.preprocessing", "output_axis", np);
  const JsonValue& pls = r.object(doc, "$", "pls");
  const std::string algorithm = r.text(pls, "$.pls", "algorithm");
  if (algorithm != "nipals" && algorithm != "simpls") r.fail("$.pls.algorithm", "found '" + algorithm + "', expected nipals or simpls");
  m.algorithm = algorithm == "nipals" ? PlsAlgorithm::nipals : PlsAlgorithm::simpls;
  m.components = r.count(pls, "$.pls", "components");
  m.y_mean = r.number(pls, "$.pls", "y_mean");
  m.x_mean = r.numbers(pls, "$.pls", "x_mean", np);
  m.coefficients = r.numbers(pls, "$.pls", "coefficients", np);
  const JsonValue& cv = r.object(doc, "$", "cross_validation");
  m.folds = r.text(cv, "$.cross_validation", "folds");
  m.n_folds = r.count(cv, "$.cross_validation", "fold_count");
  m.selection = r.text(cv, "$.cross_validation", "selection");
  m.rmsecv = r.numbers(cv, "$.cross_validation", "rmsecv", 0);
  const JsonValue& iv = r.object(doc, "$", "intervals");
  m.interval_method = r.text(iv, "$.intervals", "method");
  m.n_calibration = r.count(iv, "$.intervals", "calibration_count");
  const JsonValue& levels = r.member(iv, "$.intervals", "levels");
  if (!levels.is(JsonValue::Type::array)) r.fail("$.intervals.levels", "expected an array");
  for (std::size_t i = 0; i < levels.items.size(); ++i) {
    const std::string where = "$.intervals.levels[" + std::to_string(i) + "]";
    if (!levels.items[i].is(JsonValue::Type::object)) r.fail(where, "expected {\"level\": ..., \"half_width\": ...}");
    IntervalLevel l;
    l.level = r.number(levels.items[i], where, "level");
    l.half_width = r.number(levels.items[i], where, "half_width");
    if (!(l.level > 0 && l.level < 1)) r.fail(where + ".level", "found " + short_number(l.level) + ", expected 0 < level < 1");
    m.intervals.push_back(l);
  }
  const JsonValue& tr = r.object(doc, "$", "training");
  m.training_file = r.text(tr, "$.training", "file");
  m.training_sha256 = r.text(tr, "$.training", "sha256");
  m.training_rows = r.text(tr, "$.training", "rows");
  m.n_training = r.count(tr, "$.training", "count");
  m.y_min = r.number(tr, "$.training", "y_min");
  m.y_max = r.number(tr, "$.training", "y_max");
  m.rmse_training = r.number(tr, "$.training", "rmse_training");
  const JsonValue& pv = r.object(doc, "$", "provenance");
  m.alamod_version = r.text(pv, "$.provenance", "alamod_version");
  m.alamod_git_commit = r.text(pv, "$.provenance", "alamod_git_commit");
  m.created = r.text(pv, "$.provenance", "created");
  m.command = r.text(pv, "$.provenance", "command");
  return m;
}

}  // namespace alamod::engine::spectra
