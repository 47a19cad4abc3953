// The satellite readers on the real samples of tests/data/satellite (SOURCE.md): the MODIS MOD09A1 HDF4-EOS
// granule (zipped; sub-datasets, scale factor, fill value, the cloud-state QC flags) from which NDVI is made,
// the MOD13A1 16-day NDVI GeoTIFF series of 2016 (read through /vsizip/, made monthly with the gap rule), the
// Copernicus Global Land NDVI over France as a GeoTIFF of digital numbers and in its NetCDF layout (scale and
// offset), each warped to a projected grid; and the bad inputs: no georeferencing, values outside the
// quantity's range, an all-cloud period.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <gdal_priv.h>

#include "engine/vegetation/satellite_series.hpp"
#include "grids/grid_spec.hpp"
#include "grids/input_error.hpp"
#include "grids/satellite.hpp"
#include "test_files.hpp"

namespace g = alamod::grids;
namespace veg = alamod::engine::vegetation;

namespace {

const std::string kData = ALAMOD_TEST_SATELLITE_DATA;
const std::string kHdf = kData + "/MOD09A1.A2017193.h18v04.006.2017202035302.hdf.zip";

double mean_valid(const std::vector<double>& v, std::size_t* n = nullptr) {
  double s = 0;
  std::size_t k = 0;
  for (double x : v)
    if (!std::isnan(x)) {
      s += x;
      ++k;
    }
  if (n) *n = k;
  return k ? s / k : std::nan("");
}

std::string expect_input_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const alamod::InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError";
  return {};
}

}  // namespace

TEST(Satellite, ModisHdf4GranuleWithQcGivesNdvi) {
  g::SatelliteReadOptions red;
  red.variable = "sur_refl_b01";
  red.quantity = "red reflectance";
  const auto b1 = g::read_satellite_image(kHdf, red);
  EXPECT_EQ(b1.nx, 66);
  EXPECT_EQ(b1.ny, 73);
  EXPECT_DOUBLE_EQ(b1.scale, 1e-4);  // the granule's scale_factor
  EXPECT_NE(b1.crs_wkt.find("Sinusoidal"), std::string::npos);
  EXPECT_NE(b1.source.find("HDF4_EOS:EOS_GRID"), std::string::npos);
  // raw 485 in the first pixel (gdalinfo): 0.0485 reflectance
  EXPECT_NEAR(b1.values[0], 0.0485, 1e-12);

  // the cloud state (bits 0-1 of sur_refl_state_500m) must read 00 (clear)
  g::SatelliteReadOptions nir = red;
  nir.variable = "sur_refl_b02";
  red.qc_variable = nir.qc_variable = "sur_refl_state_500m";
  red.qc_mask = nir.qc_mask = 3;
  red.qc_good = nir.qc_good = 0;
  const auto r = g::read_satellite_image(kHdf, red), n = g::read_satellite_image(kHdf, nir);
  EXPECT_GT(r.flagged, 0u);  // some cloudy or mixed pixels in this granule
  EXPECT_EQ(r.flagged + r.valid(), static_cast<std::size_t>(66 * 73));
  g::SatelliteImage ndvi = r;
  std::size_t water = 0, green = 0;
  for (std::size_t i = 0; i < ndvi.values.size(); ++i) {
    ndvi.values[i] = (n.values[i] - r.values[i]) / (n.values[i] + r.values[i]);
    if (ndvi.values[i] < 0.2) ++water;  // Lake Iseo (turbid, shallow margins: NDVI about 0-0.2)
    if (ndvi.values[i] > 0.5) ++green;  // forests and meadows around it in July
  }
  EXPECT_GT(water, 40u);
  EXPECT_GT(green, 3000u);

  // warped to a 2 km UTM 32N grid over the granule: the lake cells are low, the mean high (July)
  const auto grid = g::GridSpec::from_extent("EPSG:32632", 558000, 5080000, 590000, 5110000, 2000);
  const auto cells = g::warp_image_to_grid(ndvi, grid);
  std::size_t nvalid = 0;
  const double m = mean_valid(cells, &nvalid);
  EXPECT_GT(nvalid, 200u);
  EXPECT_GT(m, 0.6);
  double lowest = 1;
  for (double x : cells)
    if (!std::isnan(x)) lowest = std::min(lowest, x);
  EXPECT_LT(lowest, 0.3);
  int y = 0, doy = 0;
  ASSERT_TRUE(g::date_from_file_name(kHdf, y, doy));
  EXPECT_EQ(y, 2017);
  EXPECT_EQ(doy, 193);
}

TEST(Satellite, Mod13SeriesMadeMonthly) {
  const auto grid = g::GridSpec::from_extent("EPSG:32632", 514000, 5058000, 546000, 5110000, 2000);
  std::vector<veg::Composite> composites;
  for (int doy = 1; doy <= 353; doy += 16) {
    char name[64];
    std::snprintf(name, sizeof name, "NDVI/MOD13A1_NDVI_2016_%03d.tif", doy);
    const std::string path = "/vsizip/" + kData + "/MOD13A1_NDVI_2016_series.zip/" + name;
    g::SatelliteReadOptions o;
    o.scale = 1e-4;       // MOD13A1 NDVI: int16 scaled by 1e-4 (the GeoTIFFs carry no scale)
    o.nodata = 32767;
    o.valid_min = -1;
    o.valid_max = 1;
    o.quantity = "NDVI";
    const auto img = g::read_satellite_image(path, o);
    veg::Composite c;
    ASSERT_TRUE(g::date_from_file_name(path, c.year, c.day_of_year)) << path;
    EXPECT_EQ(c.day_of_year, doy);
    c.days = 16;
    c.source = path;
    c.values = g::warp_image_to_grid(img, grid);
    composites.push_back(std::move(c));
  }
  ASSERT_EQ(composites.size(), 23u);
  const auto monthly = veg::monthly_series(composites, 2016, 1, 12, 48, "NDVI");
  ASSERT_EQ(monthly.months, 12);
  std::vector<double> month_mean(12);
  for (int m = 0; m < 12; ++m) {
    std::vector<double> v(monthly.values.begin() + m * monthly.cells, monthly.values.begin() + (m + 1) * monthly.cells);
    month_mean[m] = mean_valid(v);
  }
  // the Alpine foothills green up: July NDVI well above January's
  EXPECT_GT(month_mean[6], month_mean[0] + 0.1);
  for (double x : month_mean) {
    EXPECT_GT(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
  // the monthly mean of a month lies between the composites around it (a cell with data every time)
  std::printf("MOD13A1 2016 monthly NDVI over the grid:");
  for (double x : month_mean) std::printf(" %.3f", x);
  std::printf("\n");

  // an all-cloud period: the July and August composites missing everywhere, gap limit 32 d -> refused
  auto cloudy = composites;
  for (auto& c : cloudy)
    if (c.day_of_year >= 177 && c.day_of_year <= 241)
      for (auto& x : c.values) x = std::nan("");
  const std::string msg = expect_input_error([&] { veg::monthly_series(cloudy, 2016, 1, 12, 32, "NDVI"); });
  EXPECT_NE(msg.find("cloudy or flagged period longer than the 32-day gap limit"), std::string::npos) << msg;
  EXPECT_NE(msg.find("MOD13A1_NDVI_2016_161.tif"), std::string::npos) << msg;  // the last valid one before
  // with a gap limit of 96 d the same series is filled across
  EXPECT_NO_THROW(veg::monthly_series(cloudy, 2016, 1, 12, 96, "NDVI"));
}

TEST(Satellite, CopernicusNdviOverFranceGeoTiffAndNetcdf) {
  g::SatelliteReadOptions dn;
  dn.scale = 1.0 / 250;  // Copernicus Global Land 1 km NDVI: DN / 250 - 0.08
  dn.offset = -0.08;
  dn.valid_min = -0.08;
  dn.valid_max = 0.92;
  dn.quantity = "NDVI";
  const auto tif = g::read_satellite_image(kData + "/copernicus_ndvi_lt_21june_france.tif", dn);
  g::SatelliteReadOptions nc;
  nc.variable = "NDVI";  // scale_factor and add_offset from the file
  nc.valid_min = -0.08;
  nc.valid_max = 0.92;
  nc.quantity = "NDVI";
  const auto cdf = g::read_satellite_image(kData + "/c_gls_NDVI-LTS_199906210000_FRANCE_sample.nc", nc);
  EXPECT_NEAR(cdf.scale, 0.004, 1e-8);
  EXPECT_NEAR(cdf.offset, -0.08, 1e-8);
  ASSERT_EQ(tif.values.size(), cdf.values.size());
  EXPECT_EQ(tif.valid(), cdf.valid());
  for (std::size_t i = 0; i < tif.values.size(); ++i)
    if (!std::isnan(tif.values[i])) EXPECT_NEAR(cdf.values[i], tif.values[i], 0.5 / 250 + 1e-6) << i;
  // on the France 8 km grid of the default run (Lambert-93): land cells have an NDVI, the sea none
  const auto grid = g::GridSpec::from_extent("EPSG:2154", 96000, 6040000, 1248000, 7112000, 8000);
  const auto cells = g::warp_image_to_grid(tif, grid, g::Resampling::bilinear);
  std::size_t n = 0;
  const double m = mean_valid(cells, &n);
  EXPECT_GT(n, 7000u);
  EXPECT_LT(n, cells.size());
  EXPECT_GT(m, 0.5);  // June, France
  EXPECT_LT(m, 0.85);
  std::printf("Copernicus NDVI 21 June on the 8 km grid: %zu cells, mean %.3f\n", n, m);
}

TEST(Satellite, BadInputs) {
  alamod::test::TempDir dir;
  // a GeoTIFF without georeferencing
  {
    GDALAllRegister();
    const std::string path = (dir.path() / "no_georef.tif").string();
    GDALDriver* gtiff = GetGDALDriverManager()->GetDriverByName("GTiff");
    GDALDataset* ds = gtiff->Create(path.c_str(), 4, 3, 1, GDT_Float32, nullptr);
    float v[12] = {0.5f};
    (void)ds->GetRasterBand(1)->RasterIO(GF_Write, 0, 0, 4, 3, v, 4, 3, GDT_Float32, 0, 0);
    GDALClose(ds);
    const std::string msg = expect_input_error([&] { g::read_satellite_image(path, {}); });
    EXPECT_NE(msg.find("no_georef.tif: has no georeferencing"), std::string::npos) << msg;
  }
  // fAPAR outside 0-1: the Copernicus digital numbers read as fAPAR without their scale
  {
    g::SatelliteReadOptions o;
    o.scale = 1;
    o.offset = 0;
    o.valid_min = 0;
    o.valid_max = 1;
    o.quantity = "fAPAR";
    const std::string msg =
        expect_input_error([&] { g::read_satellite_image(kData + "/copernicus_ndvi_lt_21june_france.tif", o); });
    EXPECT_NE(msg.find("has fAPAR = "), std::string::npos) << msg;
    EXPECT_NE(msg.find("outside [0, 1]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("pixel (row "), std::string::npos) << msg;
  }
  // an unknown sub-dataset lists those there are; a missing file is named
  {
    g::SatelliteReadOptions o;
    o.variable = "Fpar_500m";
    const std::string msg = expect_input_error([&] { g::read_satellite_image(kHdf, o); });
    EXPECT_NE(msg.find("no sub-dataset 'Fpar_500m'; it has: sur_refl_b01"), std::string::npos) << msg;
    const std::string missing = expect_input_error([&] { g::read_satellite_image(kData + "/nope.tif", {}); });
    EXPECT_NE(missing.find("nope.tif: file not found"), std::string::npos) << missing;
  }
}
