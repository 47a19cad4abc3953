#pragma once
/// A satellite time series (fAPAR or NDVI composites, each on the run grid) made monthly, with the gap rule
/// of docs/VEGETATION.md, "Gaps and months":
///   1. each composite stands at its centre date (first day + (length - 1)/2);
///   2. per cell, the value of each day is the linear interpolation between the nearest valid composites
///      before and after it, when they are at most `max_gap_days` apart; before the first (after the last)
///      valid composite, that composite's value when it is at most max_gap_days/2 away;
///   3. the month's value is the mean of its days.
/// A cell with no valid composite at all stays NaN (outside the product: sea, no coverage); a cell that has
/// some but not enough to cover every day of a month (a cloudy period longer than the gap limit) is refused
/// with an InputError naming the cell, the days without a value and the files around them.
#include <string>
#include <vector>

namespace alamod::engine::vegetation {

/// One composite on the grid.
struct Composite {
  int year = 0, day_of_year = 1;  ///< first day
  int days = 16;                  ///< composite length (d): MOD13 16, MOD09/MOD15 8, Copernicus 10
  std::string source;             ///< file, for messages
  std::vector<double> values;     ///< one per grid cell, NaN where missing
};

/// Monthly means for `months` months starting at (year, month), per cell: values[m * cells + c].
struct MonthlySeries {
  int year = 0, month = 1, months = 0;
  std::size_t cells = 0;
  std::vector<double> values;
  std::size_t filled_days = 0;  ///< cell-days whose value was interpolated across a gap
};

/// `describe_cell(c)` names a cell in messages.
MonthlySeries monthly_series(const std::vector<Composite>& composites, int year, int month, int months,
                             double max_gap_days, const std::string& quantity,
                             std::string (*describe_cell)(std::size_t, const void*) = nullptr,
                             const void* context = nullptr);

}  // namespace alamod::engine::vegetation
