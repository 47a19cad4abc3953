// Values a grid run must not let through (issue 18, item 7): the yearly check of every owned cell
// refuses a non-finite pool, stock or flux, naming the year, the cell and the variable, before the
// carbon balance; the CF writer refuses, on every rank, a value its variable cannot hold (infinite, or
// beyond a float's range in a float variable, which would be written as inf), naming the variable
// and the cell. The writer stages multi-layer variables one layer at a time and writes the cells'
// latitude and longitude in bands of rows: the file holds every value where it belongs.
#include <gtest/gtest.h>
#include <mpi.h>
#include <netcdf.h>
#include <unistd.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/grid_run/year_checks.hpp"
#include "grids/cf_writer.hpp"
#include "grids/grid_spec.hpp"
#include "grids/input_error.hpp"
#include "grids/lon_lat.hpp"
#include "tests/mpi_world.hpp"

namespace {

using alamod::InputError;
using alamod::grids::GridSpec;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kNx = 8, kNy = 6;

GridSpec grid() { return GridSpec::from_extent("EPSG:2154", 400000.0, 6600000.0, 464000.0, 6648000.0, 8000.0); }

/// The message of the InputError that `step` throws ("" when it throws none).
template <class F>
std::string error_of(F step) {
  try {
    step();
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

// ---- the yearly check of the owned cells (engine/grid_run/year_checks.hpp)

struct Year {
  std::vector<std::int64_t> cells{3, 17, 42};
  std::vector<std::vector<double>> pools{{1.0, 2.0, 3.0}, {10.0, 20.0, 30.0}};
  std::vector<std::string> names{"active", "stable"};
  std::vector<double> start{11.0, 22.0, 33.0}, end{11.0, 22.0, 33.0};
  alamod::engine::YearFluxes fluxes{{1.0, 1.0, 1.0}, {0.75, 1.0, 1.0}, {0.25, 0.0, 0.0}};
  GridSpec g = grid();
  alamod::engine::YearValues values() {
    for (std::size_t i = 0; i < cells.size(); ++i) end[i] = pools[0][i] + pools[1][i];
    return {1995, &g, &cells, &pools, &names, &start, &end, &fluxes};
  }
};

TEST(YearChecks, BalancedFiniteYearPasses) {
  Year y;
  EXPECT_EQ(error_of([&] { alamod::engine::check_year_values(y.values(), 1e-9); }), "");
}

TEST(YearChecks, InfinitePoolIsNamedWithItsCell) {
  Year y;
  y.pools[1][1] = kInf;
  const std::string e = error_of([&] { alamod::engine::check_year_values(y.values(), 1e-9); });
  EXPECT_NE(e.find("non-finite value in 1995"), std::string::npos) << e;
  EXPECT_NE(e.find("cSoilPools pool stable = inf t ha-1"), std::string::npos) << e;
  EXPECT_NE(e.find(y.g.describe_cell(17)), std::string::npos) << e;  // row 2, col 1, x and y
  EXPECT_EQ(e.find("balance"), std::string::npos) << "a non-finite value is not a balance error: " << e;
}

TEST(YearChecks, NaNFluxIsNamedWithItsCell) {
  Year y;
  y.fluxes.rh[2] = std::nan("");
  const std::string e = error_of([&] { alamod::engine::check_year_values(y.values(), 1e-9); });
  EXPECT_NE(e.find("rh = nan t ha-1 yr-1"), std::string::npos) << e;
  EXPECT_NE(e.find(y.g.describe_cell(42)), std::string::npos) << e;
}

TEST(YearChecks, OpposedInfinitiesAreNotABalanceError) {
  // stock inf at both ends: the change inf - inf is NaN; the pool is named, not the balance
  Year y;
  y.pools[0][0] = kInf;
  y.start[0] = kInf;
  const std::string e = error_of([&] { alamod::engine::check_year_values(y.values(), 1e-9); });
  EXPECT_NE(e.find("cSoilPools pool active = inf"), std::string::npos) << e;
  EXPECT_NE(e.find(y.g.describe_cell(3)), std::string::npos) << e;
}

TEST(YearChecks, BalanceStillChecked) {
  Year y;
  y.fluxes.input[1] = 2.0;  // one more tonne in than the stock shows
  const std::string e = error_of([&] { alamod::engine::check_year_values(y.values(), 1e-9); });
  EXPECT_NE(e.find("carbon balance violated in 1995"), std::string::npos) << e;
  EXPECT_NE(e.find(y.g.describe_cell(17)), std::string::npos) << e;
}

// ---- the CF writer (grids/cf_writer.hpp), collective over the ranks

std::string output_path() {
  int pid = alamod::testing::world_rank() == 0 ? static_cast<int>(getpid()) : 0;
  MPI_Bcast(&pid, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return "/tmp/alamod_test_grid_run_values_" + std::to_string(pid) + ".nc";
}

alamod::grids::OutputVariable variable(const std::string& name, bool per_pool, bool dbl) {
  alamod::grids::OutputVariable v;
  v.name = name;
  v.long_name = name + " (test)";
  v.units = "t ha-1";
  v.per_pool = per_pool;
  v.double_precision = dbl;
  return v;
}

TEST(CfWriterValues, UnwritableValuesAreRefusedOnEveryRank) {
  const int rank = alamod::testing::world_rank(), ranks = alamod::testing::world_size();
  alamod::grids::OutputFileSpec spec;
  spec.path = output_path();
  spec.grid = grid();
  spec.first_year = 2000;
  spec.n_years = 1;
  spec.pools = {"A", "B"};
  spec.variables = {variable("cFloat", false, false), variable("cDouble", false, true),
                    variable("cPools", true, false)};
  const std::int64_t n = kNx * kNy, begin = n * rank / ranks, end = n * (rank + 1) / ranks;
  alamod::grids::CfWriter w(MPI_COMM_WORLD, spec, begin, end);
  const std::vector<double> fine(static_cast<std::size_t>(end - begin), 42.0);
  EXPECT_EQ(error_of([&] { w.write("cFloat", 0, fine); }), "");
  // the last cell of the grid, on the last rank: every rank learns of it and leaves the write together
  const std::int64_t last = n - 1;
  std::vector<double> bad = fine;
  if (rank == ranks - 1) bad.back() = kInf;
  std::string e = error_of([&] { w.write("cFloat", 0, bad); });
  EXPECT_NE(e.find(spec.path + ": refused to write cFloat = inf at " + spec.grid.describe_cell(last) +
                   ": not a finite number"),
            std::string::npos)
      << e;
  if (rank == ranks - 1) bad.back() = 1e39;  // finite, but inf once a float
  e = error_of([&] { w.write("cFloat", 0, bad); });
  EXPECT_NE(e.find("cFloat = 1e+39 at " + spec.grid.describe_cell(last) + ": beyond what a float"),
            std::string::npos)
      << e;
  EXPECT_EQ(error_of([&] { w.write("cDouble", 0, bad); }), "") << "a double holds 1e39";
  // a pool, named by its label; NaN is the sea's fill and passes
  std::vector<std::vector<double>> pools = {fine, fine};
  if (rank == 0) pools[0][0] = std::nan("");
  EXPECT_EQ(error_of([&] { w.write_pools("cPools", 0, pools); }), "");
  if (rank == ranks - 1) pools[1].back() = -kInf;
  e = error_of([&] { w.write_pools("cPools", 0, pools); });
  EXPECT_NE(e.find("cPools pool B = -inf at " + spec.grid.describe_cell(last)), std::string::npos) << e;
  w.abandon();
}

// Ranges that are not whole rows (a partial first row, whole rows, a partial last row on each rank) and a
// grid taller than one chunk (output_chunk_rows = 8 of 40 rows: lat/lon in 5 bands): each layer staged
// from a buffer the caller refills, every value read back at its cell, lat and lon as computed at once.
TEST(CfWriterValues, LayersStagedOneAtATimeAndLatLonInBandsLandWhereTheyBelong) {
  const int rank = alamod::testing::world_rank(), ranks = alamod::testing::world_size();
  const GridSpec g = GridSpec::from_extent("EPSG:2154", 400000.0, 6600000.0, 464000.0, 6920000.0, 8000.0);
  EXPECT_EQ(g.nx, 8);
  EXPECT_EQ(g.ny, 40);
  EXPECT_EQ(alamod::grids::output_chunk_rows(g), 8);
  alamod::grids::OutputFileSpec spec;
  spec.path = output_path();
  spec.grid = g;
  spec.first_year = 2000;
  spec.n_years = 2;
  spec.pools = {"A", "B", "C"};
  spec.variables = {variable("cPools", true, false), variable("cPoolsDouble", true, true)};
  const std::int64_t n = g.cells();
  auto first = [&](int r) { return r == 0 ? 0 : r == ranks ? n : n * r / ranks + 5; };
  const std::int64_t begin = first(rank), end = first(rank + 1);
  EXPECT_TRUE(end == n || end % g.nx != 0) << "a range of whole rows";
  auto value = [](std::int64_t cell, std::size_t p, int year) {  // exact in a float; every 5th cell is sea
    return cell % 5 == 0 ? std::nan("") : static_cast<double>(cell) * 10.0 + static_cast<double>(p) + 0.25 * year;
  };
  {
    alamod::grids::CfWriter w(MPI_COMM_WORLD, spec, begin, end);
    std::vector<double> buffer;
    for (int year = 0; year < 2; ++year)
      for (const char* name : {"cPools", "cPoolsDouble"}) {
        std::vector<std::size_t> asked;
        w.write_layers(name, year, 3, [&](std::size_t p) -> const std::vector<double>& {
          asked.push_back(p);
          buffer.assign(static_cast<std::size_t>(end - begin), -1.0);  // the previous layer is gone
          for (std::int64_t c = begin; c < end; ++c) buffer[static_cast<std::size_t>(c - begin)] = value(c, p, year);
          return buffer;
        });
        EXPECT_EQ(asked, (std::vector<std::size_t>{0, 1, 2})) << name;
      }
    w.commit();
  }
  // rank 0 reads the file back (a failed ASSERT leaves the lambda, not the test: the barrier is still met)
  if (rank == 0) [&] {
    int nc = -1, id = -1;
    ASSERT_EQ(nc_open(spec.path.c_str(), NC_NOWRITE, &nc), NC_NOERR);
    std::vector<float> f(static_cast<std::size_t>(2 * 3 * n));
    std::vector<double> d(f.size());
    ASSERT_EQ(nc_inq_varid(nc, "cPools", &id), NC_NOERR);
    ASSERT_EQ(nc_get_var_float(nc, id, f.data()), NC_NOERR);
    ASSERT_EQ(nc_inq_varid(nc, "cPoolsDouble", &id), NC_NOERR);
    ASSERT_EQ(nc_get_var_double(nc, id, d.data()), NC_NOERR);
    int wrong = 0;
    for (int year = 0; year < 2; ++year)
      for (std::size_t p = 0; p < 3; ++p)
        for (std::int64_t c = 0; c < n; ++c) {
          const std::size_t k = (static_cast<std::size_t>(year) * 3 + p) * static_cast<std::size_t>(n) + static_cast<std::size_t>(c);
          const double v = value(c, p, year);
          const double want = std::isnan(v) ? 1.0e20 : v;
          if (f[k] != static_cast<float>(want) || d[k] != want) ++wrong;
        }
    EXPECT_EQ(wrong, 0) << "values not at their cell, pool and year";
    // lat and lon of the cells and their corners: as computed for the whole grid at once
    const alamod::grids::CellLonLat all = alamod::grids::cell_lon_lat(g, 0, n);
    std::vector<double> lat(static_cast<std::size_t>(n)), lon(lat.size());
    std::vector<float> lat_b(4 * lat.size()), lon_b(4 * lat.size());
    for (const auto& [name, out] : {std::pair<const char*, double*>{"lat", lat.data()}, {"lon", lon.data()}}) {
      ASSERT_EQ(nc_inq_varid(nc, name, &id), NC_NOERR);
      ASSERT_EQ(nc_get_var_double(nc, id, out), NC_NOERR);
    }
    for (const auto& [name, out] : {std::pair<const char*, float*>{"lat_bnds", lat_b.data()}, {"lon_bnds", lon_b.data()}}) {
      ASSERT_EQ(nc_inq_varid(nc, name, &id), NC_NOERR);
      ASSERT_EQ(nc_get_var_float(nc, id, out), NC_NOERR);
    }
    nc_close(nc);
    wrong = 0;
    for (std::size_t i = 0; i < lat.size(); ++i) {
      if (lat[i] != all.lat[i] || lon[i] != all.lon[i]) ++wrong;
      for (std::size_t v = 0; v < 4; ++v)
        if (lat_b[4 * i + v] != static_cast<float>(all.vertex_lat[4 * i + v]) ||
            lon_b[4 * i + v] != static_cast<float>(all.vertex_lon[4 * i + v]))
          ++wrong;
    }
    EXPECT_EQ(wrong, 0) << "lat/lon or their bounds differ from the grid's";
  }();
  if (rank == 0) std::remove(spec.path.c_str());
  MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace
