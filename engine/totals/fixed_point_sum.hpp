#pragma once
/// Sums whose value does not depend on the order of their terms, hence not on the rank count.
///
/// Each term is rounded once, to the nearest multiple of 2^-kFractionBits (about 8.9e-16 of its unit,
/// far below a double's own rounding of a stock of more than 1 t ha-1), into a 128-bit integer; the
/// integers are then added exactly. Integer addition is associative, so partial sums made on any
/// number of ranks, in any order, and reduced in any tree give the same bits; the total is converted
/// back to a double once (correctly rounded). A term's rounding depends on that term alone.
///
/// Range: |term| < 2^40 (1.1e12 of its unit); 2^47 such terms fit without overflow.
#include <mpi.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace alamod::engine {

using FixedPoint = __int128;

inline constexpr int kFractionBits = 50;  // to_fixed_point scales by 2^50
inline constexpr double kFixedPointLimit = 0x1p40;

/// `v` rounded to the nearest multiple of 2^-kFractionBits, in units of 2^-kFractionBits.
/// Throws std::range_error when |v| >= 2^40 or v is not finite (the caller names the cell).
inline FixedPoint to_fixed_point(double v) {
  if (!(std::fabs(v) < kFixedPointLimit)) throw std::range_error("value outside the fixed-point range");
  const double s = v * 0x1p50;  // exact (a power of two): |s| < 2^90
  const auto hi = static_cast<std::int64_t>(s * 0x1p-45);  // truncated: |hi| < 2^45, exact
  const double lo = s - static_cast<double>(hi) * 0x1p45;  // exact: the bits of s below 2^45
  // lo to the nearest integer (ties to even) by the 1.5 * 2^52 shift, exact for |lo| < 2^51
  const double rounded = (lo + 0x1.8p52) - 0x1.8p52;
  return static_cast<FixedPoint>(hi) * (static_cast<FixedPoint>(1) << 45) +
         static_cast<FixedPoint>(static_cast<std::int64_t>(rounded));
}

/// A fixed-point sum back as a double (one rounding), divided by `denominator` (an exact integer
/// weight, e.g. the sub-cells of a cell; one more rounding when it is not a power of two).
inline double to_double(FixedPoint sum, double denominator = 1.0) {
  return std::ldexp(static_cast<double>(sum), -kFractionBits) / denominator;
}

/// Collective: element-wise sum of `values` over `comm`, exact, onto every rank.
void sum_over_ranks(MPI_Comm comm, std::vector<FixedPoint>& values);

}  // namespace alamod::engine
