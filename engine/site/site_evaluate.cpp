#include "engine/site/site_evaluate.hpp"

#include <dirent.h>
#include <unistd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/site/calibration.hpp"
#include "engine/site/posterior.hpp"
#include "engine/common/atomic_file.hpp"
#include "engine/common/normal_quantile.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/provenance.hpp"
#include "engine/site/data_package.hpp"
#include "engine/site/evaluation.hpp"
#include "engine/site/site_forcing.hpp"
#include "engine/site/site_run.hpp"
#include "engine/site/site_text.hpp"
#include "grids/input_error.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "grids/sha256.hpp"

#include <toml++/toml.h>

namespace alamod::engine {

namespace {

/// A CSV table (RFC 4180 quoting) with its header, read whole.
struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // data rows
  std::vector<int> lines;                      // 1-based line of each row
  int column(const std::string& name, bool required = true) const {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    if (required) throw InputError(path + ":1: no column '" + name + "' in the header");
    return -1;
  }
};

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

/// Largest site table read (bytes).
constexpr long long kMaxTableBytes = 64ll << 20;

/// An error about a site table, its control bytes escaped.
[[noreturn]] void table_error(const std::string& message) { throw InputError(printable(message)); }

CsvTable read_csv(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) table_error(path + ": file not found or not readable");
  if (!S_ISREG(st.st_mode)) table_error(path + ": not a regular file (a folder, pipe or device), expected a CSV table");
  if (st.st_size > kMaxTableBytes)
    table_error(path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                std::to_string(kMaxTableBytes >> 20) + " MiB a site table may have");
  std::ifstream in(path);
  if (!in) table_error(path + ": file not found or not readable");
  CsvTable t;
  t.path = path;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 byte-order mark
    if (line.empty() || line[0] == '#') continue;
    auto fields = split_csv_line(line);
    if (t.header.empty()) {
      t.header = fields;
      continue;
    }
    if (fields.size() != t.header.size())
      table_error(path + ":" + std::to_string(n) + ": " + std::to_string(fields.size()) + " fields, the header has " +
                  std::to_string(t.header.size()));
    t.rows.push_back(std::move(fields));
    t.lines.push_back(n);
  }
  if (t.header.empty()) table_error(path + ": empty table (expected a header line)");
  return t;
}

/// FILE:LINE:COLUMN (NAME) of a cell, for messages.
std::string cell(const CsvTable& t, size_t row, int col) {
  return t.path + ":" + std::to_string(t.lines[row]) + ":" + std::to_string(col + 1) + " (" +
         t.header[static_cast<size_t>(col)] + ")";
}

double parse_number(const CsvTable& t, size_t row, int col) {
  const std::string& s = t.rows[row][static_cast<size_t>(col)];
  double v = 0;
  if (!parse_decimal(s, v)) table_error(cell(t, row, col) + ": found '" + excerpt(s) + "', expected a number in decimal notation");
  return v;
}

/// The spectral prediction interval of a row (soc_lower, soc_upper, soc_interval_level): all three or none, the
/// bounds around soc (lower <= soc <= upper, in the unit of soc), the level a coverage strictly between 0 and 1.
void check_interval(const CsvTable& t, size_t row, int c_soc, int c_lower, int c_upper, int c_level) {
  const auto given = [&](int c) { return c >= 0 && !t.rows[row][static_cast<size_t>(c)].empty(); };
  const int cols[3] = {c_lower, c_upper, c_level};
  const char* names[3] = {"soc_lower", "soc_upper", "soc_interval_level"};
  const int n = int(given(c_lower)) + int(given(c_upper)) + int(given(c_level));
  if (n == 0) return;
  if (n < 3)
    for (int i = 0; i < 3; ++i)
      if (!given(cols[i]))
        table_error(t.path + ":" + std::to_string(t.lines[row]) + " (" + names[i] + "): empty" +
                    (cols[i] < 0 ? std::string(" (no such column)") : std::string()) +
                    ", expected soc_lower, soc_upper and soc_interval_level together (a prediction interval)");
  const double lower = parse_number(t, row, c_lower), upper = parse_number(t, row, c_upper),
               level = parse_number(t, row, c_level);
  if (!(level > 0 && level < 1))
    table_error(cell(t, row, c_level) + ": found '" + excerpt(t.rows[row][static_cast<size_t>(c_level)]) +
                "', expected the interval's coverage strictly between 0 and 1 (e.g. 0.9)");
  if (!(lower <= upper))
    table_error(cell(t, row, c_upper) + ": soc_upper " + t.rows[row][static_cast<size_t>(c_upper)] + " is below soc_lower " +
                t.rows[row][static_cast<size_t>(c_lower)] + ", expected soc_lower <= soc <= soc_upper");
  if (!given(c_soc))
    table_error(t.path + ":" + std::to_string(t.lines[row]) + " (soc): empty, but a prediction interval is given; expected "
                "the predicted concentration soc with soc_lower <= soc <= soc_upper");
  const double soc = parse_number(t, row, c_soc);
  if (soc < lower || soc > upper)
    table_error(cell(t, row, c_soc) + ": soc " + t.rows[row][static_cast<size_t>(c_soc)] + " outside its interval [" +
                t.rows[row][static_cast<size_t>(c_lower)] + ", " + t.rows[row][static_cast<size_t>(c_upper)] +
                "], expected soc_lower <= soc <= soc_upper");
}

/// Physical bounds of the numbers of soc_observations.csv (data/sites/FORMAT.md, "Site tables"): a value
/// outside them is a typing or unit error, refused with its file, line and column.
struct ObservedBound {
  const char* column;
  double lower, upper;
  const char* unit;
  const char* noun;  ///< "a negative ..."
  const char* what;
};
const ObservedBound kObservedBounds[] = {
    {"soc_stock", 0.0, 1000.0, "t ha-1", "stock", "SOC stock of one layer"},
    {"soc_stock_sd", 0.0, 1000.0, "t ha-1", "standard deviation", "standard deviation of the SOC stock"},
    {"soc", 0.0, 600.0, "g kg-1", "concentration", "SOC concentration of the fine earth"},
    {"bd_samp", 0.1, 2.65, "g cm-3", "bulk density", "bulk density of the sample"},
    {"layer_top", 0.0, 1000.0, "cm", "depth", "top of the layer below the surface"},
    {"layer_bot", 0.0, 1000.0, "cm", "depth", "bottom of the layer below the surface"},
};

bool exists(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

/// Simulated end-of-year SOC (t ha-1) per calendar year from a site run.
std::map<int, double> yearly_soc(const SiteRunResult& r) {
  std::map<int, double> soc;
  for (const auto& s : r.steps) soc[s.year] = s.soc;  // the last step of each year wins
  return soc;
}

/// Contiguous block of [0, n) for `rank` of `size`.
std::pair<size_t, size_t> block_of(size_t n, int rank, int size) {
  const size_t b = n * static_cast<size_t>(rank) / static_cast<size_t>(size);
  const size_t e = n * static_cast<size_t>(rank + 1) / static_cast<size_t>(size);
  return {b, e};
}

Series simulate_series(const std::string& model, const SiteTreatment& st, const std::string& spinup,
                       const std::string& parameters,
                       const std::vector<std::pair<std::string, double>>& parameter_values = {},
                       const std::string& label = "");

/// The 5-95 % band of `s`: the series run again under each member's parameters (over the file's), the
/// quantiles of the members' stocks at each time of s.simulated_curve. A member that fails fails the run
/// (its message names the member).
void add_ensemble_band(Series& s, const std::string& model, const SiteTreatment& st, const std::string& spinup,
                       const std::string& parameters, const EnsembleDraws& draws) {
  std::vector<std::vector<double>> at(s.simulated_curve.size());
  for (std::size_t k = 0; k < draws.values.size(); ++k) {
    std::vector<std::pair<std::string, double>> values;
    for (std::size_t j = 0; j < draws.names.size(); ++j) values.emplace_back(draws.names[j], draws.values[k][j]);
    Series m;
    try {
      m = simulate_series(model, st, spinup, parameters, values, "");
    } catch (const std::exception& e) {
      throw InputError("--ensemble member " + std::to_string(k + 1) + ": " + e.what());
    }
    if (m.simulated_curve.size() != s.simulated_curve.size())
      throw InputError("--ensemble member " + std::to_string(k + 1) + ": " + std::to_string(m.simulated_curve.size()) +
                       " simulated years, the file's own values " + std::to_string(s.simulated_curve.size()));
    for (std::size_t t = 0; t < at.size(); ++t) at[t].push_back(m.simulated_curve[t].second);
  }
  for (std::size_t t = 0; t < at.size(); ++t) {
    std::sort(at[t].begin(), at[t].end());
    s.band.push_back({s.simulated_curve[t].first, sorted_quantile(at[t], 0.05), sorted_quantile(at[t], 0.95)});
    s.band_median.push_back(sorted_quantile(at[t], 0.5));
  }
  s.band_members = static_cast<int>(draws.values.size());
}

/// Serialise series for gathering on rank 0 (text: robust and small).
std::string pack(const std::vector<Series>& all) {
  std::ostringstream os;
  os.precision(17);
  for (const auto& s : all) {
    os << s.model << '\t' << s.site << '\t' << s.treatment << '\t' << s.parameters << '\t' << s.note << '\t'
       << s.start_error << '\t' << s.start_stock << '\t' << s.points.size() << '\t' << s.simulated_curve.size() << '\t'
       << s.band.size() << '\t' << s.band_members << '\n';
    for (const auto& p : s.points)
      os << p.time_years << ' ' << p.observed << ' ' << p.simulated << ' ' << p.observed_sd << ' ' << p.observed_lower
         << ' ' << p.observed_upper << '\n';
    for (const auto& c : s.simulated_curve) os << c.first << ' ' << c.second << '\n';
    for (std::size_t i = 0; i < s.band.size(); ++i)
      os << s.band[i][0] << ' ' << s.band[i][1] << ' ' << s.band[i][2] << ' ' << s.band_median[i] << '\n';
  }
  return os.str();
}

std::vector<Series> unpack(const std::string& text) {
  std::vector<Series> out;
  std::istringstream is(text);
  std::string head;
  while (std::getline(is, head)) {
    if (head.empty()) continue;
    std::istringstream hs(head);
    Series s;
    size_t np = 0, nc = 0;
    std::getline(hs, s.model, '\t');
    std::getline(hs, s.site, '\t');
    std::getline(hs, s.treatment, '\t');
    std::getline(hs, s.parameters, '\t');
    std::getline(hs, s.note, '\t');
    std::string a, b;
    std::getline(hs, a, '\t');
    std::getline(hs, b, '\t');
    s.start_error = a == "nan" ? std::nan("") : std::stod(a);
    s.start_stock = b == "nan" ? std::nan("") : std::stod(b);
    size_t nb = 0;
    hs >> np >> nc >> nb >> s.band_members;
    for (size_t i = 0; i < np; ++i) {
      SeriesPoint p;
      std::string sd, lo, hi;
      is >> p.time_years >> p.observed >> p.simulated >> sd >> lo >> hi;
      const auto number = [](const std::string& t) { return t == "nan" || t == "-nan" ? std::nan("") : std::stod(t); };
      p.observed_sd = number(sd);
      p.observed_lower = number(lo);
      p.observed_upper = number(hi);
      s.points.push_back(p);
    }
    for (size_t i = 0; i < nc; ++i) {
      std::pair<double, double> c;
      is >> c.first >> c.second;
      s.simulated_curve.push_back(c);
    }
    for (size_t i = 0; i < nb; ++i) {
      std::array<double, 3> b{};
      double median = 0.0;
      is >> b[0] >> b[1] >> b[2] >> median;
      s.band.push_back(b);
      s.band_median.push_back(median);
    }
    std::getline(is, head);  // end of the last line
    out.push_back(std::move(s));
  }
  return out;
}

/// Gather every rank's text on rank 0 (rank order).
std::string gather_text(MPI_Comm comm, const std::string& mine) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int len = static_cast<int>(mine.size());
  std::vector<int> lens(static_cast<size_t>(size)), displs(static_cast<size_t>(size), 0);
  MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, comm);
  std::string all;
  if (rank == 0) {
    int total = 0;
    for (int r = 0; r < size; ++r) {
      displs[static_cast<size_t>(r)] = total;
      total += lens[static_cast<size_t>(r)];
    }
    all.resize(static_cast<size_t>(total));
  }
  MPI_Gatherv(mine.data(), len, MPI_CHAR, all.data(), lens.data(), displs.data(), MPI_CHAR, 0, comm);
  return all;
}

/// A --models entry: `NAME` or `NAME@FILE` (that model under the parameter file FILE).
struct ModelSpec {
  std::string label, model, parameters;
};

ModelSpec parse_model_spec(const std::string& spec) {
  const auto at = spec.find('@');
  if (at == std::string::npos) return {spec, spec, ""};
  ModelSpec m{spec, spec.substr(0, at), spec.substr(at + 1)};
  if (m.parameters.empty()) throw InputError("--models: '" + spec + "': no file after '@', expected NAME@FILE.toml");
  return m;
}

/// Simulate one model on one site and treatment (from its first observed stock when the start uses one)
/// and pair it with the observations.
Series simulate_series(const std::string& model, const SiteTreatment& st, const std::string& spinup,
                       const std::string& parameters,
                       const std::vector<std::pair<std::string, double>>& parameter_values,
                       const std::string& label) {
  SiteRunOptions o;
  o.model = model;
  o.forcing = st.forcing;
  o.parameters = parameters;
  o.spinup = spinup;
  o.parameter_values = parameter_values;
  if (!st.observations.empty()) {
    o.soc_initial = st.first_stock;
    o.soc_initial_source = "first observation, " + std::to_string(st.first_year) + ", soc_observations.csv";
  }
  const SiteRunResult r = simulate_site(o);
  const auto soc = yearly_soc(r);
  Series s;
  s.model = label.empty() ? model : label;
  s.site = st.site;
  s.treatment = st.treatment;
  s.parameters = parameters.empty() ? "defaults" : parameters;
  s.start_stock = r.soc_start;
  for (const auto& n : r.notes)
    if (n.rfind("pet = ", 0) == 0) s.note = n;
  if (!st.observations.empty() && !r.steps.empty()) {
    if (st.first_year <= r.steps.front().year) {
      s.start_error = r.soc_start - st.first_stock;
    } else if (const auto it = soc.find(st.first_year); it != soc.end()) {
      s.start_error = it->second - st.first_stock;
    }
  }
  for (const auto& ob : st.observations) {
    const auto it = soc.find(ob.year);
    if (it == soc.end()) continue;  // observation outside the forcing period
    s.points.push_back({ob.year + 1.0, ob.soc_stock, it->second, ob.soc_stock_sd >= 0 ? ob.soc_stock_sd : std::nan(""),
                        ob.soc_stock_lower, ob.soc_stock_upper});
  }
  for (const auto& [y, v] : soc) s.simulated_curve.emplace_back(y + 1.0, v);
  return s;
}

/// The model a parameter file is for: its `model` key (written by alamod calibrate), "" when absent.
std::string model_of_parameter_file(const std::string& file) {
  try {
    const toml::table t = toml::parse_file(file);
    return t["model"].value_or(std::string());
  } catch (const toml::parse_error& e) {
    throw InputError(file + ":" + std::to_string(e.source().begin.line) + ":" +
                     std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
}

/// A parameter file drives the model it names (all of them when it names none and one model is run).
std::string parameters_for(const std::string& model, const std::string& file, const std::string& file_model) {
  if (file.empty()) return "";
  return file_model.empty() || file_model == model ? file : "";
}

}  // namespace

std::vector<SiteTreatment> discover_site_treatments(const std::string& sites_dir, const std::string& only_sites) {
  std::vector<std::string> dirs;
  DIR* d = opendir(sites_dir.c_str());
  if (!d) table_error(sites_dir + ": site collection folder not found");
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    const std::string p = sites_dir + "/" + name;
    if (exists(p + "/soc_observations.csv") && exists(p + "/treatments.csv")) dirs.push_back(p);
  }
  closedir(d);
  std::sort(dirs.begin(), dirs.end());
  const auto wanted = split_list(only_sites);
  std::vector<SiteTreatment> out;
  std::vector<std::string> found_sites;
  std::map<std::string, std::string> site_folder;  // site_id -> where it was first seen (file:line)
  for (const auto& dir : dirs) {
    check_data_package(dir);
    const CsvTable tr = read_csv(dir + "/treatments.csv");
    const CsvTable ob = read_csv(dir + "/soc_observations.csv");
    const int tr_site = tr.column("site_id"), tr_id = tr.column("treatment_id");
    const int ob_site = ob.column("site_id"), ob_tr = ob.column("treatment_id"), ob_stock = ob.column("soc_stock");
    const int ob_year = ob.column("observation_year", false), ob_date = ob.column("observation_date");
    const int ob_sd = ob.column("soc_stock_sd", false), ob_qc = ob.column("qc_flag", false);
    const int ob_plot = ob.column("plot_id", false), ob_top = ob.column("layer_top", false),
              ob_bot = ob.column("layer_bot", false);
    // the prediction interval of a concentration predicted from spectra (alamod spectra predict --site-observations)
    const int ob_soc = ob.column("soc", false), ob_lower = ob.column("soc_lower", false),
              ob_upper = ob.column("soc_upper", false), ob_level = ob.column("soc_interval_level", false);

    // treatments: each (site_id, treatment_id) once, each site in one folder
    std::map<std::pair<std::string, std::string>, int> treatment_line;
    for (size_t i = 0; i < tr.rows.size(); ++i) {
      const std::string& site = tr.rows[i][static_cast<size_t>(tr_site)];
      const std::string& id = tr.rows[i][static_cast<size_t>(tr_id)];
      if (site.empty()) table_error(cell(tr, i, tr_site) + ": empty, expected the site's id");
      if (id.empty()) table_error(cell(tr, i, tr_id) + ": empty, expected the treatment's id");
      const auto [it, fresh] = treatment_line.emplace(std::make_pair(site, id), tr.lines[i]);
      if (!fresh)
        table_error(tr.path + ":" + std::to_string(tr.lines[i]) + ": duplicate treatment (site_id '" + site +
                    "', treatment_id '" + id + "'), first on line " + std::to_string(it->second) +
                    "; expected each (site_id, treatment_id) once");
      const std::string here = tr.path + ":" + std::to_string(tr.lines[i]);
      const auto [seen, first] = site_folder.emplace(site, here);
      if (!first && seen->second.rfind(tr.path + ":", 0) != 0)
        table_error(cell(tr, i, tr_site) + ": duplicate site '" + site + "', also in " + seen->second +
                    "; expected each site_id in one folder of " + sites_dir + " (it would be run twice)");
    }

    // observations: physical values, each key once, of a treatment of this folder
    std::map<std::string, int> key_line;
    for (size_t k = 0; k < ob.rows.size(); ++k) {
      const auto& row = ob.rows[k];
      const auto text = [&](int col) { return col >= 0 ? row[static_cast<size_t>(col)] : std::string(); };
      for (const auto& bound : kObservedBounds) {
        const int col = ob.column(bound.column, false);
        if (col < 0 || row[static_cast<size_t>(col)].empty()) continue;
        const double v = parse_number(ob, k, col);
        if (v >= bound.lower && v <= bound.upper) continue;
        const std::string range = short_number(bound.lower) + " to " + short_number(bound.upper) + " " + bound.unit +
                                  " (" + bound.what + "; data/sites/FORMAT.md, \"Site tables\")";
        if (v < 0 && bound.lower == 0)
          table_error(cell(ob, k, col) + ": found '" + excerpt(text(col)) + "', a negative " + bound.noun + ", expected " +
                      range);
        table_error(cell(ob, k, col) + ": found '" + excerpt(text(col)) + "' (" + format_number("%g", v) + " " +
                    bound.unit + "), expected " + range);
      }
      check_interval(ob, k, ob_soc, ob_lower, ob_upper, ob_level);
      if (ob_top >= 0 && ob_bot >= 0 && !text(ob_top).empty() && !text(ob_bot).empty() &&
          !(parse_number(ob, k, ob_top) < parse_number(ob, k, ob_bot)))
        table_error(cell(ob, k, ob_bot) + ": layer " + text(ob_top) + "-" + text(ob_bot) +
                    " cm, expected the bottom below the top (layer_top < layer_bot)");
      const std::string& site = row[static_cast<size_t>(ob_site)];
      const std::string& treatment = row[static_cast<size_t>(ob_tr)];
      if (!treatment_line.count({site, treatment}))
        table_error(cell(ob, k, ob_tr) + ": site '" + site + "', treatment '" + treatment + "' is not in " + tr.path +
                    ", expected a treatment of its site folder");
      // the key of an observation: site, treatment, plot, date, layer (layers compared as numbers)
      const auto layer = [&](int col) {
        return text(col).empty() ? std::string() : exact_number(parse_number(ob, k, col));
      };
      const std::string key = site + '\x1f' + treatment + '\x1f' + text(ob_plot) + '\x1f' + text(ob_date) + '\x1f' +
                              layer(ob_top) + '\x1f' + layer(ob_bot);
      const auto [it, fresh] = key_line.emplace(key, ob.lines[k]);
      if (!fresh)
        table_error(ob.path + ":" + std::to_string(ob.lines[k]) + ": duplicate observation (site_id '" + site +
                    "', treatment_id '" + treatment + "', plot_id '" + text(ob_plot) + "', observation_date '" +
                    text(ob_date) + "', layer " + text(ob_top) + "-" + text(ob_bot) + " cm), first on line " +
                    std::to_string(it->second) +
                    "; expected each observation once (key: site_id, treatment_id, plot_id, observation_date, "
                    "layer_top, layer_bot)");
    }

    for (size_t i = 0; i < tr.rows.size(); ++i) {
      SiteTreatment st;
      st.site = tr.rows[i][static_cast<size_t>(tr_site)];
      st.treatment = tr.rows[i][static_cast<size_t>(tr_id)];
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), st.site) == wanted.end()) continue;
      st.forcing = dir + "/forcing_" + st.treatment + ".csv";
      if (!exists(st.forcing)) continue;
      for (size_t k = 0; k < ob.rows.size(); ++k) {
        const auto& row = ob.rows[k];
        if (row[static_cast<size_t>(ob_site)] != st.site || row[static_cast<size_t>(ob_tr)] != st.treatment) continue;
        if (row[static_cast<size_t>(ob_stock)].empty()) continue;
        if (ob_qc >= 0 && row[static_cast<size_t>(ob_qc)].rfind("reject", 0) == 0) continue;
        SocObservation o;
        const int ycol = ob_year >= 0 && !row[static_cast<size_t>(ob_year)].empty() ? ob_year : ob_date;
        const std::string& when = row[static_cast<size_t>(ycol)];
        // a year, or a date starting with one (YYYY-MM-DD)
        const bool year_like = when.size() >= 4 && when.find_first_not_of("0123456789") >= 4 &&
                               (when.size() == 4 || when[4] == '-');
        o.year = year_like ? std::atoi(when.substr(0, 4).c_str()) : 0;
        if (o.year < 1000 || o.year > 3000)
          table_error(ob.path + ":" + std::to_string(ob.lines[k]) + ": observation year '" + excerpt(when) +
                      "' is not a calendar year");
        o.soc_stock = parse_number(ob, k, ob_stock);  // within kObservedBounds (checked above)
        if (ob_sd >= 0 && !row[static_cast<size_t>(ob_sd)].empty()) o.soc_stock_sd = parse_number(ob, k, ob_sd);
        // a spectral prediction interval of the concentration carries to the stock in proportion (the stock is
        // concentration x bulk density x depth): its bounds x soc_stock / soc; its normal-equivalent sd is the
        // stock's sd where soc_stock_sd is empty (docs/SITES.md, "Weighted metrics")
        if (ob_lower >= 0 && !row[static_cast<size_t>(ob_lower)].empty() && ob_soc >= 0 &&
            !row[static_cast<size_t>(ob_soc)].empty()) {
          const double soc = parse_number(ob, k, ob_soc);
          if (soc > 0) {
            const double scale = o.soc_stock / soc, lower = parse_number(ob, k, ob_lower),
                         upper = parse_number(ob, k, ob_upper), level = parse_number(ob, k, ob_level);
            o.soc_stock_lower = lower * scale;
            o.soc_stock_upper = upper * scale;
            if (o.soc_stock_sd < 0) o.soc_stock_sd = interval_sd(lower, upper, level) * scale;
          }
        }
        st.observations.push_back(o);
      }
      if (st.observations.size() >= 2) {
        st.first_year = st.observations.front().year;
        for (const auto& o : st.observations) st.first_year = std::min(st.first_year, o.year);
        double sum = 0;
        int n = 0;
        for (const auto& o : st.observations)
          if (o.year == st.first_year) sum += o.soc_stock, ++n;
        st.first_stock = sum / n;
        out.push_back(std::move(st));
      }
    }
    for (size_t i = 0; i < tr.rows.size(); ++i) found_sites.push_back(tr.rows[i][static_cast<size_t>(tr_site)]);
  }
  std::string unknown;
  for (const auto& w : wanted)
    if (std::find(found_sites.begin(), found_sites.end(), w) == found_sites.end()) unknown += (unknown.empty() ? "" : ", ") + w;
  if (!unknown.empty())
    table_error("--only-sites: no site " + unknown + " in " + sites_dir + " (site_id in its treatments.csv files)");
  if (out.empty())
    table_error(sites_dir + ": no site with a forcing file and at least two SOC stock observations" +
                (only_sites.empty() ? std::string() : " among sites " + only_sites));
  return out;
}

int run_evaluate(MPI_Comm comm, const EvaluateOptions& opt) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<SiteTreatment> sts;
  std::vector<ModelSpec> specs;
  std::string file_model;
  collectively(comm, [&] {
    for (const auto& m : opt.models) {
      if (std::count(opt.models.begin(), opt.models.end(), m) > 1)
        throw InputError("--models: '" + m + "' is named twice");
      ModelSpec spec = parse_model_spec(m);
      try {
        find_model(spec.model);
      } catch (const std::invalid_argument& e) {
        throw InputError(std::string("--models: ") + e.what());
      }
      if (!spec.parameters.empty()) {
        if (!std::filesystem::is_regular_file(spec.parameters))
          throw InputError("--models: '" + m + "': parameter file " + spec.parameters + " not found");
        const std::string named = model_of_parameter_file(spec.parameters);
        if (!named.empty() && named != spec.model)
          throw InputError("--models: '" + m + "': " + spec.parameters + " holds parameters of model '" + named + "'");
      }
      specs.push_back(std::move(spec));
    }
    sts = discover_site_treatments(opt.sites_dir, opt.only_sites);
    if (!opt.parameters.empty()) {
      file_model = model_of_parameter_file(opt.parameters);
      if (file_model.empty() && opt.models.size() > 1)
        throw InputError(opt.parameters + ": no model = \"...\" key, so it cannot say which of the " +
                         std::to_string(opt.models.size()) + " --models it is for (add the key, or evaluate one model)");
      if (!file_model.empty() && std::none_of(specs.begin(), specs.end(), [&](const ModelSpec& sp) { return sp.model == file_model; }))
        throw InputError(opt.parameters + ": parameters of model '" + file_model + "', which is not among --models");
    }
    if (rank == 0) {
      try {
        create_output_folder(opt.out_dir);
      } catch (const AtomicFileError& e) {
        throw InputError(e.what());
      }
    }
  });
  // --ensemble: the members' parameter sets (the same on every rank), for the model the file is for
  EnsembleDraws draws;
  if (opt.ensemble.members > 0)
    collectively(comm, [&] {
      const std::string model = !file_model.empty() ? file_model : specs.front().model;
      EnsembleOptions eo = opt.ensemble;
      eo.fit = opt.parameters;
      draws = draw_ensemble(eo, model);
      draws.model = model;
    });
  // a spec's own file, else --parameters for the model it names
  auto parameters_of = [&](const ModelSpec& sp) {
    return !sp.parameters.empty() ? sp.parameters : parameters_for(sp.model, opt.parameters, file_model);
  };
  // tasks: every model on every site and treatment, contiguous blocks per rank
  std::vector<std::pair<std::size_t, size_t>> tasks;
  for (std::size_t m = 0; m < specs.size(); ++m)
    for (size_t i = 0; i < sts.size(); ++i) tasks.emplace_back(m, i);
  const auto [b, e] = block_of(tasks.size(), rank, size);
  std::vector<Series> mine;
  std::string failures;  // one line per failed run: model, site, treatment, parameters, reason (tab-separated)
  int failed = 0;
  for (size_t t = b; t < e; ++t) {
    const auto& [m, i] = tasks[t];
    const ModelSpec& sp = specs[m];
    const std::string params = parameters_of(sp);
    try {
      Series s = simulate_series(sp.model, sts[i], opt.spinup, params, {}, sp.label);
      if (s.points.size() < 2)  // ran, but cannot be scored: said, not dropped
        throw InputError("only " + std::to_string(s.points.size()) + " of its " +
                         std::to_string(sts[i].observations.size()) +
                         " observations fall inside the forcing period, expected at least 2 to score it");
      if (!draws.values.empty() && sp.model == draws.model && params == opt.parameters)
        add_ensemble_band(s, sp.model, sts[i], opt.spinup, params, draws);
      mine.push_back(std::move(s));
    } catch (const std::exception& err) {  // bad input of this run, or a model that cannot run it
      std::string why = printable(err.what());
      std::replace(why.begin(), why.end(), '\t', ' ');
      failures += sp.label + "\t" + sts[i].site + "\t" + sts[i].treatment + "\t" +
                  (params.empty() ? "defaults" : params) + "\t" + why + "\n";
      ++failed;
    }
  }
  int failed_total = 0;
  MPI_Allreduce(&failed, &failed_total, 1, MPI_INT, MPI_SUM, comm);
  const std::string all = gather_text(comm, pack(mine));
  const std::string all_failures = gather_text(comm, failures);
  collectively(comm, [&] {  // rank 0 writes; every rank leaves with its outcome
    if (rank != 0) return;
    std::vector<Series> series = unpack(all);
    std::vector<FailedRun> failed_list;
    std::vector<std::string> failed_runs;
    for (std::size_t at = 0; at < all_failures.size();) {
      const std::size_t end = all_failures.find('\n', at);
      std::vector<std::string> f;
      std::stringstream line(all_failures.substr(at, end - at));
      for (std::string item; std::getline(line, item, '\t');) f.push_back(item);
      f.resize(5);
      failed_list.push_back({f[0], f[1], f[2], f[3], f[4]});
      failed_runs.push_back(f[0] + " on " + f[1] + "/" + f[2] + ": " + f[4]);
      at = end + 1;
    }
    if (!failed_runs.empty()) {
      std::fprintf(stderr, "alamod evaluate: %zu of %zu runs failed:\n", failed_runs.size(), tasks.size());
      for (const auto& f : failed_runs) std::fprintf(stderr, "  %s\n", f.c_str());
    }
    if (series.empty())
      throw InputError("no model run produced comparable results (" + std::to_string(failed_runs.size()) + " of " +
                       std::to_string(tasks.size()) + " runs failed, listed above)");
    // series are unique per (model, site, treatment): discover_site_treatments refuses duplicates
    if (opt.models.size() > 1) {
      auto mean = multi_model_mean(series, opt.models);
      for (auto& m : mean) m.parameters = "";
      series.insert(series.end(), mean.begin(), mean.end());
    }
    std::string models, params;
    for (const auto& sp : specs) {
      models += (models.empty() ? "" : ", ") + sp.label;
      const std::string p = parameters_of(sp);
      params += (params.empty() ? "" : "; ") + sp.label + ": " +
                (p.empty() ? std::string("defaults") : p + " (sha256 " + grids::sha256_file(p).substr(0, 16) + "...)");
    }
    std::size_t pet_runs = 0;
    std::string pet_note;
    for (const auto& s : series)
      if (!s.note.empty()) ++pet_runs, pet_note = s.note;
    const std::string prov = "alamod " + alamod_version() + " (git " + alamod_git_commit() + "), " + utc_now_iso() +
                             "; models: " + models + "; sites: " + opt.sites_dir + "; start: " + opt.spinup +
                             (opt.spinup == "observed" ? " (each treatment's first observed stock)" : "") + "; " +
                             std::to_string(size) + " MPI rank(s); " + library_versions() + "\nparameters: " + params +
                             (pet_runs ? "\nderived input: " + std::to_string(pet_runs) + " series: " + pet_note : std::string());
    write_metrics_csv(opt.out_dir + "/metrics.csv", series, failed_list);
    write_series_csv(opt.out_dir + "/simulated_series.csv", series);
    write_report_html(opt.out_dir + "/report.html", series, "alamod model evaluation against site SOC stocks", prov,
                      failed_runs, tasks.size());
    std::printf("evaluated %zu model x site x treatment series (%zu runs over %d ranks); wrote %s/metrics.csv, "
                "%s/simulated_series.csv and %s/report.html\n",
                series.size(), tasks.size(), size, opt.out_dir.c_str(), opt.out_dir.c_str(), opt.out_dir.c_str());
    if (!failed_runs.empty())
      std::fprintf(stderr,
                   "alamod: error: %zu of %zu runs failed (listed above, in %s/metrics.csv and %s/report.html); the "
                   "other runs were scored and written, exit status %d\n",
                   failed_runs.size(), tasks.size(), opt.out_dir.c_str(), opt.out_dir.c_str(), kExitSomeRunsFailed);
  });
  return failed_total > 0 ? kExitSomeRunsFailed : 0;
}

void run_calibrate(MPI_Comm comm, const CalibrateOptions& opt) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<SiteTreatment> sts;
  std::vector<CalibratedParameter> params;
  collectively(comm, [&] {
    const models::ModelInfo* info = nullptr;
    try {
      info = &find_model(opt.model).info;
    } catch (const std::invalid_argument& e) {
      throw InputError(std::string("--model: ") + e.what());
    }
    std::vector<std::string> names;
    for (const auto& p : info->parameters) names.push_back(p.name);
    try {
      validate_calibration_request(names, opt.parameters);
    } catch (const std::invalid_argument& e) {
      throw InputError(std::string("--parameters: ") + e.what());
    }
    for (const auto& want : opt.parameters)
      for (const auto& p : info->parameters)
        if (p.name == want) {
          if (!(p.lower < p.upper))
            throw InputError("--parameters: '" + p.name + "' has reversed bounds [" + std::to_string(p.lower) + ", " +
                             std::to_string(p.upper) + "]");
          params.push_back({p.name, p.unit, p.lower, p.upper, p.default_value});
        }
    sts = discover_site_treatments(opt.sites_dir, opt.only_sites);
    for (const auto& st : sts) read_site_forcing(st.forcing);  // bad forcing: exit 1 now, not inside the fit
    if (opt.weights == "sd" && !(opt.default_sd > 0)) {
      std::size_t without = 0, all = 0;
      for (const auto& st : sts)
        for (const auto& ob : st.observations) without += ob.soc_stock_sd > 0 ? 0 : 1, ++all;
      if (without > 0)
        throw InputError("--weights sd: " + std::to_string(without) + " of " + std::to_string(all) +
                         " observations have no soc_stock_sd (> 0), expected --default-sd SD (t ha-1) for them");
    }
    if (rank == 0) {
      const auto slash = opt.out.find_last_of('/');
      const std::string dir = slash == std::string::npos ? "." : opt.out.substr(0, std::max<size_t>(slash, 1));
      if (!std::filesystem::is_directory(dir) || access(dir.c_str(), W_OK) != 0)
        throw InputError("--out " + opt.out + ": folder " + dir + " does not exist or is not writable");
      if (std::filesystem::is_directory(opt.out)) throw InputError("--out " + opt.out + ": is a folder, expected a file name");
    }
  });
  // observations in a global order (site/treatment, then year); each rank owns a contiguous block of
  // whole site-treatments, so the residual vector is the same whatever the rank count
  auto fit = [&](const std::vector<size_t>& use, CalibrationResult& result) {
    const auto [b, e] = block_of(use.size(), rank, size);
    CalibrationProblem prob;
    prob.parameters = params;
    size_t local = 0;
    for (size_t k = b; k < e; ++k) local += sts[use[k]].observations.size();
    prob.local_count = local;
    prob.residuals = [&, b = b, e = e](const std::vector<double>& values, std::vector<double>& res) {
      res.clear();
      std::vector<std::pair<std::string, double>> pv;
      for (size_t j = 0; j < params.size(); ++j) pv.emplace_back(params[j].name, values[j]);
      for (size_t k = b; k < e; ++k) {
        const auto& st = sts[use[k]];
        SiteRunOptions o;
        o.model = opt.model;
        o.forcing = st.forcing;
        o.spinup = opt.spinup;
        o.parameter_values = pv;
        o.soc_initial = st.first_stock;
        o.soc_initial_source = "first observation, " + std::to_string(st.first_year) + ", soc_observations.csv";
        const auto soc = yearly_soc(simulate_site(o));
        for (const auto& ob : st.observations) {
          const auto it = soc.find(ob.year);
          // an observation outside the forcing period counts as a zero residual (documented)
          const double r = it == soc.end() ? 0.0 : it->second - ob.soc_stock;
          res.push_back(opt.weights == "sd" ? r / (ob.soc_stock_sd > 0 ? ob.soc_stock_sd : opt.default_sd) : r);
        }
      }
    };
    result = calibrate(comm, prob, opt.solver);
  };
  std::vector<size_t> all(sts.size());
  for (size_t i = 0; i < sts.size(); ++i) all[i] = i;
  CalibrationResult result;
  fit(all, result);
  // Bayesian calibration: adaptive Metropolis chains from the fit, spread over the ranks (chain c on rank
  // c mod size), each evaluating every site treatment itself; Gaussian residuals of the fit's variance
  // s^2 = SSR / (m - p), flat prior within the declared bounds.
  std::string posterior_toml;
  if (opt.mcmc > 0) {
    const std::size_t p = params.size();
    ChainSettings cs;
    cs.samples = opt.mcmc;
    cs.burn_in = opt.burn_in >= 0 ? opt.burn_in : opt.mcmc / 2;
    cs.seed = static_cast<std::uint64_t>(opt.seed);
    collectively(comm, [&] {
      if (opt.chains < 2) throw InputError("--chains: " + std::to_string(opt.chains) + ", expected at least 2 (Gelman-Rubin)");
      if (cs.burn_in + 4 > cs.samples)
        throw InputError("--burn-in: " + std::to_string(cs.burn_in) + " of " + std::to_string(cs.samples) +
                         " iterations, expected at least 4 iterations kept");
      if (!(result.observations > p)) throw InputError("--mcmc: no more observations than parameters");
    });
    const double s2 = result.ssr / static_cast<double>(result.observations - p);
    auto log_post = [&](const std::vector<double>& values) {
      std::vector<std::pair<std::string, double>> pv;
      for (size_t j = 0; j < p; ++j) pv.emplace_back(params[j].name, values[j]);
      double ssr = 0.0;
      for (const auto& st : sts) {
        SiteRunOptions o;
        o.model = opt.model;
        o.forcing = st.forcing;
        o.spinup = opt.spinup;
        o.parameter_values = pv;
        o.soc_initial = st.first_stock;
        o.soc_initial_source = "first observation";
        const auto soc = yearly_soc(simulate_site(o));
        for (const auto& ob : st.observations) {
          const auto it = soc.find(ob.year);
          if (it == soc.end()) continue;
          // the residuals of the fit: weighted by 1/sd with --weights sd (s2 is then theirs)
          const double r = it->second - ob.soc_stock;
          const double w = opt.weights == "sd" ? r / (ob.soc_stock_sd > 0 ? ob.soc_stock_sd : opt.default_sd) : r;
          ssr += w * w;
        }
      }
      return -0.5 * ssr / s2;
    };
    std::vector<std::vector<double>> cov(p, std::vector<double>(p, 0.0));
    std::vector<double> lower, upper;
    for (size_t j = 0; j < p; ++j) {
      lower.push_back(params[j].lower);
      upper.push_back(params[j].upper);
      for (size_t k = 0; k < p; ++k)
        cov[j][k] = result.standard_errors[j] * result.standard_errors[k] * result.correlation[j][k];
      if (!std::isfinite(cov[j][j]) || !(cov[j][j] > 0.0)) {  // no usable covariance: 1 % of the range
        for (size_t k = 0; k < p; ++k) cov[j][k] = cov[k][j] = 0.0;
        cov[j][j] = std::pow(0.01 * (upper[j] - lower[j]), 2);
      }
      for (size_t k = 0; k < p; ++k)
        if (!std::isfinite(cov[j][k])) cov[j][k] = 0.0;
    }
    std::string mine;
    collectively(comm, [&] {
      for (int c = rank; c < opt.chains; c += size) {
        const auto start = dispersed_start(result.values, cov, lower, upper, cs.seed, c);
        const Chain ch = adaptive_metropolis(log_post, start, cov, lower, upper, cs, c);
        std::ostringstream os;
        os.precision(17);
        os << "chain " << c << " " << ch.accepted << "\n";
        for (std::size_t t = 0; t < ch.samples.size(); ++t) {
          os << ch.log_posterior[t];
          for (double v : ch.samples[t]) os << " " << v;
          os << "\n";
        }
        mine += os.str();
      }
    });
    const std::string text = gather_text(comm, mine);
    collectively(comm, [&] {
      if (rank != 0) return;
      std::vector<Chain> chains(static_cast<std::size_t>(opt.chains));
      std::istringstream is(text);
      std::string word;
      int c = -1;
      for (std::string line; std::getline(is, line);) {
        std::istringstream ls(line);
        if (line.rfind("chain ", 0) == 0) {
          ls >> word >> c;
          ls >> chains[static_cast<std::size_t>(c)].accepted;
          continue;
        }
        double lp = 0;
        ls >> lp;
        std::vector<double> x(p);
        for (double& v : x) ls >> v;
        chains[static_cast<std::size_t>(c)].log_posterior.push_back(lp);
        chains[static_cast<std::size_t>(c)].samples.push_back(std::move(x));
      }
      const auto summary = diagnose(chains, cs.burn_in);
      std::string csv = "chain,iteration";
      for (const auto& q : params) csv += "," + q.name;
      csv += ",log_posterior\n";
      int accepted = 0;
      for (std::size_t k = 0; k < chains.size(); ++k) {
        accepted += chains[k].accepted;
        for (std::size_t t = static_cast<std::size_t>(cs.burn_in); t < chains[k].samples.size(); ++t) {
          csv += std::to_string(k) + "," + std::to_string(t);
          for (double v : chains[k].samples[t]) csv += "," + exact_number(v);
          csv += "," + exact_number(chains[k].log_posterior[t]) + "\n";
        }
      }
      const std::string samples_path = opt.out + ".posterior.csv";
      write_output_atomically(samples_path, csv);
      auto row = [&](const char* key, double ParameterSummary::*field) {
        std::string r = std::string(key) + " = [";
        for (std::size_t j = 0; j < p; ++j) r += (j ? ", " : "") + exact_number(summary[j].*field);
        return r + "]\n";
      };
      std::ostringstream t;
      t << "\n[fit.posterior]  # adaptive Metropolis (Haario et al. 2001); arrays in the order of fit.parameters\n"
        << "chains = " << opt.chains << "\niterations = " << cs.samples << "\nburn_in = " << cs.burn_in
        << "\nseed = " << opt.seed << "\nacceptance = "
        << exact_number(double(accepted) / double(opt.chains * cs.samples))
        << "\nresidual_variance = " << exact_number(s2) << "  # s^2 of the fit, t2 ha-2\n"
        << "samples = \"" << samples_path << "\"\n"
        << row("mean", &ParameterSummary::mean) << row("sd", &ParameterSummary::sd)
        << row("q05", &ParameterSummary::q05) << row("q50", &ParameterSummary::q50)
        << row("q95", &ParameterSummary::q95) << row("r_hat", &ParameterSummary::r_hat)
        << row("ess", &ParameterSummary::ess);
      posterior_toml = t.str();
      std::printf("posterior (%d chains x %d iterations, burn-in %d, acceptance %.2f): ", opt.chains, cs.samples,
                  cs.burn_in, double(accepted) / double(opt.chains * cs.samples));
      for (std::size_t j = 0; j < p; ++j)
        std::printf("%s = %.6g (90 %%: %.6g to %.6g), R-hat %.3f, ESS %.0f; ", params[j].name.c_str(),
                    summary[j].mean, summary[j].q05, summary[j].q95, summary[j].r_hat, summary[j].ess);
      std::printf("wrote %s\n", samples_path.c_str());
    });
  }
  collectively(comm, [&] {  // rank 0 writes; every rank leaves with its outcome
    if (rank != 0) return;
    std::ostringstream prov;
    prov << "alamod calibrate --model " << opt.model << " --sites " << opt.sites_dir << " --solver " << opt.solver;
    if (opt.weights == "sd") prov << " --weights sd --default-sd " << opt.default_sd;
    prov << "; site treatments:";
    for (const auto& st : sts) prov << " " << st.site << "/" << st.treatment << "(" << st.observations.size() << ")";
    write_parameter_file(opt.out, opt.model, result, params, prov.str(), posterior_toml);
    std::printf("calibrated %s on %zu site treatments (%zu observations): ", opt.model.c_str(), sts.size(),
                result.observations);
    for (size_t j = 0; j < params.size(); ++j)
      std::printf("%s = %.6g +- %.2g %s; ", params[j].name.c_str(), result.values[j], result.standard_errors[j],
                  params[j].unit.c_str());
    std::printf("RMSE %.4g %s, %d iterations (%s); wrote %s\n", result.rmse,
                opt.weights == "sd" ? "(residuals in standard deviations)" : "t ha-1", result.iterations,
                result.converged_reason.c_str(), opt.out.c_str());
  });
  if (opt.cross_validate) {
    // leave one site out: fit on the others, score the left-out site's treatments
    std::vector<std::string> sites;
    for (const auto& st : sts)
      if (std::find(sites.begin(), sites.end(), st.site) == sites.end()) sites.push_back(st.site);
    std::ostringstream csv;
    csv << "left_out_site,parameter_values,n,rmse_t_ha,bias_t_ha,efficiency\n";
    for (const auto& left : sites) {
      std::vector<size_t> train;
      for (size_t i = 0; i < sts.size(); ++i)
        if (sts[i].site != left) train.push_back(i);
      if (train.empty()) continue;
      CalibrationResult r;
      fit(train, r);
      std::vector<std::pair<std::string, double>> pv;
      std::string values;
      for (size_t j = 0; j < params.size(); ++j) {
        pv.emplace_back(params[j].name, r.values[j]);
        values += (j ? " " : "") + params[j].name + "=" + std::to_string(r.values[j]);
      }
      std::vector<SeriesPoint> pts;
      for (const auto& st : sts) {
        if (st.site != left) continue;
        const Series s = simulate_series(opt.model, st, opt.spinup, "", pv);
        pts.insert(pts.end(), s.points.begin(), s.points.end());
      }
      if (rank == 0 && pts.size() >= 2) {
        const Metrics m = compute_metrics(pts);
        csv << left << "," << values << "," << m.n << "," << m.rmse << "," << m.bias << "," << m.efficiency << "\n";
      }
    }
    collectively(comm, [&] {
      if (rank != 0) return;
      const std::string path = opt.out + ".crossval.csv";
      write_output_atomically(path, csv.str());
      std::printf("leave-one-site-out cross-validation: wrote %s\n", path.c_str());
    });
  }
  MPI_Barrier(comm);
}

}  // namespace alamod::engine
