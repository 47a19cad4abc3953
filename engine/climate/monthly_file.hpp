#pragma once
/// The monthly climate file alamod writes for a grid run (`alamod climate prepare`, `alamod climate
/// delta`): `tas` (degC), `pr` and `pet` (mm month-1), float, on a product's grid and calendar with its CRS
/// as WKT, created exclusively under a temporary name (the caller renames it into place).
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "grids/climate_products.hpp"

namespace alamod::engine {

class MonthlyFile {
 public:
  /// `variables`: (name, units) of tas, pr, pet; `descriptions`: how each was made (its `comment`).
  MonthlyFile(const std::string& path, const grids::ProductGrid& g, grids::CfCalendar cal, int first_year, int years,
              const std::vector<std::pair<std::string, std::string>>& variables,
              const std::vector<std::string>& descriptions, const std::string& history);
  ~MonthlyFile();
  MonthlyFile(const MonthlyFile&) = delete;
  MonthlyFile& operator=(const MonthlyFile&) = delete;
  /// Whether (year, month) is one of the file's months.
  bool holds(int year, int month) const;
  /// Writes one month of `name` (NaN: missing).
  void write(const std::string& name, int year, int month, const std::vector<double>& values);
  void close();

 private:
  std::string path_;
  int ncid_ = -1, years_, first_year_;
  size_t ny_, nx_;
  std::map<std::string, int> varids_;
};

/// Writes the file `out` through `write(temporary)`, which creates and fills a MonthlyFile at the temporary
/// name beside `out`; renames it into place when `write` returns, removes it when it throws. An `out` that
/// exists is refused unless `overwrite` (and replaced only when it is a regular file); its folder must exist.
void write_into_place(const std::string& out, bool overwrite, const std::function<void(const std::string&)>& write);

}  // namespace alamod::engine
