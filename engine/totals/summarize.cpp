// `alamod summarize`: the totals of a finished run's output, read back in parallel.
#include "engine/totals/summarize.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"
#include "engine/totals/output_reader.hpp"
#include "engine/totals/report.hpp"
#include "engine/totals/totals.hpp"
#include "engine/totals/totals_files.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

namespace fs = std::filesystem;

/// The run's output file: RUN itself, or the one NetCDF file in the folder RUN that holds cSoil and
/// the run's configuration (rank 0).
std::string find_output(const std::string& run) {
  std::error_code ec;
  if (fs::is_regular_file(run, ec)) return run;
  if (!fs::is_directory(run, ec))
    throw InputError(run + ": no such run folder or output file (give the --out folder of alamod run)");
  std::vector<std::string> found;
  for (const auto& entry : fs::directory_iterator(run, ec)) {
    const std::string p = entry.path().string();
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".nc" || name == "totals.nc" || name[0] == '.' ||
        name.find(".checkpoint_") != std::string::npos)
      continue;
    try {
      StockReader probe(p);
      if (!probe.attribute("alamod_config").empty()) found.push_back(p);
    } catch (const InputError&) {
    }
  }
  std::sort(found.begin(), found.end());
  if (found.empty())
    throw InputError(run + ": holds no output of alamod run (a NetCDF file with cSoil, cSoilInitial and the run's "
                           "configuration in alamod_config)");
  if (found.size() > 1)
    throw InputError(run + ": holds " + std::to_string(found.size()) + " run outputs (" + found[0] + ", " + found[1] +
                     (found.size() > 2 ? ", ..." : "") + "); give the file: alamod summarize FILE.nc");
  return found.front();
}

std::string directory_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string resolve(const std::string& dir, const std::string& p) {
  if (p.empty() || p.front() == '/') return p;
  return dir.empty() ? p : dir + "/" + p;
}

/// A configuration's text (TOML) with the file it names paths relative to.
struct ConfigText {
  toml::table table;
  std::string file, dir;
  std::string text(const char* key, const std::string& fallback = "") const {
    const auto n = table.at_path(key);
    if (!n) return fallback;
    if (const auto v = n.value<std::string>()) return *v;
    throw InputError(file + ": key '" + key + "' must be a string");
  }
  std::string path(const char* key) const { return resolve(dir, text(key)); }
  double number(const char* key, double fallback) const {
    const auto n = table.at_path(key);
    if (!n) return fallback;
    if (const auto v = n.value<double>()) return *v;
    throw InputError(file + ": key '" + key + "' must be a number");
  }
};

ConfigText parse_config(const std::string& text, const std::string& file, const std::string& what) {
  ConfigText c;
  c.file = file;
  c.dir = directory_of(file);
  try {
    c.table = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw InputError(what + ": " + std::string(e.description()));
  }
  return c;
}

/// The totals' inputs from a configuration: the land-use map, its classes and the zone layers.
void read_inputs(const ConfigText& c, TotalsSetup& s) {
  s.land_use = c.path("inputs.land_use");
  if (s.land_use.empty()) throw InputError(c.file + ": no inputs.land_use (the land-use classes of the totals)");
  s.region = c.path("inputs.region");
  s.departement = c.path("inputs.departement");
  s.pedoclimatic_zone = c.path("inputs.pedoclimatic_zone");
  s.zone_names = c.path("inputs.zone_names");
  s.zones = c.path("totals.zones");
  s.zone_field = c.text("totals.zone_field");
  s.zone_subcells = static_cast<int>(c.number("totals.zone_subcells", 8));
  std::vector<std::pair<int, std::string>> classes;
  if (const auto* lu = c.table["land_use"].as_table())
    for (const auto& [name, node] : *lu)
      if (const auto* t = node.as_table())
        if (const auto code = (*t)["code"].value<std::int64_t>())
          classes.emplace_back(static_cast<int>(*code), std::string(name.str()));
  if (classes.empty()) throw InputError(c.file + ": no [land_use.NAME] class with a code");
  std::sort(classes.begin(), classes.end());
  s.class_codes.clear();
  s.class_names.clear();
  for (const auto& [code, name] : classes) {
    s.class_codes.push_back(code);
    s.class_names.push_back(name);
  }
}

bool exists(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0;
}

}  // namespace

void run_summarize(MPI_Comm comm, const SummarizeOptions& o) {
  const double t0 = MPI_Wtime();
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::string output;
  collectively(comm, [&] {
    if (rank == 0) output = find_output(o.run);
  });
  {
    int len = static_cast<int>(output.size());
    MPI_Bcast(&len, 1, MPI_INT, 0, comm);
    output.resize(static_cast<size_t>(len));
    MPI_Bcast(output.data(), len, MPI_CHAR, 0, comm);
  }
  std::unique_ptr<StockReader> reader;
  TotalsSetup s;
  std::map<std::string, std::string> attributes;
  collectively(comm, [&] {
    reader = std::make_unique<StockReader>(output);
    const std::string stored = reader->attribute("alamod_config");
    const std::string file = reader->attribute("alamod_config_file");
    if (stored.empty()) throw InputError(output + ": holds no alamod_config (not an output of alamod run?)");
    const ConfigText run = parse_config(stored, file, output + ": alamod_config");
    s.model = reader->attribute("alamod_model");
    s.first_year = static_cast<int>(run.number("run.start_year", 1990));
    const int last = static_cast<int>(run.number("run.end_year", 2100));
    s.years = reader->years();
    if (s.years != last - s.first_year + 1)
      throw InputError(output + ": holds " + std::to_string(s.years) + " years, its configuration " +
                       std::to_string(last - s.first_year + 1) + " (" + std::to_string(s.first_year) + "-" +
                       std::to_string(last) + "); an unfinished run?");
    s.grid = grids::GridSpec::from_extent(run.text("grid.crs", "EPSG:2154"), run.number("grid.xmin", 0),
                                          run.number("grid.ymin", 0), run.number("grid.xmax", 0),
                                          run.number("grid.ymax", 0), run.number("grid.resolution", 0));
    if (s.grid.nx != reader->nx() || s.grid.ny != reader->ny())
      throw InputError(output + ": its grid (" + std::to_string(reader->nx()) + " x " + std::to_string(reader->ny()) +
                       ") is not its configuration's");
    s.depth_cm = run.number("run.soil_depth_cm", 30.0);
    if (o.config.empty()) {
      read_inputs(run, s);
    } else {
      std::ifstream in(o.config);
      if (!in) throw InputError(o.config + ": configuration file not found or not readable");
      std::ostringstream text;
      text << in.rdbuf();
      read_inputs(parse_config(text.str(), o.config, o.config), s);
    }
    if (!o.zones.empty()) {
      s.zones = o.zones;
      s.zone_field = o.zone_field;
    }
    if (o.zone_subcells > 0) s.zone_subcells = o.zone_subcells;
    s.report = !o.no_report;
    s.stored_as_float = false;  // the values come as stored
    s.significant_bits = 0;
    s.out_dir = o.out_dir.empty() ? (fs::is_directory(o.run) ? o.run : directory_of(output)) : o.out_dir;
    if (s.out_dir.empty()) s.out_dir = ".";
    for (const char* key : {"alamod_version", "alamod_git_commit", "alamod_model", "alamod_model_parameters",
                            "alamod_config_file", "alamod_config_sha256", "alamod_input_checksums", "alamod_spinup"})
      if (const std::string v = reader->attribute(key); !v.empty()) attributes[key] = v;
    if (rank == 0) {
      for (const char* f : {"totals.csv", "totals.nc", ReportFiles::html})
        if (!o.overwrite && exists(s.out_dir + "/" + f))
          throw InputError(s.out_dir + "/" + f + ": already exists; choose another --out folder or pass --overwrite");
      std::error_code ec;
      fs::create_directories(s.out_dir, ec);
      if (!fs::is_directory(s.out_dir)) throw InputError(s.out_dir + ": cannot create the output folder");
    }
  });
  // each rank reads its own chunk rows (whole chunks: each decompressed once) and sums their land cells
  const int chunk = std::max(1, reader->chunk_rows());
  const int chunks = (s.grid.ny + chunk - 1) / chunk;
  const int row0 = std::min(s.grid.ny, chunks * rank / size * chunk);
  const int row1 = std::min(s.grid.ny, chunks * (rank + 1) / size * chunk);
  std::vector<std::int64_t> cells;
  std::vector<double> start;
  collectively(comm, [&] {
    const std::vector<double> rows = reader->read_rows(-1, row0, row1 - row0);
    for (size_t i = 0; i < rows.size(); ++i)
      if (!std::isnan(rows[i])) {
        cells.push_back(static_cast<std::int64_t>(row0) * s.grid.nx + static_cast<std::int64_t>(i));
        start.push_back(rows[i]);
      }
  });
  // a run on tiles: the classes' areas and stocks are the tiles' (area_fraction, cSoilTile), in code order
  std::vector<int> layer_of;  // per class of s.class_names, its landcover layer in the output
  std::vector<std::vector<double>> fractions;
  collectively(comm, [&] {
    const std::vector<std::string> layers = reader->tile_classes();
    if (layers.empty()) return;
    for (const auto& name : s.class_names) {
      const auto it = std::find(layers.begin(), layers.end(), name);
      if (it == layers.end())
        throw InputError(output + ": its land-cover layers (area_type) have no class " + name +
                         " of the configuration");
      layer_of.push_back(static_cast<int>(it - layers.begin()));
      fractions.push_back(reader->read_fraction_cells(layer_of.back(), cells));
    }
  });
  auto tiles = [&](int y) {
    std::vector<std::vector<double>> t;
    for (const int k : layer_of) t.push_back(reader->read_tile_cells(y, k, s.grid, cells));
    return t;
  };
  const bool yearly = !layer_of.empty() && reader->fractions_per_year();  // land-use change
  auto fractions_of = [&](int y) {
    std::vector<std::vector<double>> f;
    if (yearly)
      for (const int k : layer_of) f.push_back(reader->read_fraction_cells(k, cells, y));
    return f;
  };
  ZoneTotals totals(comm, s, cells, fractions);  // bad zone layers stop here, before anything is written
  {
    std::vector<std::vector<double>> t, f;
    collectively(comm, [&] {
      t = tiles(-1);
      f = fractions_of(-1);
    });
    totals.add_start(start, t, f);
  }
  for (int y = 0; y < s.years; ++y) {
    std::vector<double> stock;
    std::vector<std::vector<double>> t, f;
    collectively(comm, [&] {
      stock = reader->read_cells(y, s.grid, cells);
      t = tiles(y);
      f = fractions_of(y);
    });
    totals.add_year(y, stock, t, f);
  }
  reader.reset();
  attributes["history"] = utc_now_iso() + ": alamod summarize " + o.run + " (" + std::to_string(size) + " ranks)";
  const std::string provenance = "run output: " + output + "\nalamod_model: " + s.model +
                                 "\nconfiguration: " + attributes["alamod_config_file"] + "\nsummarized by alamod " +
                                 alamod_version() + " (git " + alamod_git_commit() + ") on " + std::to_string(size) +
                                 " MPI rank(s)\nwritten: " + utc_now_iso();
  const TotalsTable table = totals.finish(attributes, provenance);
  if (rank == 0) {
    const TotalsRow& fr = table.national();
    const TotalsChange c = totals_change(table, fr, table.years() - 1);
    std::printf("summarize %s: %zu zones x land covers, %d years; %s: %s Tg C on 1 January %d, %s Tg C at the end of "
                "%d (%+.2f %%); wrote %s/totals.csv, totals.nc%s in %.2f s\n",
                output.c_str(), table.rows.size(), table.years(), fr.name.c_str(),
                format_number("%.2f", fr.start_TgC).c_str(), table.first_year, format_number("%.2f", fr.TgC.back()).c_str(),
                table.first_year + table.years() - 1, c.change_pct, s.out_dir.c_str(),
                s.report ? ", report.html" : "", MPI_Wtime() - t0);
  }
}

}  // namespace alamod::engine
