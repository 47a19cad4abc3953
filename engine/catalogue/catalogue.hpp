#pragma once
/// `alamod catalogue build`: a static catalogue and portal of the site packages and grid runs
/// (docs/CATALOGUE.md). One folder, written under a temporary name beside --out and renamed into place
/// when complete:
///
///   index.html                 the portal: search and filters (inline script), the map of the sites,
///                              the grid runs; schema.org DataCatalog JSON-LD
///   catalog.jsonld             DCAT-AP catalogue (JSON-LD, inline context) for open-data harvesters
///   stac/catalog.json          STAC 1.1 root catalogue
///   stac/sites/collection.json one point Item per site package (stac/sites/items/SITE.json)
///   stac/runs/RUN/collection.json  a Collection per grid run (datacube extension from its NetCDF),
///                              one Item per output file (stac/runs/RUN/items/FILE.json)
///   sites/SITE/index.html      the site's page and landing page (schema.org Dataset JSON-LD), with the
///                              package's files beside it
///   runs/RUN/index.html        the run's page and landing page, with its output files beside it
#include <string>
#include <vector>

namespace alamod::engine {

struct CatalogueOptions {
  std::string sites;                   ///< a collection of site packages (data/sites)
  std::vector<std::string> runs;       ///< grid run output folders
  std::vector<std::string> evaluations;  ///< `alamod evaluate` output folders (metrics.csv)
  std::string boundary;                ///< mask raster whose land cells draw the map's outline ("" = default)
  std::string base_url;                ///< where the folder will be published ("" = relative links only)
  std::string out;                     ///< the folder to write
  bool overwrite = false;              ///< replace an existing --out folder
};

/// Builds the catalogue. Throws alamod::InputError (one line naming the file and what is wrong) for bad
/// input, before anything is written under --out.
void build_catalogue(const CatalogueOptions& options);

// ---------------------------------------------------------------------------------------------------
// What the catalogue is made of (read by catalogue_inputs.cpp)
// ---------------------------------------------------------------------------------------------------

/// A CSV table: the header row and the rows (RFC 4180 quoting).
struct CatalogueCsv {
  std::string file;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;  ///< the line each row starts on (1-based; the header is line 1)
  /// Column index by name, -1 when absent.
  int column(const std::string& name) const;
  /// Row r's value of column `name` ("" when the column is absent).
  std::string value(std::size_t r, const std::string& name) const;
};
CatalogueCsv read_catalogue_csv(const std::string& path);

struct SitePackage {
  std::string id, dir;                 ///< site id (folder name) and folder
  std::string name, title, description, version;
  double latitude = 0, longitude = 0;  ///< WGS84 degrees
  bool located = false;
  std::string country, network, land_use, coordinates_note, citation, licence;
  std::vector<std::string> keywords;
  std::vector<std::pair<std::string, std::string>> licences;  ///< SPDX name, URL
  std::vector<std::pair<std::string, std::string>> creators;  ///< name, ORCID or URL
  std::vector<std::string> files;      ///< the package's files (relative to dir), datapackage.json first
  CatalogueCsv treatments, observations;
  int first_year = 0, last_year = 0;   ///< of the SOC observations, or the experiment's start..last treatment year
  std::vector<std::string> variables;  ///< measured columns that hold values (soc, soc_stock, bd_samp ...)
};

/// One variable of a run's NetCDF.
struct NcVariable {
  std::string name, units, long_name, standard_name;
  std::vector<std::string> dimensions;
};
struct NcDimension {
  std::string name;
  long long length = 0;
  double first = 0, last = 0, step = 0;  ///< coordinate values when a coordinate variable exists
  bool has_values = false;
  std::vector<std::string> labels;     ///< categorical values (pool names)
};

struct GridRunOutput {
  std::string id, dir, netcdf;         ///< run id (folder name), folder, the NetCDF's file name
  std::string title, summary, license, model, scenario, version, commit, created, history, config_sha256;
  std::string time_start, time_end;    ///< ISO 8601
  double lon_min = 0, lon_max = 0, lat_min = 0, lat_max = 0;
  int epsg = 0;                        ///< 0 when the CRS has no EPSG code
  std::string crs_wkt;
  std::vector<NcDimension> dimensions;
  std::vector<NcVariable> variables;
  std::vector<std::string> files;      ///< every output file of the folder, NetCDF first
  CatalogueCsv totals;                     ///< totals.csv (empty when absent)
};

/// One simulated year of an evaluation's simulated_series.csv.
struct SimulatedYear {
  std::string model, parameters, site, treatment;
  int year = 0;      ///< calendar year; soc is the stock at its end
  double soc = 0;    ///< t ha-1
};

/// metrics.csv of `alamod evaluate` folders, concatenated, and their simulated_series.csv where present.
struct Evaluations {
  std::vector<std::string> sources;    ///< the metrics.csv files read
  CatalogueCsv metrics;
  std::vector<std::string> series_sources;  ///< the simulated_series.csv files read
  std::vector<SimulatedYear> simulated;
};

SitePackage read_site_package(const std::string& dir);
std::vector<SitePackage> read_site_collection(const std::string& dir);
GridRunOutput read_grid_run(const std::string& dir);
Evaluations read_evaluations(const std::vector<std::string>& dirs);

/// The map outline: the land cells of a mask raster as SVG path data in a (width x height) frame, and
/// the frame's transform of WGS84 points (for the sites).
struct MapFrame {
  double width = 0, height = 0;
  std::string land_path;               ///< SVG path data of the land cells (rows of runs)
  std::vector<std::pair<double, double>> site_xy;  ///< per site, in the frame (NaN when not located)
};
MapFrame map_frame(const std::string& boundary, const std::vector<SitePackage>& sites, double width);

// ---------------------------------------------------------------------------------------------------
// The files written (catalogue_metadata.cpp, portal_pages.cpp): path relative to the folder, text
// ---------------------------------------------------------------------------------------------------

struct OutFile {
  std::string path, text;
};
struct CatalogueInputs {
  std::vector<SitePackage> sites;
  std::vector<GridRunOutput> runs;
  Evaluations evaluations;
  MapFrame map;
  std::string base_url, generator;     ///< generator: "alamod VERSION (commit)"
  std::string created;                 ///< ISO 8601 date of the build
};
std::vector<OutFile> stac_files(const CatalogueInputs& in);
OutFile dcat_file(const CatalogueInputs& in);
/// schema.org Dataset JSON-LD of a site and of a run (the landing pages embed them).
std::string site_jsonld(const CatalogueInputs& in, const SitePackage& s);
std::string run_jsonld(const CatalogueInputs& in, const GridRunOutput& r);
std::vector<OutFile> portal_pages(const CatalogueInputs& in);

}  // namespace alamod::engine
