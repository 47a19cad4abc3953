#pragma once
/// Deterministic elementary functions for model kernels.
///
/// A kernel loop that the compiler vectorises calls a vector exp for the body and
/// the scalar libm exp for the remainder: the same cell then gets different last
/// bits depending on its position in the loop, i.e. on the rank count. These
/// functions use only IEEE +, -, *, / and exact bit operations, so the scalar and
/// every vectorised instance round identically (the build disables FMA
/// contraction with -ffp-contract=off). Accuracy: about 1 ulp over the range.
///
/// Every function is one template written once for `double` and for the GCC
/// vector types below (`v2d`, `v4d`, `v8d`): each lane of a vector instance runs
/// exactly the operations of the scalar instance, in the same order, so it
/// returns the same bits. Comparisons and selections are written `c ? a : b`,
/// which has the same meaning lane by lane.
#include <cstdint>
#include <cstring>
#include <limits>

#if defined(__FAST_MATH__)
#error "det_math.hpp needs IEEE arithmetic: do not compile with -ffast-math"
#endif

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

/// GCC vector types (lane-wise IEEE arithmetic) and their bit patterns.
typedef double v2d __attribute__((vector_size(16)));
typedef double v4d __attribute__((vector_size(32)));
typedef double v8d __attribute__((vector_size(64)));
typedef std::uint64_t v2u __attribute__((vector_size(16)));
typedef std::uint64_t v4u __attribute__((vector_size(32)));
typedef std::uint64_t v8u __attribute__((vector_size(64)));

/// Lane traits: the bit-pattern type and the number of lanes of V.
template <class V> struct Lanes;
template <> struct Lanes<double> {
  using Bits = std::uint64_t;
  static constexpr int kWidth = 1;
};
template <> struct Lanes<v2d> {
  using Bits = v2u;
  static constexpr int kWidth = 2;
};
template <> struct Lanes<v4d> {
  using Bits = v4u;
  static constexpr int kWidth = 4;
};
template <> struct Lanes<v8d> {
  using Bits = v8u;
  static constexpr int kWidth = 8;
};

/// `k` in every lane.
template <class V> [[gnu::always_inline]] inline V splat(double k) {
  if constexpr (Lanes<V>::kWidth == 1) {
    return k;
  } else {
    V v;
    for (int i = 0; i < Lanes<V>::kWidth; ++i) v[i] = k;
    return v;
  }
}

template <class V> [[gnu::always_inline]] inline typename Lanes<V>::Bits bits_of_lanes(const V& x) {
  if constexpr (Lanes<V>::kWidth == 1) {
    return bits_of(x);
  } else {
    return reinterpret_cast<typename Lanes<V>::Bits>(x);
  }
}
template <class V> [[gnu::always_inline]] inline V lanes_of_bits(const typename Lanes<V>::Bits& u) {
  if constexpr (Lanes<V>::kWidth == 1) {
    return double_of(u);
  } else {
    return reinterpret_cast<V>(u);
  }
}

/// exp(x) lane by lane for x <= 709 (or NaN), clamped below at -708 (to
/// exp(-708)); equal to det_exp_lanes(x) for such x, meaningless above 709. For
/// arguments that are <= 0 by construction (decay factors) it saves
/// det_exp_lanes' upper clamp.
///
/// Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, a degree-11 polynomial for
/// exp(r), scaled by 2^n built in the exponent bits. No integer division and no
/// int/double conversion, so every step vectorises: n + 1023 is read from the
/// low mantissa bits of t + 1023 (t = x log2e + 1.5 2^52) and shifted into the
/// exponent field.
template <class V> [[gnu::always_inline]] inline V det_exp_upto709_lanes(const V& arg) {
  constexpr double kLog2e = 1.4426950408889634074;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;  // high bits of ln 2
  constexpr double kLn2Lo = 1.90821492927058770002e-10;  // ln 2 - kLn2Hi
  constexpr double kShift = 6755399441055744.0;          // 1.5 * 2^52: rounds to integer
  const V x = arg < -708.0 ? splat<V>(-708.0) : arg;
  const V t = x * kLog2e + kShift;  // n sits in the low mantissa bits of t
  const V n = t - kShift;           // n as a double, exact
  const V r = (x - n * kLn2Hi) - n * kLn2Lo;
  // exp(r) = 1 + r + r^2 E(r), E of degree 9 fitted to (exp(r) - 1 - r) / r^2 on
  // [-0.35, 0.35] (Chebyshev fit; error of the polynomial 2e-17 relative to exp),
  // evaluated in Estrin's form: a dependency chain 8 operations deep instead of
  // Horner's 20, so vector loops are not latency bound. Max error 1.06 ulp
  // against a long-double reference, at most 1 ulp from glibc's exp.
  const V r2 = r * r;
  const V r4 = r2 * r2;
  const V q0 = r * 0.16666666666666669 + 0.5000000000000001;
  const V q2 = r * 0.008333333333329796 + 0.04166666666662068;
  const V q4 = r * 0.00019841269864364933 + 0.0013888888918918907;
  const V q6 = r * 2.7557266442353424e-06 + 2.4801518672268355e-05;
  const V q8 = r * 2.5101335854788522e-08 + 2.7621324269313687e-07;
  const V s0 = q0 + q2 * r2;
  const V s4 = q4 + q6 * r2;
  const V e = s0 + (s4 + q8 * r4) * r4;  // E(r)
  const V p = 1.0 + (r + r2 * e);
  // 2^n, n in [-1021, 1023] after clamping x, so 2^n is a normal number. t + 1023
  // is exact (same binade as t); its mantissa field is 2^51 + n + 1023, and the
  // shift by 52 drops the 2^51 and the old exponent, leaving (n + 1023) << 52.
  // p 2^n is rounded once, whether or not it is subnormal.
  const V scale = lanes_of_bits<V>(bits_of_lanes(t + 1023.0) << 52);
  return p * scale;
}

/// exp(x) lane by lane, for x in [-708, 709]; arguments outside are clamped.
template <class V> [[gnu::always_inline]] inline V det_exp_lanes(const V& x) {
  return det_exp_upto709_lanes<V>(x > 709.0 ? splat<V>(709.0) : x);
}

/// exp(x) for x in [-708, 709]; arguments outside are clamped (to exp(-708) or exp(709)).
inline double det_exp(double x) { return det_exp_lanes(x); }


/// ln(x) lane by lane for positive normal x (0, subnormal, negative, infinite or NaN arguments give
/// meaningless results: callers guarantee x > 2.3e-308). x = 2^k m with m in [sqrt(1/2), sqrt(2));
/// ln(m) = 2 atanh(s), s = (m - 1)/(m + 1), |s| <= 0.172, by its series up to s^23 (truncation
/// < 2e-19 relative); ln(x) = k ln2 + ln(m), ln2 split in a high part (k ln2_hi exact for |k| < 2^11)
/// and a low part. Max error about 1 ulp; ln(1) = 0 exactly. Only IEEE +, -, *, / and bit operations.
template <class V> [[gnu::always_inline]] inline V det_log_lanes(const V& x) {
  using Bits = typename Lanes<V>::Bits;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kSqrt2 = 1.4142135623730950488;
  const Bits u = bits_of_lanes<V>(x);
  const Bits exponent_field = (u >> 52) & static_cast<std::uint64_t>(0x7ff);
  // the biased exponent as a double: its bits in the low mantissa of 2^52, minus 2^52 (exact)
  const V biased = lanes_of_bits<V>(exponent_field | static_cast<std::uint64_t>(0x4330000000000000ULL)) - 4503599627370496.0;
  const V m1 = lanes_of_bits<V>((u & static_cast<std::uint64_t>(0x000fffffffffffffULL)) |
                                static_cast<std::uint64_t>(0x3ff0000000000000ULL));  // [1, 2)
  const V big = m1 > kSqrt2 ? splat<V>(1.0) : splat<V>(0.0);
  const V m = big > 0.5 ? m1 * 0.5 : m1;  // exact
  const V k = (biased - 1023.0) + big;
  const V f = m - 1.0;  // exact (Sterbenz)
  const V s = f / (m + 1.0);
  const V z = s * s;
  // 2 (s + s^3/3 + ... + s^23/23) = 2s + 2s z P(z)
  V q = z * (1.0 / 23.0) + (1.0 / 21.0);
  q = q * z + (1.0 / 19.0);
  q = q * z + (1.0 / 17.0);
  q = q * z + (1.0 / 15.0);
  q = q * z + (1.0 / 13.0);
  q = q * z + (1.0 / 11.0);
  q = q * z + (1.0 / 9.0);
  q = q * z + (1.0 / 7.0);
  q = q * z + (1.0 / 5.0);
  q = q * z + (1.0 / 3.0);
  const V log_m = 2.0 * s + 2.0 * s * (z * q);
  return k * kLn2Hi + (log_m + k * kLn2Lo);
}

/// ln(x) for positive normal x (see det_log_lanes).
inline double det_log(double x) { return det_log_lanes<double>(x); }

/// x^y = exp(y ln x) lane by lane for positive normal x and |y ln x| <= 708 (see det_log_lanes).
template <class V> [[gnu::always_inline]] inline V det_pow_lanes(const V& x, double y) {
  return det_exp_lanes<V>(det_log_lanes<V>(x) * y);
}
inline double det_pow(double x, double y) { return det_pow_lanes<double>(x, y); }

/// e^u and phi(u) = (e^u - 1) / u (phi(0) = 1) lane by lane, for u <= 709: the growth and the
/// integrated input of a mode with rate u over a step (models/century/ modes). phi comes from its
/// series (degree 10, truncation < 3e-17 relative) where |u| < 1/8, so that e^u - 1 never cancels,
/// and from (e^u - 1) / u elsewhere; both are evaluated and one is selected, so every lane runs the
/// same operations as the scalar instance.
template <class V> [[gnu::always_inline]] inline void det_exp_phi_lanes(const V& u, V& e, V& phi) {
  e = det_exp_upto709_lanes<V>(u);
  // sum_{n=0}^{10} u^n / (n + 1)! by Horner's rule
  V s = u * (1.0 / 39916800.0) + (1.0 / 3628800.0);
  s = s * u + (1.0 / 362880.0);
  s = s * u + (1.0 / 40320.0);
  s = s * u + (1.0 / 5040.0);
  s = s * u + (1.0 / 720.0);
  s = s * u + (1.0 / 120.0);
  s = s * u + (1.0 / 24.0);
  s = s * u + (1.0 / 6.0);
  s = s * u + 0.5;
  s = s * u + 1.0;
  const V magnitude = u < 0.0 ? -u : u;
  const V safe_u = magnitude < 0.125 ? splat<V>(1.0) : u;
  const V ratio = (e - 1.0) / safe_u;
  phi = magnitude < 0.125 ? s : ratio;
}

/// Scalar e^u and (e^u - 1) / u (see det_exp_phi_lanes).
inline void det_exp_phi(double u, double& e, double& phi) { det_exp_phi_lanes<double>(u, e, phi); }

}  // namespace alamod::models
