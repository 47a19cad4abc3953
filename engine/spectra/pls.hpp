#pragma once
/// PLS1 regression (one response), X and y centred, X not scaled, as R `pls` and prospectr pipelines
/// (docs/SPECTRA.md, "Regression"). Two algorithms, equal in exact arithmetic for one response (de Jong 1993):
///   NIPALS, orthogonal scores (Martens & Naes 1989): w = Xᵀy/|Xᵀy|, t = Xw, p = Xᵀt/tᵀt, q = yᵀt/tᵀt,
///     X -= t pᵀ, y -= t q; R = W (PᵀW)⁻¹; B_a = R[:, 1..a] q[1..a]
///   SIMPLS (de Jong 1993): S = Xᵀy; r = S, t = Xr centred, normalised; p = Xᵀt, q = yᵀt; v = p orthogonalised
///     against the earlier v, normalised; S -= v vᵀS; B_a = R[:, 1..a] q[1..a]
/// Plain C++ loops in a fixed order: the same bits on any machine that follows IEEE 754 without FMA
/// contraction (the build sets -ffp-contract=off).
#include <cstddef>
#include <string>
#include <vector>

#include "engine/spectra/spectra_table.hpp"

namespace alamod::engine::spectra {

enum class PlsAlgorithm { nipals, simpls };

/// A fitted PLS1 model with 1..components components.
struct PlsFit {
  std::vector<double> x_mean;            ///< column means of the calibration X
  double y_mean = 0;                     ///< mean of the calibration y
  Matrix coefficients;                   ///< row a-1: the regression vector B_a with a components
  /// ŷ(x) with `a` components: y_mean + (x - x_mean)ᵀ B_a.
  double predict(const double* x, std::size_t a) const;
};

/// Fit rows `rows` of `x` (all when empty) to `y` (one value per row of x) with `components` components.
/// Throws std::invalid_argument when components exceeds min(n - 1, p) or X has no variance left.
PlsFit fit_pls(const Matrix& x, const std::vector<double>& y, const std::vector<std::size_t>& rows, std::size_t components,
               PlsAlgorithm algorithm);

const char* algorithm_name(PlsAlgorithm a);

}  // namespace alamod::engine::spectra
