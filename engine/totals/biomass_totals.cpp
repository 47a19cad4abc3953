// Biomass in the national totals: biomass_totals.hpp.
#include "engine/totals/biomass_totals.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "engine/common/atomic_file.hpp"
#include "engine/totals/output_reader.hpp"
#include "engine/totals/run_totals.hpp"
#include "engine/totals/totals.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

BiomassTotals write_biomass_totals(MPI_Comm comm, const RunConfig& cfg, const std::string& out_dir,
                                   const std::string& output_path, const std::vector<std::int64_t>& cells) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string work = out_dir + "/.biomass_totals";
  if (rank == 0) std::filesystem::create_directories(work);
  MPI_Barrier(comm);
  TotalsSetup setup = totals_setup(cfg, work);
  setup.report = false;
  const StockReader reader(output_path, "cVeg", "cVegInitial");
  // the fractions per class of the totals (by code) from the output's layers (by name)
  const std::vector<std::string> layers = reader.tile_classes();
  std::vector<std::vector<double>> fraction;
  std::size_t forest = setup.class_names.size();
  for (std::size_t k = 0; k < setup.class_names.size(); ++k) {
    if (setup.class_names[k] == "forest") forest = k;
    std::size_t layer = 0;
    while (layer < layers.size() && layers[layer] != setup.class_names[k]) ++layer;
    fraction.push_back(layer < layers.size() ? reader.read_fraction_cells(static_cast<int>(layer), cells)
                                             : std::vector<double>(cells.size(), 0.0));
  }
  ZoneTotals totals(comm, setup, cells, fraction);
  // each vegetated class's share of cVeg (cVeg_CLASS, cVegInitial_CLASS at the start), its tiles' stock that
  // share over the class's fraction
  std::vector<std::unique_ptr<StockReader>> class_reader(setup.class_names.size());
  for (std::size_t k = 0; k < setup.class_names.size(); ++k)
    if (reader.has_variable("cVeg_" + setup.class_names[k]))
      class_reader[k] = std::make_unique<StockReader>(output_path, "cVeg_" + setup.class_names[k],
                                                      "cVegInitial_" + setup.class_names[k]);
  auto t_ha = [](std::vector<double> v) {  // kg m-2 -> t C ha-1
    for (double& x : v) x *= 10.0;
    return v;
  };
  auto tile_stocks = [&](int year, const std::vector<double>& cell) {
    std::vector<std::vector<double>> tiles(setup.class_names.size(), std::vector<double>(cell.size(), 0.0));
    for (std::size_t k = 0; k < tiles.size(); ++k) {
      std::vector<double> share;
      if (class_reader[k]) share = t_ha(class_reader[k]->read_cells(year, cfg.grid, cells));
      else if (k == forest) share = cell;  // an output without cVeg_CLASS: all of it the forest's
      else continue;
      for (std::size_t i = 0; i < cell.size(); ++i)
        if (fraction[k][i] > 0.0) tiles[k][i] = share[i] / fraction[k][i];
    }
    return tiles;
  };
  const std::vector<double> start = t_ha(reader.read_cells(-1, cfg.grid, cells));
  totals.add_start(start, tile_stocks(-1, start));
  const double start_tg = totals.national_TgC(start, false);
  std::vector<double> last = start;
  for (int y = 0; y < reader.years(); ++y) {
    last = t_ha(reader.read_cells(y, cfg.grid, cells));
    totals.add_year(y, last, tile_stocks(y, last));
  }
  const double end_tg = totals.national_TgC(last, false);
  BiomassTotals result;
  result.table = totals.finish({{"alamod_quantity", "vegetation carbon (cVeg)"}}, "");
  result.start_TgC = start_tg;
  result.end_TgC = end_tg;
  if (rank == 0) {
    // the soil's column names become the biomass's; GSOCseq's soil columns are left out
    std::ifstream in(work + "/totals.csv");
    std::string line, text;
    std::vector<bool> keep;
    bool header = true;
    while (std::getline(in, line)) {
      std::vector<std::string> fields;
      std::string f;
      bool quoted = false;
      for (char c : line) {
        if (c == '"') quoted = !quoted;
        if (c == ',' && !quoted) {
          fields.push_back(f);
          f.clear();
        } else {
          f += c;
        }
      }
      fields.push_back(f);
      if (header) {
        for (auto& name : fields) {
          keep.push_back(name.rfind("gsocseq", 0) != 0);
          if (name.rfind("soc_", 0) == 0) name = "biomass_" + name.substr(4);
        }
        header = false;
      }
      std::string out;
      for (std::size_t k = 0; k < fields.size(); ++k)
        if (k < keep.size() && keep[k]) out += (out.empty() ? "" : ",") + fields[k];
      text += out + "\n";
    }
    write_file_atomically(out_dir + "/biomass_totals.csv", text);
    std::filesystem::remove_all(work);
  }
  MPI_Barrier(comm);
  return result;
}

}  // namespace alamod::engine
