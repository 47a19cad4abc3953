// `alamod catalogue build`: read and check every input first, then write the whole folder under a
// temporary name beside --out and rename it into place, so that a failure leaves nothing half-written
// and an earlier catalogue stays whole until the new one is complete.
#include "engine/catalogue/catalogue.hpp"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <set>

#include "engine/common/atomic_file.hpp"
#include "engine/common/provenance.hpp"
#include "grids/input_error.hpp"

namespace fs = std::filesystem;

namespace alamod::engine {

namespace {

[[noreturn]] void fail(const std::string& message) { throw InputError(message); }

std::string random_suffix() {
  static const char* letters = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device rd;
  std::string s;
  for (int i = 0; i < 6; ++i) s += letters[rd() % 36];
  return s;
}

/// A file of an input placed in the catalogue: a hard link when the file system allows it, else a copy.
void place_file(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  if (ec) throw AtomicFileError(AtomicFileError::Step::create, to.parent_path().string() + ": cannot be created: " + ec.message());
  fs::create_hard_link(from, to, ec);
  if (!ec) return;
  ec.clear();
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) throw AtomicFileError(AtomicFileError::Step::write, from.string() + ": cannot be copied to " + to.string() + ": " + ec.message());
}

void write_text(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw AtomicFileError(AtomicFileError::Step::create, path.parent_path().string() + ": cannot be created: " + ec.message());
  write_file_atomically(path, text);
}

std::string default_boundary(const std::string& sites) {
  return (fs::path(sites) / ".." / "sources" / "boundary" / "mask_fr_8000m.tif").lexically_normal().string();
}

}  // namespace

void build_catalogue(const CatalogueOptions& opt) {
  if (opt.out.empty()) fail("alamod catalogue build: --out SITE is required");
  if (opt.sites.empty()) fail("alamod catalogue build: --sites DIR is required");
  const fs::path out = fs::path(opt.out).lexically_normal();
  if (fs::exists(fs::symlink_status(out)) && !opt.overwrite)
    fail(out.string() + ": exists; give --overwrite to replace it (the new catalogue replaces it whole once complete)");
  if (fs::exists(fs::symlink_status(out)) && !fs::is_directory(fs::symlink_status(out)))
    fail(out.string() + ": not a folder (a file or a link stands there); --out must name a folder");

  // 1. read and check everything
  CatalogueInputs in;
  in.sites = read_site_collection(opt.sites);
  std::set<std::string> run_ids;
  for (const auto& d : opt.runs) {
    in.runs.push_back(read_grid_run(d));
    if (!run_ids.insert(in.runs.back().id).second)
      fail(d + ": a second run folder named '" + in.runs.back().id + "' (run ids are the folder names)");
  }
  in.evaluations = read_evaluations(opt.evaluations);
  const std::string boundary = opt.boundary.empty() ? default_boundary(opt.sites) : opt.boundary;
  if (!fs::is_regular_file(boundary))
    fail(boundary + ": no boundary mask there (--boundary FILE: a raster whose non-zero cells are the land to draw)");
  in.map = map_frame(boundary, in.sites, 520);
  in.base_url = opt.base_url;
  if (!in.base_url.empty() && in.base_url.back() != '/') in.base_url += '/';
  in.generator = "alamod " + alamod_version() + " (" + alamod_git_commit() + ")";
  in.created = utc_now_iso().substr(0, 10);

  // 2. make the text of every file
  std::vector<OutFile> files = stac_files(in);
  files.push_back(dcat_file(in));
  for (auto& p : portal_pages(in)) files.push_back(std::move(p));

  // 3. write it all under a temporary name, then rename into place
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  const fs::path tmp = parent / ("." + out.filename().string() + ".incomplete-" + random_suffix());
  if (!fs::create_directory(tmp, ec) || ec)
    fail(tmp.string() + ": cannot create the temporary folder beside --out: " + (ec ? ec.message() : "it exists"));
  try {
    for (const auto& f : files) write_text(tmp / f.path, f.text);
    for (const auto& s : in.sites)
      for (const auto& f : s.files) place_file(fs::path(s.dir) / f, tmp / "sites" / s.id / f);
    for (const auto& r : in.runs)
      for (const auto& f : r.files) place_file(fs::path(r.dir) / f, tmp / "runs" / r.id / f);
    for (std::size_t i = 0; i < opt.evaluations.size(); ++i) {
      const fs::path dir = tmp / "evaluations" / std::to_string(i + 1);
      place_file(fs::path(opt.evaluations[i]) / "metrics.csv", dir / "metrics.csv");
      if (fs::is_regular_file(fs::path(opt.evaluations[i]) / "report.html"))
        place_file(fs::path(opt.evaluations[i]) / "report.html", dir / "report.html");
      else
        write_text(dir / "report.html", "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>no report</title>"
                                        "<p>This evaluation was given without its report.html.</p></html>\n");
    }
    std::string robots = "User-agent: *\nAllow: /\n";
    if (!in.base_url.empty()) {  // the landing pages for crawlers (absolute URLs: only with --base-url)
      std::string map = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
      for (const auto& f : files)
        if (fs::path(f.path).filename() == "index.html")
          map += "  <url><loc>" + in.base_url + f.path + "</loc><lastmod>" + in.created + "</lastmod></url>\n";
      write_text(tmp / "sitemap.xml", map + "</urlset>\n");
      robots += "Sitemap: " + in.base_url + "sitemap.xml\n";
    }
    write_text(tmp / "robots.txt", robots);
    // the previous catalogue goes only once the new one is complete
    fs::path old;
    if (fs::exists(fs::symlink_status(out))) {
      old = parent / ("." + out.filename().string() + ".replaced-" + random_suffix());
      fs::rename(out, old);
    }
    fs::rename(tmp, out);
    if (!old.empty()) fs::remove_all(old, ec);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  std::printf("catalogue: %zu site packages, %zu grid runs, %zu evaluations; wrote %zu files to %s (index.html, "
              "catalog.jsonld, stac/catalog.json)\n",
              in.sites.size(), in.runs.size(), in.evaluations.sources.size(), files.size(), out.string().c_str());
}

}  // namespace alamod::engine
