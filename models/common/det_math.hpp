#pragma once
/// Deterministic elementary functions for model kernels.
///
/// A kernel loop that the compiler vectorises calls a vector exp for the body and
/// the scalar libm exp for the remainder: the same cell then gets different last
/// bits depending on its position in the loop, i.e. on the rank count. These
/// functions use only IEEE +, -, *, / and exact bit operations, so the scalar and
/// every vectorised instance round identically (the build disables FMA
/// contraction with -ffp-contract=off). Accuracy: below 2 ulp over the range.
#include <cstdint>
#include <cstring>
#include <limits>

namespace alamod::models {

/// Bit-exact reinterpretation (std::bit_cast is C++20).
inline std::uint64_t bits_of(double x) {
  std::uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
inline double double_of(std::uint64_t u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

/// exp(x) for x in [-708, 709]; arguments outside are clamped (0 or +huge).
/// Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, degree-13 Taylor polynomial
/// for exp(r) (truncation error < 2e-17 relative), scaled by 2^n through the
/// exponent bits.
inline double det_exp(double x) {
  constexpr double kLog2e = 1.4426950408889634074;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // high bits of ln 2
  constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
  constexpr double kShift = 6755399441055744.0;          // 1.5 * 2^52: rounds to integer
  x = x < -708.0 ? -708.0 : x;
  x = x > 709.0 ? 709.0 : x;
  const double t = x * kLog2e + kShift;  // n sits in the low mantissa bits of t
  const double n = t - kShift;           // n as a double, exact
  const double r = (x - n * kLn2Hi) - n * kLn2Lo;
  // Horner form of sum r^k / k!, k = 0..13
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^n: the integer n is the difference of the bit patterns of t and kShift.
  const std::int64_t ni = static_cast<std::int64_t>(bits_of(t) - bits_of(kShift));
  // n in [-1022, 1023] after clamping x; split the scale in two to stay normal.
  const std::int64_t n1 = ni / 2;
  const std::int64_t n2 = ni - n1;
  const double s1 = double_of(static_cast<std::uint64_t>(n1 + 1023) << 52);
  const double s2 = double_of(static_cast<std::uint64_t>(n2 + 1023) << 52);
  return p * s1 * s2;
}

}  // namespace alamod::models
