// Monthly climate forcing read by the ranks of a run: each rank its own window, or each monthly
// field by one rank and broadcast (shared). Both give the same values, which are the ones written
// to the file (CF packing and units converted); the automatic choice follows the file's chunking;
// a fill value over land is reported on every rank, naming the variable, month and cell; so is a value
// outside the quantity's plausible range, as it is (1e30 is a value, not a fill value).
#include <gtest/gtest.h>
#include <mpi.h>
#include <netcdf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "decomposition/land_migration.hpp"
#include "decomposition/land_partition.hpp"
#include "engine/common/collective.hpp"
#include "grids/forcing.hpp"
#include "grids/grid_spec.hpp"
#include "grids/input_error.hpp"
#include "tests/mpi_world.hpp"

namespace {

using alamod::grids::ForcingQuantity;
using alamod::grids::GridSpec;
using alamod::grids::MonthlyForcing;

constexpr int kNy = 120, kNx = 12, kMonths = 24;  // 2000-01 .. 2001-12
constexpr float kFill = -9999.0f;

float tas_value(int t, int r, int c) { return 10.0f + 0.1f * r + 0.01f * c + 0.5f * t; }
short pr_packed(int t, int r, int c) { return static_cast<short>(100 + r + c + t); }  // x 0.1 mm d-1
double pet_value(int t, int r, int c) { return 50.0 + 0.25 * r * c + t; }

int rank() { return alamod::testing::world_rank(); }
int ranks() { return alamod::testing::world_size(); }

GridSpec grid() {
  return GridSpec::from_extent("EPSG:2154", 400000.0, 6600000.0 - kNy * 1000.0, 400000.0 + kNx * 1000.0, 6600000.0,
                               1000.0);
}

void ok(int rc) { ASSERT_EQ(rc, NC_NOERR) << nc_strerror(rc); }

// Rank 0 writes the file: tas float (degC) with a fill value at (fill_row, 3) in 2001-05 when
// fill_row >= 0, pr packed as short (scale_factor 0.1, mm d-1), pet double (mm month-1).
// chunk_rows = kNy: one chunk per monthly field; 1: one chunk per row.
std::string write_forcing(const std::string& name, int chunk_rows, int fill_row) {
  const std::string path = "/tmp/alamod_test_forcing_" + name + ".nc";
  if (rank() == 0) {
    const GridSpec g = grid();
    int nc, dt, dy, dx, vt, vy, vx, vcrs, vtas, vpr, vpet;
    ok(nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &nc));
    ok(nc_def_dim(nc, "time", kMonths, &dt));
    ok(nc_def_dim(nc, "y", kNy, &dy));
    ok(nc_def_dim(nc, "x", kNx, &dx));
    ok(nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &vt));
    ok(nc_put_att_text(nc, vt, "units", 22, "days since 2000-01-01"));
    ok(nc_def_var(nc, "y", NC_DOUBLE, 1, &dy, &vy));
    ok(nc_def_var(nc, "x", NC_DOUBLE, 1, &dx, &vx));
    ok(nc_def_var(nc, "crs", NC_INT, 0, nullptr, &vcrs));
    ok(nc_put_att_text(nc, vcrs, "crs_wkt", g.crs_wkt.size(), g.crs_wkt.c_str()));
    const int dims[3] = {dt, dy, dx};
    const size_t chunks[3] = {1, static_cast<size_t>(chunk_rows), kNx};
    ok(nc_def_var(nc, "tas", NC_FLOAT, 3, dims, &vtas));
    ok(nc_def_var(nc, "pr", NC_SHORT, 3, dims, &vpr));
    ok(nc_def_var(nc, "pet", NC_DOUBLE, 3, dims, &vpet));
    for (int v : {vtas, vpr, vpet}) {
      ok(nc_def_var_chunking(nc, v, NC_CHUNKED, chunks));
      ok(nc_def_var_deflate(nc, v, 0, 1, 1));
      ok(nc_put_att_text(nc, v, "grid_mapping", 3, "crs"));
    }
    ok(nc_put_att_text(nc, vtas, "units", 4, "degC"));
    ok(nc_put_att_float(nc, vtas, "_FillValue", NC_FLOAT, 1, &kFill));
    ok(nc_put_att_text(nc, vpr, "units", 6, "mm d-1"));
    const double scale = 0.1;
    ok(nc_put_att_double(nc, vpr, "scale_factor", NC_DOUBLE, 1, &scale));
    ok(nc_put_att_text(nc, vpet, "units", 10, "mm month-1"));
    ok(nc_enddef(nc));
    std::vector<double> days(kMonths), ys(kNy), xs(kNx);
    double elapsed = 0.0;  // mid-month, days since 2000-01-01
    for (int t = 0; t < kMonths; ++t) {
      const int days_in = alamod::grids::days_in_month(2000 + t / 12, t % 12 + 1);
      days[t] = elapsed + 14.0;
      elapsed += days_in;
    }
    for (int r = 0; r < kNy; ++r) ys[r] = g.y_center(r);
    for (int c = 0; c < kNx; ++c) xs[c] = g.x_center(c);
    ok(nc_put_var_double(nc, vt, days.data()));
    ok(nc_put_var_double(nc, vy, ys.data()));
    ok(nc_put_var_double(nc, vx, xs.data()));
    std::vector<float> tas(static_cast<size_t>(kMonths) * kNy * kNx);
    std::vector<short> pr(tas.size());
    std::vector<double> pet(tas.size());
    for (int t = 0; t < kMonths; ++t)
      for (int r = 0; r < kNy; ++r)
        for (int c = 0; c < kNx; ++c) {
          const size_t k = (static_cast<size_t>(t) * kNy + r) * kNx + c;
          tas[k] = tas_value(t, r, c);
          pr[k] = pr_packed(t, r, c);
          pet[k] = pet_value(t, r, c);
        }
    if (fill_row >= 0) tas[(static_cast<size_t>(16) * kNy + fill_row) * kNx + 3] = kFill;  // 2001-05
    ok(nc_put_var_float(nc, vtas, tas.data()));
    ok(nc_put_var_short(nc, vpr, pr.data()));
    ok(nc_put_var_double(nc, vpet, pet.data()));
    ok(nc_close(nc));
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return path;
}

// This rank's cells: a contiguous block of rows (every cell is land).
std::vector<std::int64_t> my_cells() {
  const int r0 = kNy * rank() / ranks(), r1 = kNy * (rank() + 1) / ranks();
  std::vector<std::int64_t> cells;
  for (std::int64_t k = std::int64_t(r0) * kNx; k < std::int64_t(r1) * kNx; ++k) cells.push_back(k);
  return cells;
}

std::vector<alamod::grids::ForcingVariable> variables() {
  return {{"tas", ForcingQuantity::temperature}, {"pr", ForcingQuantity::precipitation},
          {"pet", ForcingQuantity::water_amount}};
}

std::vector<std::vector<double>> read(const std::string& path, const GridSpec& g, MonthlyForcing::Reading mode,
                                      int year, bool* shared = nullptr) {
  MonthlyForcing f(path, g, my_cells(), variables());
  f.set_reading(MPI_COMM_WORLD, mode);
  if (shared) *shared = f.shared_reading();
  std::vector<std::vector<double>> out;
  alamod::engine::collectively(MPI_COMM_WORLD, [&] { f.read_year(year, out); });
  return out;
}

TEST(Forcing, SharedAndPerRankReadTheWrittenValues) {
  const GridSpec g = grid();
  const std::string path = write_forcing("values", kNy, -1);
  const auto cells = my_cells();
  const size_t n = cells.size();
  for (int year : {2000, 2001}) {
    const auto own = read(path, g, MonthlyForcing::Reading::per_rank, year);
    bool shared = false;
    const auto both = read(path, g, MonthlyForcing::Reading::shared, year, &shared);
    EXPECT_EQ(shared, ranks() > 1);  // one rank has nothing to share
    ASSERT_EQ(own.size(), 3u);
    for (size_t v = 0; v < 3; ++v) EXPECT_EQ(own[v], both[v]) << "variable " << v << ", " << year;
    for (int m = 0; m < 12; ++m) {
      const int t = (year - 2000) * 12 + m;
      const double days = alamod::grids::days_in_month(year, m + 1);
      for (size_t i = 0; i < n; ++i) {
        const int r = static_cast<int>(cells[i] / kNx), c = static_cast<int>(cells[i] % kNx);
        ASSERT_EQ(own[0][m * n + i], static_cast<double>(tas_value(t, r, c))) << "tas " << year << "-" << m + 1;
        ASSERT_EQ(own[1][m * n + i], (static_cast<double>(pr_packed(t, r, c)) * 0.1 + 0.0) * days)
            << "pr (packed, mm d-1) " << year << "-" << m + 1;
        ASSERT_EQ(own[2][m * n + i], pet_value(t, r, c)) << "pet " << year << "-" << m + 1;
      }
    }
  }
  if (rank() == 0) std::remove(path.c_str());
}

TEST(Forcing, AutomaticReadingFollowsTheChunks) {
  const GridSpec g = grid();
  // one chunk per field: every rank would decode the whole field, so the ranks share
  const std::string whole = write_forcing("whole", kNy, -1);
  bool shared = false;
  read(whole, g, MonthlyForcing::Reading::automatic, 2000, &shared);
  EXPECT_EQ(shared, ranks() > 1);
  // one chunk per row: the ranks' windows (their rows and 8 rows of margin) barely overlap
  const std::string rows = write_forcing("rows", 1, -1);
  read(rows, g, MonthlyForcing::Reading::automatic, 2000, &shared);
  EXPECT_FALSE(shared);
  if (rank() == 0) {
    std::remove(whole.c_str());
    std::remove(rows.c_str());
  }
}

// Cells that move to another rank (compute repartitioning) take their forcing mapping with them:
// after MonthlyForcing::remap, every reading gives the new owner the values written for its new
// cells, and the automatic choice is made again from the new windows. The run grid is twice as fine
// as the forcing's, so a cell's source (forcing cell) differs from its own index.
TEST(Forcing, RemappedCellsReadTheValuesOfTheirNewCells) {
  namespace d = alamod::decomposition;
  const GridSpec fine = GridSpec::from_extent("EPSG:2154", 400000.0, 6600000.0 - kNy * 1000.0,
                                              400000.0 + kNx * 1000.0, 6600000.0, 500.0);
  const std::vector<std::uint8_t> land(static_cast<size_t>(fine.nx) * fine.ny, 1);
  const d::LandPartition start(land, static_cast<std::int64_t>(land.size()), {}, ranks());
  std::vector<double> weight(land.size());
  for (size_t k = 0; k < weight.size(); ++k) weight[k] = 1.0 + 3.0 * static_cast<double>(k) / weight.size();
  const d::LandPartition next(land, static_cast<std::int64_t>(land.size()), weight, ranks());
  if (ranks() > 1) {
    ASSERT_NE(next.first_land(1), start.first_land(1)) << "the weights must move cells";
  }
  for (const int chunk_rows : {kNy, 1}) {
    const std::string path = write_forcing(chunk_rows == kNy ? "remap_whole" : "remap_rows", chunk_rows, -1);
    for (const auto mode : {MonthlyForcing::Reading::per_rank, MonthlyForcing::Reading::shared,
                            MonthlyForcing::Reading::automatic}) {
      std::vector<std::int64_t> cells;
      for (std::int64_t k = start.first_land(rank()); k < start.first_land(rank() + 1); ++k) cells.push_back(k);
      MonthlyForcing f(path, fine, cells, variables());
      auto sources = f.source_cells();
      ASSERT_EQ(sources.size(), cells.size());
      for (size_t i = 0; i < cells.size(); ++i) {
        const std::int64_t r = cells[i] / fine.nx / 2, c = cells[i] % fine.nx / 2;
        ASSERT_EQ(sources[i], r * kNx + c) << "source of run cell " << cells[i];
      }
      const d::LandMigration move(MPI_COMM_WORLD, start, next);
      move.move(cells);
      move.move(sources);
      f.remap(cells, sources);
      f.set_reading(MPI_COMM_WORLD, mode);
      if (mode == MonthlyForcing::Reading::automatic) {
        EXPECT_EQ(f.shared_reading(), chunk_rows == kNy && ranks() > 1) << "automatic choice after the move";
      }
      std::vector<std::vector<double>> out;
      alamod::engine::collectively(MPI_COMM_WORLD, [&] { f.read_year(2001, out); });
      const size_t n = cells.size();
      ASSERT_EQ(n, static_cast<size_t>(next.owned_count(rank())));
      for (int m = 0; m < 12; ++m)
        for (size_t i = 0; i < n; ++i) {
          const int r = static_cast<int>(cells[i] / fine.nx / 2), c = static_cast<int>(cells[i] % fine.nx / 2);
          ASSERT_EQ(out[0][m * n + i], static_cast<double>(tas_value(12 + m, r, c)))
              << "tas of moved cell " << cells[i] << ", month " << m + 1 << ", chunk rows " << chunk_rows;
          ASSERT_EQ(out[2][m * n + i], pet_value(12 + m, r, c)) << "pet of moved cell " << cells[i];
        }
      // by forcing cell (what a grid run holds): each of the cells' forcing cells once, in the order of its
      // first cell, with the bits read_year gives each of its cells (four run cells per forcing cell here)
      std::vector<std::vector<double>> by_source;
      alamod::engine::collectively(MPI_COMM_WORLD, [&] { f.read_year_by_source(2001, by_source); });
      const auto& slot = f.source_of();
      const auto& first = f.source_first_cell();
      ASSERT_EQ(slot.size(), n);
      std::vector<std::int64_t> distinct(sources.begin(), sources.end());
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      ASSERT_EQ(first.size(), distinct.size()) << "one entry per distinct forcing cell";
      if (n > 0) {
        EXPECT_LT(first.size(), n) << "run cells share forcing cells";
      }
      const size_t ns = first.size();
      for (size_t k = 0; k < ns; ++k) {
        ASSERT_EQ(static_cast<size_t>(slot[first[k]]), k) << "first cell of forcing cell " << k;
        if (k > 0) {
          ASSERT_LT(first[k - 1], first[k]) << "forcing cells in the order of their first cell";
        }
      }
      for (size_t v = 0; v < 3; ++v) {
        ASSERT_EQ(by_source[v].size(), 12 * ns);
        for (int m = 0; m < 12; ++m)
          for (size_t i = 0; i < n; ++i) {
            ASSERT_LT(first[static_cast<size_t>(slot[i])], i + 1) << "cell " << i << " before its forcing cell's first";
            const double a = out[v][m * n + i], b = by_source[v][m * ns + static_cast<size_t>(slot[i])];
            ASSERT_EQ(std::memcmp(&a, &b, sizeof a), 0) << "variable " << v << " month " << m + 1 << " cell " << cells[i];
          }
      }
    }
    if (rank() == 0) std::remove(path.c_str());
  }
}

TEST(Forcing, FillValueOverLandIsReportedOnEveryRank) {
  const GridSpec g = grid();
  const std::string path = write_forcing("fill", kNy, 70);
  for (auto mode : {MonthlyForcing::Reading::shared, MonthlyForcing::Reading::per_rank}) {
    std::string message;
    try {
      read(path, g, mode, 2001);
    } catch (const alamod::InputError& e) {
      message = e.what();
    }
    EXPECT_NE(message.find("'tas' is missing"), std::string::npos) << message;
    EXPECT_NE(message.find("2001-05"), std::string::npos) << message;
    EXPECT_NE(message.find("row 70, col 3"), std::string::npos) << message;
    EXPECT_NE(message.find(path), std::string::npos) << message;
    // the year before is complete
    EXPECT_NO_THROW(read(path, g, mode, 2000));
  }
  if (rank() == 0) std::remove(path.c_str());
}

// Rank 0 sets one value of `var` (as stored) at time index t, row r, column c of the file.
template <class T>
void set_value(const std::string& path, const char* var, int t, int r, int c, T value) {
  MPI_Barrier(MPI_COMM_WORLD);  // every rank has closed the file (HDF5 locks a file open for reading)
  if (rank() == 0) {
    int nc, id;
    ok(nc_open(path.c_str(), NC_WRITE, &nc));
    ok(nc_inq_varid(nc, var, &id));
    const size_t start[3] = {static_cast<size_t>(t), static_cast<size_t>(r), static_cast<size_t>(c)};
    const size_t count[3] = {1, 1, 1};
    if constexpr (std::is_same_v<T, float>) {
      ok(nc_put_vara_float(nc, id, start, count, &value));
    } else if constexpr (std::is_same_v<T, short>) {
      ok(nc_put_vara_short(nc, id, start, count, &value));
    } else {
      ok(nc_put_vara_double(nc, id, start, count, &value));
    }
    ok(nc_close(nc));
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

std::string error_reading(const std::string& path, MonthlyForcing::Reading mode, int year) {
  try {
    read(path, grid(), mode, year);
  } catch (const alamod::InputError& e) {
    return e.what();
  }
  return {};
}

TEST(Forcing, ImplausibleValuesAreReportedAsTheyAre) {
  const std::string path = write_forcing("implausible", kNy, -1);
  set_value(path, "tas", 4, 10, 5, 1e30f);          // 2000-05: far beyond any temperature, not the fill value
  set_value(path, "pr", 13, 50, 2, short{-5});      // 2001-02: -0.5 mm d-1 once unpacked
  set_value(path, "pet", 2, 60, 1, -20.0);          // 2000-03: condensation, a valid value
  for (auto mode : {MonthlyForcing::Reading::shared, MonthlyForcing::Reading::per_rank}) {
    std::string e = error_reading(path, mode, 2000);
    EXPECT_NE(e.find(path + ": variable 'tas' = 1e+30 degC at 2000-05 over land cell (row 10, col 5;"),
              std::string::npos) << e;
    EXPECT_NE(e.find("-90 to 70 degC"), std::string::npos) << e;
    EXPECT_EQ(e.find("fill"), std::string::npos) << "1e30 is not this variable's fill value: " << e;
    e = error_reading(path, mode, 2001);
    EXPECT_NE(e.find("variable 'pr' = -0.5 mm d-1 (-14 mm month-1) at 2001-02 over land cell (row 50, col 2;"),
              std::string::npos) << e;
    EXPECT_NE(e.find("negative precipitation"), std::string::npos) << e;
  }
  set_value(path, "tas", 4, 10, 5, tas_value(4, 10, 5));
  const auto values = read(path, grid(), MonthlyForcing::Reading::per_rank, 2000);
  const auto cells = my_cells();
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i] == 60 * kNx + 1) {
      EXPECT_EQ(values[2][2 * cells.size() + i], -20.0) << "negative pet is read";
    }
  }
  if (rank() == 0) std::remove(path.c_str());
}

}  // namespace
