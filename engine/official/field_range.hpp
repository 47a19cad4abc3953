#pragma once
/// What the official drop-ins (rothc_official, amg_official) share in checking their input files: the
/// admissible values of a numeric field and how their error messages state them.
#include <limits>
#include <string>

namespace alamod::engine {

/// A number in the drop-ins' messages: 15 significant digits.
std::string number_text(double v);

/// The admissible values of a numeric field: an interval, each end open or closed, integers only or not.
struct FieldRange {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  bool integer = false;
  bool lower_open = false, upper_open = false;

  /// Whether v lies in the interval (and is whole where integers are required).
  bool admits(double v) const;
  /// "a number in [0, 100]", "an integer 0 or 1", "a number >= 0", "a number < 5", "a number"...
  std::string text() const;
};

}  // namespace alamod::engine
