// The machine-readable catalogue: STAC 1.1 (root catalogue, a collection of site packages as point items,
// a collection per grid run with the datacube extension and an item per output file), the DCAT-AP
// catalogue (JSON-LD) for open-data harvesters, and the schema.org Dataset JSON-LD of the landing pages.
// One identifier per dataset everywhere: the site's datapackage `id` (alamod-site-SITE), alamod-run-RUN.
#include <cmath>
#include <filesystem>
#include <map>

#include "engine/catalogue/catalogue.hpp"
#include "engine/catalogue/json_out.hpp"

namespace fs = std::filesystem;

namespace alamod::engine {

namespace {

constexpr const char* kStacVersion = "1.1.0";
constexpr const char* kDatacube = "https://stac-extensions.github.io/datacube/v2.2.0/schema.json";

std::string media_type(const std::string& file) {
  const std::string ext = fs::path(file).extension().string();
  if (ext == ".nc") return "application/netcdf";
  if (ext == ".csv") return "text/csv";
  if (ext == ".json") return "application/json";
  if (ext == ".html") return "text/html";
  if (ext == ".png") return "image/png";
  if (ext == ".tif") return "image/tiff; application=geotiff; profile=cloud-optimized";
  if (ext == ".toml") return "application/toml";
  return "application/octet-stream";
}

/// A file's plain name for an identifier: letters, digits, '-', '_' and '.' kept, others '_'.
std::string id_part(const std::string& s) {
  std::string out;
  for (const char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return out;
}

Json link(const std::string& rel, const std::string& href, const std::string& type, const std::string& title = "") {
  Json l = Json::object();
  l.set("rel", rel).set("href", href).set("type", type);
  if (!title.empty()) l.set("title", title);
  return l;
}

/// SPDX identifier -> its licence page (for links; the SPDX list's own URL otherwise).
std::string licence_url(const std::string& spdx, const std::vector<std::pair<std::string, std::string>>& known) {
  for (const auto& [name, url] : known)
    if (name == spdx && !url.empty()) return url;
  if (spdx == "CC-BY-4.0") return "https://creativecommons.org/licenses/by/4.0/";
  if (spdx == "CC-BY-SA-4.0") return "https://creativecommons.org/licenses/by-sa/4.0/";
  if (spdx == "CC0-1.0") return "https://creativecommons.org/publicdomain/zero/1.0/";
  if (spdx == "Etalab-2.0") return "https://www.etalab.gouv.fr/licence-ouverte-open-licence/";
  return "https://spdx.org/licenses/" + spdx + ".html";
}

/// The licence of a run: an SPDX identifier when the NetCDF's `license` starts with one, else "other".
std::string run_spdx(const GridRunOutput& r) {
  const std::string first = r.license.substr(0, r.license.find_first_of(" ;,("));
  for (const char* id : {"CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "Etalab-2.0", "ODbL-1.0", "Apache-2.0"})
    if (first == id) return first;
  return "other";
}

std::string year_start(int y) { return std::to_string(y) + "-01-01T00:00:00Z"; }
std::string year_end(int y) { return std::to_string(y) + "-12-31T23:59:59Z"; }
std::string day_start(const std::string& d) { return d.substr(0, 10) + "T00:00:00Z"; }
std::string day_end(const std::string& d) { return d.substr(0, 10) + "T23:59:59Z"; }

struct Unit {
  const char* unit;
  const char* description;
};
const std::map<std::string, Unit>& site_variables() {
  static const std::map<std::string, Unit> v = {
      {"soc", {"g kg-1", "soil organic carbon concentration of the fine earth"}},
      {"soc_stock", {"t ha-1", "soil organic carbon stock of the layer"}},
      {"soc_stock_sd", {"t ha-1", "standard deviation of the SOC stock between replicates"}},
      {"bd_samp", {"g cm-3", "bulk density of the sampled layer"}},
      {"forcing", {"", "monthly site forcing: climate, carbon inputs, soil (alamod site forcing format)"}}};
  return v;
}

std::string site_id(const SitePackage& s) { return "alamod-site-" + s.id; }
std::string run_id(const GridRunOutput& r) { return "alamod-run-" + r.id; }

Json run_bbox(const GridRunOutput& r) { return Json::array({r.lon_min, r.lat_min, r.lon_max, r.lat_max}); }

Json polygon(const GridRunOutput& r) {
  Json ring = Json::array();
  for (auto [x, y] : std::vector<std::pair<double, double>>{{r.lon_min, r.lat_min}, {r.lon_max, r.lat_min},
                                                            {r.lon_max, r.lat_max}, {r.lon_min, r.lat_max},
                                                            {r.lon_min, r.lat_min}})
    ring.push(Json::array({x, y}));
  Json g = Json::object();
  g.set("type", "Polygon").set("coordinates", Json::array({ring}));
  return g;
}

// ---------------------------------------------------------------------------------------------------
// STAC
// ---------------------------------------------------------------------------------------------------

/// Absolute `self` link when the publication URL is known (STAC wants it absolute), nothing otherwise.
void add_self(Json& links, const CatalogueInputs& in, const std::string& path) {
  if (!in.base_url.empty()) links.push(link("self", in.base_url + path, "application/json"));
}

Json site_item(const CatalogueInputs& in, const SitePackage& s) {
  Json item = Json::object();
  item.set("type", "Feature").set("stac_version", kStacVersion).set("stac_extensions", Json::array());
  item.set("id", s.id);
  if (s.located) {
    Json g = Json::object();
    g.set("type", "Point").set("coordinates", Json::array({s.longitude, s.latitude}));
    item.set("geometry", g).set("bbox", Json::array({s.longitude, s.latitude, s.longitude, s.latitude}));
  } else {
    item.set("geometry", Json());
  }
  Json p = Json::object();
  p.set("title", s.title).set("description", s.description.empty() ? s.title : s.description);
  p.set("datetime", Json()).set("start_datetime", year_start(s.first_year)).set("end_datetime", year_end(s.last_year));
  p.set("license", s.licence);
  if (!s.network.empty()) p.set("alamod:network", s.network);
  if (!s.land_use.empty()) p.set("alamod:land_use", s.land_use);
  if (!s.country.empty()) p.set("alamod:country", s.country);
  p.set("alamod:citation", s.citation).set("alamod:identifier", site_id(s));
  p.set("alamod:treatments", static_cast<int>(s.treatments.rows.size()));
  p.set("alamod:observations", static_cast<int>(s.observations.rows.size()));
  p.set("alamod:variables", Json::strings(s.variables));
  if (!s.keywords.empty()) p.set("keywords", Json::strings(s.keywords));
  item.set("properties", p);
  Json links = Json::array();
  links.push(link("root", "../../catalog.json", "application/json"));
  links.push(link("parent", "../collection.json", "application/json"));
  links.push(link("collection", "../collection.json", "application/json"));
  add_self(links, in, "stac/sites/items/" + s.id + ".json");
  links.push(link("describedby", "../../../sites/" + s.id + "/index.html", "text/html", "landing page"));
  for (const auto& [name, url] : s.licences) links.push(link("license", licence_url(name, s.licences), "text/html", name));
  item.set("links", links);
  Json assets = Json::object();
  for (const auto& f : s.files) {
    Json a = Json::object();
    a.set("href", "../../../sites/" + s.id + "/" + f).set("type", media_type(f)).set("title", f);
    a.set("roles", Json::array({f == "datapackage.json" ? "metadata" : "data"}));
    assets.set(id_part(fs::path(f).stem().string()), a);
  }
  item.set("assets", assets);
  return item;
}

Json cube_dimensions(const GridRunOutput& r) {
  Json dims = Json::object();
  for (const auto& d : r.dimensions) {
    bool used = false;
    for (const auto& v : r.variables)
      for (const auto& vd : v.dimensions) used = used || vd == d.name;
    if (!used) continue;
    Json j = Json::object();
    if (d.name == "x" || d.name == "y") {
      const double lo = std::min(d.first, d.last), hi = std::max(d.first, d.last);
      j.set("type", "spatial").set("axis", d.name).set("extent", Json::array({lo - std::fabs(d.step) / 2, hi + std::fabs(d.step) / 2}));
      if (d.step != 0) j.set("step", d.step);
      if (r.epsg) j.set("reference_system", r.epsg);
      else if (!r.crs_wkt.empty()) j.set("reference_system", r.crs_wkt);
      j.set("unit", "m");
      j.set("description", std::string("projection ") + (d.name == "x" ? "easting" : "northing") + " of the cell centres");
    } else if (d.name == "time") {
      j.set("type", "temporal").set("extent", Json::array({day_start(r.time_start), day_end(r.time_end)}));
      j.set("step", "P1Y").set("description", "end of each simulated year (31 December)");
    } else if (!d.labels.empty()) {
      j.set("type", d.name).set("values", Json::strings(d.labels));
      j.set("description", d.name + ": " + std::to_string(d.length) + " values");
    } else {
      Json values = Json::array();
      for (long long i = 0; i < d.length; ++i) values.push(static_cast<double>(i));
      j.set("type", d.name).set("values", values).set("description", d.name + " index");
    }
    dims.set(d.name, j);
  }
  return dims;
}

Json cube_variables(const GridRunOutput& r) {
  Json vars = Json::object();
  for (const auto& v : r.variables) {
    Json j = Json::object();
    j.set("dimensions", Json::strings(v.dimensions));
    j.set("type", (v.name == "lat" || v.name == "lon" || v.name == "depth") ? "auxiliary" : "data");
    if (!v.units.empty()) j.set("unit", v.units);
    std::string d = v.long_name.empty() ? v.name : v.long_name;
    if (!v.standard_name.empty()) d += " (CF standard name " + v.standard_name + ")";
    j.set("description", d);
    vars.set(v.name, j);
  }
  return vars;
}

Json run_collection(const CatalogueInputs& in, const GridRunOutput& r) {
  Json c = Json::object();
  c.set("type", "Collection").set("stac_version", kStacVersion).set("stac_extensions", Json::array({kDatacube}));
  c.set("id", run_id(r));
  c.set("title", r.title.empty() ? "alamod grid run " + r.id : r.title);
  c.set("description", (r.summary.empty() ? r.title : r.summary) + " Model " + r.model + ", scenario " + r.scenario +
                           ", " + r.time_start + " to " + r.time_end + ".");
  c.set("license", run_spdx(r));
  c.set("keywords", Json::array({"soil organic carbon", "alamod", r.model, r.scenario}));
  Json extent = Json::object();
  extent["spatial"].set("bbox", Json::array({run_bbox(r)}));
  extent["temporal"].set("interval", Json::array({Json::array({day_start(r.time_start), day_end(r.time_end)})}));
  c.set("extent", extent);
  Json summaries = Json::object();
  summaries.set("alamod:model", Json::array({r.model})).set("alamod:scenario", Json::array({r.scenario}));
  c.set("summaries", summaries);
  c.set("cube:dimensions", cube_dimensions(r)).set("cube:variables", cube_variables(r));
  Json links = Json::array();
  links.push(link("root", "../../catalog.json", "application/json"));
  links.push(link("parent", "../../catalog.json", "application/json"));
  add_self(links, in, "stac/runs/" + r.id + "/collection.json");
  links.push(link("describedby", "../../../runs/" + r.id + "/index.html", "text/html", "landing page"));
  if (run_spdx(r) != "other") links.push(link("license", licence_url(run_spdx(r), {}), "text/html", run_spdx(r)));
  for (const auto& f : r.files) links.push(link("item", "items/" + id_part(f) + ".json", "application/geo+json", f));
  c.set("links", links);
  return c;
}

Json run_item(const CatalogueInputs& in, const GridRunOutput& r, const std::string& file) {
  Json item = Json::object();
  const bool cube = file == r.netcdf;
  item.set("type", "Feature").set("stac_version", kStacVersion);
  item.set("stac_extensions", cube ? Json::array({kDatacube}) : Json::array());
  item.set("id", r.id + "-" + id_part(file));
  item.set("geometry", polygon(r)).set("bbox", run_bbox(r));
  Json p = Json::object();
  p.set("title", file).set("datetime", Json());
  p.set("start_datetime", day_start(r.time_start)).set("end_datetime", day_end(r.time_end));
  p.set("license", run_spdx(r)).set("alamod:model", r.model).set("alamod:scenario", r.scenario);
  if (cube) p.set("cube:dimensions", cube_dimensions(r)).set("cube:variables", cube_variables(r));
  item.set("properties", p);
  Json links = Json::array();
  links.push(link("root", "../../../catalog.json", "application/json"));
  links.push(link("parent", "../collection.json", "application/json"));
  links.push(link("collection", "../collection.json", "application/json"));
  add_self(links, in, "stac/runs/" + r.id + "/items/" + id_part(file) + ".json");
  item.set("links", links);
  item.set("collection", run_id(r));
  Json a = Json::object();
  a.set("href", "../../../../runs/" + r.id + "/" + file).set("type", media_type(file)).set("title", file);
  const std::string ext = fs::path(file).extension().string();
  a.set("roles", Json::array({ext == ".png" ? "visual" : ext == ".html" ? "overview" : "data"}));
  Json assets = Json::object();
  assets.set("data", a);
  item.set("assets", assets);
  return item;
}

}  // namespace

std::vector<OutFile> stac_files(const CatalogueInputs& in) {
  std::vector<OutFile> out;
  Json root = Json::object();
  root.set("type", "Catalog").set("stac_version", kStacVersion).set("id", "alamod");
  root.set("title", "alamod: soil organic carbon site data and model runs");
  root.set("description",
           "Long-term soil carbon experiments as Frictionless Data Packages (point items) and gridded soil organic "
           "carbon simulations of alamod (a collection per run, datacube extension). Built by " + in.generator + ".");
  Json links = Json::array();
  links.push(link("root", "./catalog.json", "application/json"));
  add_self(links, in, "stac/catalog.json");
  links.push(link("child", "sites/collection.json", "application/json", "Site packages"));
  for (const auto& r : in.runs) links.push(link("child", "runs/" + r.id + "/collection.json", "application/json", r.id));
  links.push(link("describedby", "../index.html", "text/html", "portal"));
  root.set("links", links);
  out.push_back({"stac/catalog.json", root.dump()});

  // the site packages
  Json c = Json::object();
  c.set("type", "Collection").set("stac_version", kStacVersion).set("stac_extensions", Json::array());
  c.set("id", "alamod-sites").set("title", "Long-term soil carbon experiments");
  c.set("description", "One point item per site package (Frictionless Data Package: site, treatments, SOC observations, "
                       "forcing), each with its own licence and citation.");
  std::string licence;
  bool same = true;
  for (const auto& s : in.sites) {
    if (licence.empty()) licence = s.licence;
    same = same && s.licence == licence;
  }
  c.set("license", same ? licence : "other");
  double w = 180, so = 90, e = -180, n = -90;
  int y0 = 9999, y1 = 0;
  for (const auto& s : in.sites) {
    if (s.located) w = std::min(w, s.longitude), e = std::max(e, s.longitude), so = std::min(so, s.latitude), n = std::max(n, s.latitude);
    if (s.first_year) y0 = std::min(y0, s.first_year);
    y1 = std::max(y1, s.last_year);
  }
  if (w > e) w = -180, e = 180, so = -90, n = 90;
  Json extent = Json::object();
  extent["spatial"].set("bbox", Json::array({Json::array({w, so, e, n})}));
  extent["temporal"].set("interval", Json::array({Json::array({year_start(y0), year_end(y1)})}));
  c.set("extent", extent);
  Json sl = Json::array();
  sl.push(link("root", "../catalog.json", "application/json"));
  sl.push(link("parent", "../catalog.json", "application/json"));
  add_self(sl, in, "stac/sites/collection.json");
  std::map<std::string, std::string> licences;
  for (const auto& s : in.sites)
    for (const auto& [name, url] : s.licences) licences[name] = licence_url(name, s.licences);
  for (const auto& [name, url] : licences) sl.push(link("license", url, "text/html", name));
  for (const auto& s : in.sites) sl.push(link("item", "items/" + s.id + ".json", "application/geo+json", s.title));
  c.set("links", sl);
  out.push_back({"stac/sites/collection.json", c.dump()});
  for (const auto& s : in.sites) out.push_back({"stac/sites/items/" + s.id + ".json", site_item(in, s).dump()});

  for (const auto& r : in.runs) {
    out.push_back({"stac/runs/" + r.id + "/collection.json", run_collection(in, r).dump()});
    for (const auto& f : r.files)
      out.push_back({"stac/runs/" + r.id + "/items/" + id_part(f) + ".json", run_item(in, r, f).dump()});
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// DCAT-AP (JSON-LD)
// ---------------------------------------------------------------------------------------------------

namespace {

Json iri(const std::string& s) {
  Json j = Json::object();
  j.set("@id", s);
  return j;
}
Json typed(const std::string& value, const std::string& type) {
  Json j = Json::object();
  j.set("@value", value).set("@type", type);
  return j;
}
Json period(const std::string& start, const std::string& end) {
  Json t = Json::object();
  t.set("@type", "dct:PeriodOfTime").set("dcat:startDate", typed(start, "xsd:date")).set("dcat:endDate", typed(end, "xsd:date"));
  return t;
}
Json location_wkt(const std::string& wkt) {
  Json l = Json::object();
  l.set("@type", "dct:Location").set("locn:geometry", typed(wkt, "gsp:wktLiteral"));
  return l;
}
Json distribution(const std::string& href, const std::string& title, const std::string& licence) {
  Json d = Json::object();
  d.set("@type", "dcat:Distribution").set("dct:title", title);
  d.set("dcat:downloadURL", iri(href)).set("dcat:accessURL", iri(href));
  d.set("dcat:mediaType", iri("https://www.iana.org/assignments/media-types/" + media_type(title).substr(0, media_type(title).find(';'))));
  d.set("dct:license", iri(licence));
  return d;
}

}  // namespace

OutFile dcat_file(const CatalogueInputs& in) {
  Json ctx = Json::object();
  ctx.set("dcat", "http://www.w3.org/ns/dcat#").set("dct", "http://purl.org/dc/terms/");
  ctx.set("foaf", "http://xmlns.com/foaf/0.1/").set("xsd", "http://www.w3.org/2001/XMLSchema#");
  ctx.set("locn", "http://www.w3.org/ns/locn#").set("gsp", "http://www.opengis.net/ont/geosparql#");
  ctx.set("vcard", "http://www.w3.org/2006/vcard/ns#");
  if (!in.base_url.empty()) ctx.set("@base", in.base_url);
  Json cat = Json::object();
  cat.set("@context", ctx).set("@id", "catalog.jsonld").set("@type", "dcat:Catalog");
  cat.set("dct:title", "alamod soil carbon catalogue");
  cat.set("dct:description", "Long-term soil carbon experiments (Frictionless Data Packages) and gridded soil organic "
                             "carbon simulations of France by alamod. Built by " + in.generator + ".");
  cat.set("dct:modified", typed(in.created, "xsd:date"));
  cat.set("dcat:themeTaxonomy", iri("http://publications.europa.eu/resource/authority/data-theme"));
  cat.set("foaf:homepage", iri("index.html"));
  Json publisher = Json::object();
  publisher.set("@type", "foaf:Agent").set("foaf:name", "alamod");
  cat.set("dct:publisher", publisher);
  Json datasets = Json::array();
  for (const auto& s : in.sites) {
    Json d = Json::object();
    d.set("@id", "sites/" + s.id + "/index.html#dataset").set("@type", "dcat:Dataset");
    d.set("dct:identifier", site_id(s)).set("dct:title", s.title);
    d.set("dct:description", s.description.empty() ? s.title : s.description);
    Json kw = Json::strings(s.keywords);
    if (!s.network.empty()) kw.push(s.network);
    if (!s.land_use.empty()) kw.push(s.land_use);
    d.set("dcat:keyword", kw);
    d.set("dcat:theme", iri("http://publications.europa.eu/resource/authority/data-theme/AGRI"));
    d.set("dct:temporal", period(std::to_string(s.first_year) + "-01-01", std::to_string(s.last_year) + "-12-31"));
    if (s.located) {
      char wkt[96];
      std::snprintf(wkt, sizeof wkt, "POINT(%.5f %.5f)", s.longitude, s.latitude);
      d.set("dct:spatial", location_wkt(wkt));
    }
    d.set("dct:bibliographicCitation", s.citation);
    d.set("dcat:landingPage", iri("sites/" + s.id + "/index.html"));
    d.set("dct:accrualPeriodicity", iri("http://publications.europa.eu/resource/authority/frequency/IRREG"));
    d.set("dct:issued", typed(in.created, "xsd:date"));
    if (!s.version.empty()) d.set("dcat:version", s.version);
    const std::string lic = licence_url(s.licence, s.licences);
    Json dist = Json::array();
    for (const auto& f : s.files) dist.push(distribution("sites/" + s.id + "/" + f, f, lic));
    d.set("dcat:distribution", dist);
    datasets.push(d);
  }
  for (const auto& r : in.runs) {
    Json d = Json::object();
    d.set("@id", "runs/" + r.id + "/index.html#dataset").set("@type", "dcat:Dataset");
    d.set("dct:identifier", run_id(r)).set("dct:title", r.title.empty() ? "alamod grid run " + r.id : r.title);
    d.set("dct:description", (r.summary.empty() ? r.title : r.summary) + " Model " + r.model + ", scenario " + r.scenario + ".");
    d.set("dcat:keyword", Json::array({"soil organic carbon", "alamod", r.model, r.scenario}));
    d.set("dcat:theme", iri("http://publications.europa.eu/resource/authority/data-theme/ENVI"));
    d.set("dct:temporal", period(r.time_start, r.time_end));
    char wkt[200];
    std::snprintf(wkt, sizeof wkt, "POLYGON((%.4f %.4f, %.4f %.4f, %.4f %.4f, %.4f %.4f, %.4f %.4f))", r.lon_min, r.lat_min,
                  r.lon_max, r.lat_min, r.lon_max, r.lat_max, r.lon_min, r.lat_max, r.lon_min, r.lat_min);
    d.set("dct:spatial", location_wkt(wkt));
    d.set("dcat:landingPage", iri("runs/" + r.id + "/index.html"));
    d.set("dct:accrualPeriodicity", iri("http://publications.europa.eu/resource/authority/frequency/IRREG"));
    if (!r.created.empty()) d.set("dct:issued", typed(r.created.substr(0, 10), "xsd:date"));
    d.set("dct:provenance", "alamod " + r.version + " (commit " + r.commit + "), configuration SHA-256 " + r.config_sha256);
    const std::string lic = run_spdx(r) == "other" ? "https://spdx.org/licenses/" : licence_url(run_spdx(r), {});
    Json dist = Json::array();
    for (const auto& f : r.files) dist.push(distribution("runs/" + r.id + "/" + f, f, lic));
    d.set("dcat:distribution", dist);
    datasets.push(d);
  }
  cat.set("dcat:dataset", datasets);
  return {"catalog.jsonld", cat.dump()};
}

// ---------------------------------------------------------------------------------------------------
// schema.org Dataset (landing pages)
// ---------------------------------------------------------------------------------------------------

namespace {

Json schema_context() {
  Json c = Json::object();
  c.set("@vocab", "https://schema.org/");
  return c;
}

Json data_catalog() {
  Json c = Json::object();
  c.set("@type", "DataCatalog").set("name", "alamod soil carbon catalogue").set("url", "../../index.html");
  return c;
}

std::string with_min_length(std::string d, const std::string& more) {
  if (d.size() < 50) d += (d.empty() ? "" : " ") + more;
  return d;
}

}  // namespace

std::string site_jsonld(const CatalogueInputs& in, const SitePackage& s) {
  (void)in;
  Json d = Json::object();
  d.set("@context", schema_context()).set("@type", "Dataset").set("@id", "#dataset");
  d.set("name", s.title).set("identifier", site_id(s));
  d.set("description", with_min_length(s.description.empty() ? s.title : s.description,
                                        "Soil organic carbon observations of a long-term field experiment, "
                                        "published as a Frictionless Data Package."));
  d.set("url", "index.html");
  d.set("license", licence_url(s.licence, s.licences));
  Json kw = Json::strings(s.keywords);
  if (!s.network.empty()) kw.push(s.network);
  d.set("keywords", kw);
  d.set("citation", s.citation);
  if (!s.version.empty()) d.set("version", s.version);
  Json creators = Json::array();
  for (const auto& [name, url] : s.creators) {
    Json c = Json::object();
    c.set("@type", url.find("orcid.org") != std::string::npos ? "Person" : "Organization").set("name", name);
    if (!url.empty()) c.set("sameAs", url);
    creators.push(c);
  }
  if (!creators.empty()) d.set("creator", creators);
  d.set("temporalCoverage", std::to_string(s.first_year) + "/" + std::to_string(s.last_year));
  if (s.located) {
    Json geo = Json::object();
    geo.set("@type", "GeoCoordinates").set("latitude", s.latitude).set("longitude", s.longitude);
    Json place = Json::object();
    place.set("@type", "Place").set("name", s.title).set("geo", geo);
    d.set("spatialCoverage", place);
  }
  Json vars = Json::array();
  for (const auto& v : s.variables) {
    const auto it = site_variables().find(v);
    Json pv = Json::object();
    pv.set("@type", "PropertyValue").set("name", v);
    if (it != site_variables().end()) {
      pv.set("description", it->second.description);
      if (*it->second.unit) pv.set("unitText", it->second.unit);
    }
    vars.push(pv);
  }
  d.set("variableMeasured", vars);
  Json dist = Json::array();
  for (const auto& f : s.files) {
    Json dd = Json::object();
    dd.set("@type", "DataDownload").set("name", f).set("contentUrl", f).set("encodingFormat", media_type(f));
    dist.push(dd);
  }
  d.set("distribution", dist);
  d.set("includedInDataCatalog", data_catalog());
  return d.dump();
}

std::string run_jsonld(const CatalogueInputs& in, const GridRunOutput& r) {
  (void)in;
  Json d = Json::object();
  d.set("@context", schema_context()).set("@type", "Dataset").set("@id", "#dataset");
  d.set("name", r.title.empty() ? "alamod grid run " + r.id : r.title).set("identifier", run_id(r));
  d.set("description", with_min_length(r.summary, "Gridded soil organic carbon simulated by alamod (model " + r.model +
                                                      ", scenario " + r.scenario + ")."));
  d.set("url", "index.html");
  if (run_spdx(r) != "other") d.set("license", licence_url(run_spdx(r), {}));
  d.set("keywords", Json::array({"soil organic carbon", "alamod", r.model, r.scenario}));
  d.set("temporalCoverage", r.time_start + "/" + r.time_end);
  char box[160];
  std::snprintf(box, sizeof box, "%.4f %.4f %.4f %.4f", r.lat_min, r.lon_min, r.lat_max, r.lon_max);
  Json shape = Json::object();
  shape.set("@type", "GeoShape").set("box", box);
  Json place = Json::object();
  place.set("@type", "Place").set("geo", shape);
  d.set("spatialCoverage", place);
  Json vars = Json::array();
  for (const auto& v : r.variables) {
    if (v.name == "lat" || v.name == "lon" || v.name == "depth") continue;
    Json pv = Json::object();
    pv.set("@type", "PropertyValue").set("name", v.name);
    if (!v.long_name.empty()) pv.set("description", v.long_name);
    if (!v.units.empty()) pv.set("unitText", v.units);
    if (!v.standard_name.empty()) pv.set("propertyID", "http://vocab.nerc.ac.uk/standard_name/" + v.standard_name + "/");
    vars.push(pv);
  }
  d.set("variableMeasured", vars);
  Json dist = Json::array();
  for (const auto& f : r.files) {
    Json dd = Json::object();
    dd.set("@type", "DataDownload").set("name", f).set("contentUrl", f).set("encodingFormat", media_type(f));
    dist.push(dd);
  }
  d.set("distribution", dist);
  Json sw = Json::object();
  sw.set("@type", "SoftwareApplication").set("name", "alamod").set("softwareVersion", r.version + " (" + r.commit + ")");
  d.set("isBasedOn", sw);
  d.set("includedInDataCatalog", data_catalog());
  return d.dump();
}

}  // namespace alamod::engine
