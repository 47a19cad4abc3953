#include "engine/vegetation/satellite_series.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "grids/input_error.hpp"

namespace alamod::engine::vegetation {

namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/// Days from 2000-01-01 to (year, day of year 1-based), day 0 = 2000-01-01.
long day_number(int year, int doy) {
  long d = 0;
  if (year >= 2000)
    for (int y = 2000; y < year; ++y) d += leap(y) ? 366 : 365;
  else
    for (int y = year; y < 2000; ++y) d -= leap(y) ? 366 : 365;
  return d + doy - 1;
}

int days_in_month(int y, int m) {
  static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

int day_of_year(int y, int m, int day) {
  int doy = day;
  for (int k = 1; k < m; ++k) doy += days_in_month(y, k);
  return doy;
}

std::string date_text(long day) {
  int y = 2000;
  while (day < 0) day += leap(--y) ? 366 : 365;
  while (day >= (leap(y) ? 366 : 365)) day -= leap(y++) ? 366 : 365;
  int m = 1;
  while (day >= days_in_month(y, m)) day -= days_in_month(y, m++);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02ld", y, m, day + 1);
  return buf;
}

}  // namespace

MonthlySeries monthly_series(const std::vector<Composite>& composites, int year, int month, int months,
                             double max_gap_days, const std::string& quantity,
                             std::string (*describe_cell)(std::size_t, const void*), const void* context) {
  if (composites.empty()) throw InputError(quantity + ": no satellite composite given");
  MonthlySeries out;
  out.year = year;
  out.month = month;
  out.months = months;
  out.cells = composites.front().values.size();
  for (const auto& c : composites)
    if (c.values.size() != out.cells)
      throw InputError(c.source + ": " + std::to_string(c.values.size()) + " cells where the first composite has " +
                       std::to_string(out.cells));
  // composites in date order with their centre dates
  std::vector<std::size_t> order(composites.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto centre = [&](std::size_t i) {
    return day_number(composites[i].year, composites[i].day_of_year) + (composites[i].days - 1) / 2.0;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return centre(a) < centre(b); });

  out.values.assign(static_cast<std::size_t>(months) * out.cells, std::numeric_limits<double>::quiet_NaN());
  std::vector<double> t;
  std::vector<double> v;
  std::vector<std::size_t> src;
  for (std::size_t c = 0; c < out.cells; ++c) {
    t.clear();
    v.clear();
    src.clear();
    for (std::size_t i : order) {
      const double x = composites[i].values[c];
      if (std::isnan(x)) continue;
      t.push_back(centre(i));
      v.push_back(x);
      src.push_back(i);
    }
    if (t.empty()) continue;  // never observed: outside the product
    std::size_t k = 0;        // first valid composite at or after the day
    int y = year, m = month;
    for (int mi = 0; mi < months; ++mi) {
      double sum = 0;
      const int nd = days_in_month(y, m);
      for (int d = 1; d <= nd; ++d) {
        const double day = static_cast<double>(day_number(y, day_of_year(y, m, d)));
        while (k < t.size() && t[k] < day) ++k;
        double value = std::numeric_limits<double>::quiet_NaN();
        if (k < t.size() && t[k] == day) {
          value = v[k];
        } else if (k == 0) {
          if (t[0] - day <= max_gap_days / 2) value = v[0];
        } else if (k == t.size()) {
          if (day - t.back() <= max_gap_days / 2) value = v.back();
        } else if (t[k] - t[k - 1] <= max_gap_days) {
          value = v[k - 1] + (v[k] - v[k - 1]) * (day - t[k - 1]) / (t[k] - t[k - 1]);
          ++out.filled_days;
        }
        if (std::isnan(value)) {
          const std::string cell = describe_cell ? describe_cell(c, context) : "cell " + std::to_string(c);
          const std::string before = k > 0 ? composites[src[k - 1]].source + " (" + date_text(std::lround(t[k - 1])) + ")"
                                           : std::string("none");
          const std::string after =
              k < t.size() ? composites[src[k]].source + " (" + date_text(std::lround(t[k])) + ")" : std::string("none");
          throw InputError(quantity + ": " + cell + " has no valid value on " + date_text(std::lround(day)) +
                           ": a cloudy or flagged period longer than the " + std::to_string(std::lround(max_gap_days)) +
                           "-day gap limit (last valid before: " + before + "; next valid: " + after + ")");
        }
        sum += value;
      }
      out.values[static_cast<std::size_t>(mi) * out.cells + c] = sum / nd;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  return out;
}

}  // namespace alamod::engine::vegetation
