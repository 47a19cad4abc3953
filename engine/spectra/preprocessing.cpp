#include "engine/spectra/preprocessing.hpp"

#include <algorithm>
#include <cmath>
#include <toml++/toml.h>

#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine::spectra {

namespace {

const char* const kSteps =
    "savgol(window=W,order=P,derivative=M,delta=D), snv, detrend(order=P), "
    "continuum(type=reflectance|absorbance,mode=division|subtraction), bands(LO:HI,...), absorbance(scale=S)";

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

double number_of(const std::string& key, const std::string& text, const std::string& where) {
  double v = 0;
  if (!parse_decimal(text, v))
    throw InputError(where + " (" + key + "): found '" + text + "', expected a number");
  return v;
}

int integer_of(const std::string& key, const std::string& text, const std::string& where, int lo, int hi) {
  const double v = number_of(key, text, where);
  if (v != std::floor(v) || v < lo || v > hi)
    throw InputError(where + " (" + key + "): found " + text + ", expected a whole number from " + std::to_string(lo) +
                     " to " + std::to_string(hi));
  return int(v);
}

/// Solve the small dense system G a = b in long double (Gaussian elimination, partial pivoting).
std::vector<long double> solve_small(std::vector<long double> g, std::vector<long double> b, int n) {
  for (int c = 0; c < n; ++c) {
    int piv = c;
    for (int r = c + 1; r < n; ++r)
      if (std::fabs(g[r * n + c]) > std::fabs(g[piv * n + c])) piv = r;
    if (piv != c) {
      for (int k = 0; k < n; ++k) std::swap(g[c * n + k], g[piv * n + k]);
      std::swap(b[c], b[piv]);
    }
    for (int r = c + 1; r < n; ++r) {
      const long double f = g[r * n + c] / g[c * n + c];
      for (int k = c; k < n; ++k) g[r * n + k] -= f * g[c * n + k];
      b[r] -= f * b[c];
    }
  }
  std::vector<long double> a(n);
  for (int r = n - 1; r >= 0; --r) {
    long double s = b[r];
    for (int k = r + 1; k < n; ++k) s -= g[r * n + k] * a[k];
    a[r] = s / g[r * n + r];
  }
  return a;
}

/// Upper convex hull (monotone chain) of (u[k], y[k]), u increasing: the vertex indices, ends included.
std::vector<std::size_t> upper_hull(const std::vector<double>& u, const double* y, std::size_t n) {
  std::vector<std::size_t> h;
  for (std::size_t k = 0; k < n; ++k) {
    while (h.size() >= 2) {
      const std::size_t a = h[h.size() - 2], b = h.back();
      // keep b only if it lies strictly above the chord a-k
      const double cross = (u[b] - u[a]) * (y[k] - y[a]) - (y[b] - y[a]) * (u[k] - u[a]);
      if (cross >= 0) h.pop_back();
      else break;
    }
    h.push_back(k);
  }
  return h;
}

}  // namespace

std::vector<double> savgol_coefficients(int window, int order, int derivative) {
  const int g = (window - 1) / 2, n = order + 1;
  // the least-squares polynomial in u = k / g (well conditioned); derivative m of the fit at u = 0, per band:
  // m! a_m / g^m, with a = (BᵀB)⁻¹ Bᵀ x, B[k][j] = u_k^j
  std::vector<long double> gram(std::size_t(n * n), 0.0L);
  for (int k = -g; k <= g; ++k) {
    const long double u = (long double)k / g;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) gram[i * n + j] += std::pow(u, i + j);
  }
  std::vector<long double> e(n, 0.0L);
  e[derivative] = 1.0L;
  const std::vector<long double> row = solve_small(gram, e, n);  // row m of (BᵀB)⁻¹ (symmetric)
  long double factorial = 1.0L;
  for (int i = 2; i <= derivative; ++i) factorial *= i;
  std::vector<double> f(static_cast<std::size_t>(window));
  for (int k = -g; k <= g; ++k) {
    const long double u = (long double)k / g;
    long double s = 0.0L;
    for (int j = 0; j < n; ++j) s += row[j] * std::pow(u, j);
    f[std::size_t(k + g)] = double(factorial * s / std::pow((long double)g, derivative));
  }
  return f;
}

bool snv_in_place(double* x, std::size_t n) {
  double mean = 0;
  for (std::size_t j = 0; j < n; ++j) mean += x[j];
  mean /= double(n);
  double ss = 0;
  for (std::size_t j = 0; j < n; ++j) ss += (x[j] - mean) * (x[j] - mean);
  const double sd = std::sqrt(ss / double(n - 1));
  if (!(sd > 0)) return false;
  for (std::size_t j = 0; j < n; ++j) x[j] = (x[j] - mean) / sd;
  return true;
}

Step make_step(const std::string& name, const std::vector<std::pair<std::string, std::string>>& keys,
               const std::vector<std::string>& positional, const std::string& where_in) {
  const std::string where = where_in + " (step " + name + ")";
  Step s;
  std::vector<std::string> allowed;
  if (name == "savgol" || name == "sg") {
    s.kind = Step::Kind::savgol;
    allowed = {"window", "order", "derivative", "delta"};
  } else if (name == "snv") {
    s.kind = Step::Kind::snv;
  } else if (name == "detrend") {
    s.kind = Step::Kind::detrend;
    allowed = {"order"};
  } else if (name == "continuum" || name == "continuum_removal") {
    s.kind = Step::Kind::continuum;
    allowed = {"type", "mode"};
  } else if (name == "bands") {
    s.kind = Step::Kind::bands;
  } else if (name == "absorbance") {
    s.kind = Step::Kind::absorbance;
    allowed = {"scale"};
  } else {
    throw InputError(where_in + ": unknown step '" + name + "', expected one of " + kSteps);
  }
  if (!positional.empty() && s.kind != Step::Kind::bands)
    throw InputError(where + ": found '" + positional[0] + "', expected key=value (" + kSteps + ")");
  bool have_window = false, have_order = false;
  for (const auto& [key, value] : keys) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw InputError(where + ": unknown key '" + key + "', expected " + (list.empty() ? "no key" : list));
    }
    if (key == "window") s.window = integer_of(key, value, where, 3, 1001), have_window = true;
    else if (key == "order") s.order = integer_of(key, value, where, 0, 12), have_order = true;
    else if (key == "derivative") s.derivative = integer_of(key, value, where, 0, 12);
    else if (key == "delta") {
      s.delta = number_of(key, value, where);
      if (!(s.delta > 0)) throw InputError(where + " (delta): found " + value + ", expected a number > 0");
    } else if (key == "scale") {
      s.scale = number_of(key, value, where);
      if (!(s.scale > 0)) throw InputError(where + " (scale): found " + value + ", expected a number > 0");
    } else if (key == "type") {
      if (value != "reflectance" && value != "absorbance")
        throw InputError(where + " (type): found '" + value + "', expected reflectance or absorbance");
      s.absorbance_type = value == "absorbance";
    } else if (key == "mode") {
      if (value != "division" && value != "subtraction")
        throw InputError(where + " (mode): found '" + value + "', expected division or subtraction");
      s.subtraction = value == "subtraction";
    }
  }
  if (s.kind == Step::Kind::savgol) {
    if (!have_window || !have_order)
      throw InputError(where + ": expected window= and order= (e.g. savgol(window=11,order=2,derivative=1))");
    if (s.window % 2 == 0) throw InputError(where + " (window): " + std::to_string(s.window) + ", expected an odd number");
    if (s.order >= s.window)
      throw InputError(where + " (order): " + std::to_string(s.order) + ", expected less than the window " + std::to_string(s.window));
    if (s.derivative > s.order)
      throw InputError(where + " (derivative): " + std::to_string(s.derivative) + ", expected at most the order " +
                       std::to_string(s.order));
  }
  if (s.kind == Step::Kind::detrend && s.order > 5)
    throw InputError(where + " (order): " + std::to_string(s.order) + ", expected 0 to 5");
  if (s.kind == Step::Kind::bands) {
    if (positional.empty()) throw InputError(where + ": no range, expected bands(LO:HI, ...) in axis units");
    for (const auto& r : positional) {
      const std::size_t colon = r.find(':');
      double lo = 0, hi = 0;
      if (colon == std::string::npos || !parse_decimal(r.substr(0, colon), lo) || !parse_decimal(r.substr(colon + 1), hi))
        throw InputError(where + ": found '" + r + "', expected a range LO:HI of two numbers (axis units)");
      s.ranges.emplace_back(std::min(lo, hi), std::max(lo, hi));
    }
  }
  return s;
}

Pipeline parse_pipeline(const std::string& text, const std::string& source) {
  Pipeline p;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (std::isspace(static_cast<unsigned char>(text[i])) || text[i] == ';')) ++i;
    if (i >= text.size()) break;
    std::size_t j = i;
    while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
    const std::string name = text.substr(i, j - i);
    if (name.empty())
      throw InputError(source + ": found '" + text.substr(i, 10) + "' at character " + std::to_string(i + 1) +
                       ", expected a step name (" + kSteps + ")");
    std::vector<std::pair<std::string, std::string>> keys;
    std::vector<std::string> positional;
    std::size_t k = j;
    while (k < text.size() && text[k] == ' ') ++k;
    if (k < text.size() && text[k] == '(') {
      const std::size_t close = text.find(')', k);
      if (close == std::string::npos) throw InputError(source + " (step " + name + "): no closing ')', expected name(key=value,...)");
      std::string args = text.substr(k + 1, close - k - 1);
      std::size_t a = 0;
      while (a <= args.size()) {
        std::size_t comma = args.find(',', a);
        if (comma == std::string::npos) comma = args.size();
        const std::string arg = trim(args.substr(a, comma - a));
        if (!arg.empty()) {
          const std::size_t eq = arg.find('=');
          if (eq == std::string::npos) positional.push_back(arg);
          else keys.emplace_back(trim(arg.substr(0, eq)), trim(arg.substr(eq + 1)));
        }
        a = comma + 1;
      }
      j = close + 1;
    }
    p.push_back(make_step(name, keys, positional, source));
    i = j;
  }
  if (p.empty()) throw InputError(source + ": no step, expected e.g. \"savgol(window=11,order=2,derivative=1) snv\"");
  return p;
}

Pipeline read_pipeline_toml(const std::string& path) {
  toml::table doc;
  try {
    doc = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw InputError(path + ":" + std::to_string(b.line) + ":" + std::to_string(b.column) + ": " +
                     std::string(e.description()));
  }
  for (const auto& [key, node] : doc)
    if (key.str() != "preprocess")
      throw InputError(path + ":" + std::to_string(node.source().begin.line) + " (" + std::string(key.str()) +
                       "): unknown key, expected only [[preprocess]] tables");
  const toml::array* steps = doc["preprocess"].as_array();
  if (!steps || steps->empty())
    throw InputError(path + ": no [[preprocess]] table, expected one per step, e.g. [[preprocess]] step = \"snv\"");
  Pipeline p;
  for (const auto& node : *steps) {
    const toml::table* t = node.as_table();
    const std::string where = path + ":" + std::to_string(node.source().begin.line);
    if (!t) throw InputError(where + ": expected [[preprocess]] tables");
    std::string name;
    std::vector<std::pair<std::string, std::string>> keys;
    std::vector<std::string> positional;
    for (const auto& [k, v] : *t) {
      const std::string key(k.str());
      if (key == "step") {
        if (!v.is_string()) throw InputError(where + " (step): expected a string, e.g. step = \"savgol\"");
        name = *v.value<std::string>();
      } else if (key == "ranges") {
        const toml::array* rs = v.as_array();
        if (!rs) throw InputError(where + " (ranges): expected [[LO, HI], ...]");
        for (const auto& r : *rs) {
          const toml::array* pair = r.as_array();
          if (!pair || pair->size() != 2 || !(*pair)[0].value<double>() || !(*pair)[1].value<double>())
            throw InputError(where + " (ranges): expected [[LO, HI], ...] of numbers");
          positional.push_back(exact_number(*(*pair)[0].value<double>()) + ":" + exact_number(*(*pair)[1].value<double>()));
        }
      } else if (v.is_string()) {
        keys.emplace_back(key, *v.value<std::string>());
      } else if (v.is_integer() || v.is_floating_point()) {
        keys.emplace_back(key, exact_number(*v.value<double>()));
      } else {
        throw InputError(where + " (" + key + "): expected a number or a string");
      }
    }
    if (name.empty()) throw InputError(where + ": no step = \"...\", expected one of " + kSteps);
    p.push_back(make_step(name, keys, positional, where));
  }
  return p;
}

std::string describe(const Step& s) {
  switch (s.kind) {
    case Step::Kind::savgol:
      return "savgol(window=" + std::to_string(s.window) + ",order=" + std::to_string(s.order) +
             ",derivative=" + std::to_string(s.derivative) + ",delta=" + short_number(s.delta) + ")";
    case Step::Kind::snv: return "snv";
    case Step::Kind::detrend: return "detrend(order=" + std::to_string(s.order) + ")";
    case Step::Kind::continuum:
      return std::string("continuum(type=") + (s.absorbance_type ? "absorbance" : "reflectance") +
             ",mode=" + (s.subtraction ? "subtraction" : "division") + ")";
    case Step::Kind::bands: {
      std::string r;
      for (const auto& [lo, hi] : s.ranges) r += (r.empty() ? "" : ",") + short_number(lo) + ":" + short_number(hi);
      return "bands(" + r + ")";
    }
    case Step::Kind::absorbance: return "absorbance(scale=" + short_number(s.scale) + ")";
  }
  return "";
}

std::string describe(const Pipeline& p) {
  std::string out;
  for (const auto& s : p) out += (out.empty() ? "" : " ") + describe(s);
  return out;
}

std::string step_json(const Step& s) {
  switch (s.kind) {
    case Step::Kind::savgol:
      return "{\"step\": \"savgol\", \"window\": " + std::to_string(s.window) + ", \"order\": " + std::to_string(s.order) +
             ", \"derivative\": " + std::to_string(s.derivative) + ", \"delta\": " + exact_number(s.delta) + "}";
    case Step::Kind::snv: return "{\"step\": \"snv\"}";
    case Step::Kind::detrend: return "{\"step\": \"detrend\", \"order\": " + std::to_string(s.order) + "}";
    case Step::Kind::continuum:
      return std::string("{\"step\": \"continuum\", \"type\": \"") + (s.absorbance_type ? "absorbance" : "reflectance") +
             "\", \"mode\": \"" + (s.subtraction ? "subtraction" : "division") + "\"}";
    case Step::Kind::bands: {
      std::string r;
      for (const auto& [lo, hi] : s.ranges) r += (r.empty() ? "[" : ", [") + exact_number(lo) + ", " + exact_number(hi) + "]";
      return "{\"step\": \"bands\", \"ranges\": [" + r + "]}";
    }
    case Step::Kind::absorbance: return "{\"step\": \"absorbance\", \"scale\": " + exact_number(s.scale) + "}";
  }
  return "{}";
}

void apply_pipeline(const Pipeline& p, Matrix& x, std::vector<double>& axis, const Locator& where) {
  std::vector<std::size_t> source(axis.size());  // input band of each current column
  for (std::size_t j = 0; j < source.size(); ++j) source[j] = j;
  for (const Step& s : p) {
    const std::size_t n = x.rows, m = x.cols;
    switch (s.kind) {
      case Step::Kind::savgol: {
        if (std::size_t(s.window) > m)
          throw InputError(where(0, source[0]) + ": " + describe(s) + " needs at least " + std::to_string(s.window) +
                           " bands, the spectra have " + std::to_string(m) + " at this step");
        const std::vector<double> f = savgol_coefficients(s.window, s.order, s.derivative);
        const double scale = std::pow(s.delta, s.derivative);
        const std::size_t w = std::size_t(s.window), g = (w - 1) / 2, out_cols = m - w + 1;
        Matrix y(n, out_cols);
        for (std::size_t i = 0; i < n; ++i) {
          const double* xi = x.row(i);
          double* yi = y.row(i);
          for (std::size_t j = 0; j < out_cols; ++j) {
            double acc = 0;
            for (std::size_t k = 0; k < w; ++k) acc += xi[j + k] * f[k];
            yi[j] = s.derivative > 0 && scale != 1.0 ? acc / scale : acc;
          }
        }
        x = std::move(y);
        axis.erase(axis.begin(), axis.begin() + long(g));
        axis.resize(out_cols);
        source.erase(source.begin(), source.begin() + long(g));
        source.resize(out_cols);
        break;
      }
      case Step::Kind::snv:
        for (std::size_t i = 0; i < n; ++i)
          if (!snv_in_place(x.row(i), m))
            throw InputError(where(i, source[0]) + ": a constant spectrum at the snv step, expected spectral values that vary");
        break;
      case Step::Kind::detrend: {
        // orthonormal polynomial basis of the centred, scaled axis (modified Gram-Schmidt), then x - Q Qᵀ x
        const double lo = *std::min_element(axis.begin(), axis.end()), hi = *std::max_element(axis.begin(), axis.end());
        const double mid = 0.5 * (lo + hi), half = 0.5 * (hi - lo);
        const std::size_t q = std::size_t(s.order) + 1;
        Matrix basis(q, m);
        for (std::size_t d = 0; d < q; ++d) {
          for (std::size_t j = 0; j < m; ++j) basis(d, j) = std::pow((axis[j] - mid) / half, double(d));
          for (std::size_t e = 0; e < d; ++e) {
            double dot = 0;
            for (std::size_t j = 0; j < m; ++j) dot += basis(e, j) * basis(d, j);
            for (std::size_t j = 0; j < m; ++j) basis(d, j) -= dot * basis(e, j);
          }
          double norm = 0;
          for (std::size_t j = 0; j < m; ++j) norm += basis(d, j) * basis(d, j);
          norm = std::sqrt(norm);
          for (std::size_t j = 0; j < m; ++j) basis(d, j) /= norm;
        }
        for (std::size_t i = 0; i < n; ++i) {
          double* xi = x.row(i);
          for (std::size_t d = 0; d < q; ++d) {
            double dot = 0;
            for (std::size_t j = 0; j < m; ++j) dot += basis(d, j) * xi[j];
            for (std::size_t j = 0; j < m; ++j) xi[j] -= dot * basis(d, j);
          }
        }
        break;
      }
      case Step::Kind::continuum: {
        const bool increasing = axis.back() > axis.front();
        std::vector<double> u(m), yv(m);
        for (std::size_t k = 0; k < m; ++k) u[k] = axis[increasing ? k : m - 1 - k];
        for (std::size_t i = 0; i < n; ++i) {
          double* xi = x.row(i);
          for (std::size_t k = 0; k < m; ++k) {
            const std::size_t j = increasing ? k : m - 1 - k;
            if (s.absorbance_type && !(xi[j] > 0))
              throw InputError(where(i, source[j]) + ": value " + short_number(xi[j]) +
                               " at the continuum step (absorbance), expected > 0");
            yv[k] = s.absorbance_type ? 1.0 / xi[j] : xi[j];
          }
          const std::vector<std::size_t> h = upper_hull(u, yv.data(), m);
          std::size_t seg = 0;
          for (std::size_t k = 0; k < m; ++k) {
            while (seg + 1 < h.size() - 1 && k > h[seg + 1]) ++seg;
            const std::size_t a = h[seg], b = h[std::min(seg + 1, h.size() - 1)];
            const double c = a == b ? yv[a] : yv[a] + (yv[b] - yv[a]) * (u[k] - u[a]) / (u[b] - u[a]);
            const std::size_t j = increasing ? k : m - 1 - k;
            double cr;
            if (s.subtraction) {
              cr = 1.0 + yv[k] - c;
            } else {
              if (!(c != 0))
                throw InputError(where(i, source[j]) + ": a continuum of 0 at the continuum step, expected positive spectra");
              cr = yv[k] / c;
            }
            xi[j] = s.absorbance_type ? 1.0 / cr - 1.0 : cr;
          }
        }
        break;
      }
      case Step::Kind::bands: {
        std::vector<std::size_t> keep;
        for (std::size_t j = 0; j < m; ++j)
          for (const auto& [lo, hi] : s.ranges)
            if (axis[j] >= lo && axis[j] <= hi) {
              keep.push_back(j);
              break;
            }
        if (keep.size() < 3)
          throw InputError(where(0, source[0]) + ": " + describe(s) + " keeps " + std::to_string(keep.size()) +
                           " band(s) of the " + std::to_string(m) + " from " + short_number(axis.front()) + " to " +
                           short_number(axis.back()) + ", expected at least 3");
        Matrix y(n, keep.size());
        for (std::size_t i = 0; i < n; ++i)
          for (std::size_t k = 0; k < keep.size(); ++k) y(i, k) = x(i, keep[k]);
        x = std::move(y);
        std::vector<double> a2;
        std::vector<std::size_t> s2;
        for (std::size_t k : keep) a2.push_back(axis[k]), s2.push_back(source[k]);
        axis = std::move(a2);
        source = std::move(s2);
        break;
      }
      case Step::Kind::absorbance:
        for (std::size_t i = 0; i < n; ++i) {
          double* xi = x.row(i);
          for (std::size_t j = 0; j < m; ++j) {
            if (!(xi[j] > 0))
              throw InputError(where(i, source[j]) + ": reflectance " + short_number(xi[j]) +
                               " at the absorbance step, expected > 0");
            xi[j] = std::log10(s.scale / xi[j]);
          }
        }
        break;
    }
  }
}

}  // namespace alamod::engine::spectra
