#pragma once
/// ICBM, the Introductory Carbon Balance Model (Andrén & Kätterer 1997): two
/// first-order pools, young (Y) and old (O), with a climate/soil factor r_e that
/// scales both decay rates (see models/icbm/README.md for the equations).
///
///   dY/dt = i - k_Y r_e Y
///   dO/dt = h k_Y r_e Y - k_O r_e O
///
/// Pools in t C ha-1 (the equations are linear: any mass-per-area unit works if
/// inputs use the same one per year). Time step: one year, or any dt (yr): every
/// step is the exact solution of the ODEs for inputs and r_e constant over the
/// step, never an explicit Euler step (k_Y r_e is ~1 yr-1, Euler would be wrong).
/// Pure functions: no I/O, no MPI.
#include <array>
#include <string_view>

#include "models/common/det_math.hpp"
#include "models/common/parameter.hpp"
#include "models/common/valid_range.hpp"
#include "models/common/model_info.hpp"

namespace alamod::models::icbm {

inline constexpr int kNumPools = 2;  ///< young, old
inline constexpr std::array<std::string_view, kNumPools> kPoolNames = {"young", "old"};
inline constexpr double kYear = 1.0;  ///< default time step (yr)

/// Model parameters; defaults are those of Andrén & Kätterer (1997) for straw
/// (crop residues) at the Ultuna reference (r_e = 1).
struct Parameters {
  double k_young = 0.8;         ///< decay rate constant of the young pool (yr-1)
  double k_old = 0.006;         ///< decay rate constant of the old pool (yr-1)
  double humification = 0.125;  ///< h, share of the young-pool outflow that becomes old C (1)
};

/// The one declaration of every ICBM parameter. k_old's upper bound lies below
/// k_young's lower bound: the pools keep their meaning and the closed form never
/// divides by k_old - k_young = 0.
inline constexpr std::array<ParameterInfo<Parameters>, 3> kParameterInfo = {{
    {"k_young", &Parameters::k_young, "yr-1", 0.1, 10.0, "decay rate constant of the young pool (k_Y)",
     "Andrén & Kätterer 1997"},
    {"k_old", &Parameters::k_old, "yr-1", 1.0e-5, 0.05, "decay rate constant of the old pool (k_O)",
     "Andrén & Kätterer 1997"},
    {"humification", &Parameters::humification, "1", 0.0, 1.0,
     "humification coefficient h: 0.125 straw/crop residues, 0.31 farmyard manure", "Andrén & Kätterer 1997"},
}};

/// Where ICBM is valid (models/common/valid_range.hpp): the engine refuses a climate outside. The grid's
/// r_e comes from the monthly climate (engine/model_bindings/icbm.cpp); a site run given r_e itself
/// needs r_e > 0 (no decomposition otherwise).
inline constexpr std::array<ValidRange, 2> kValidRange = {{
    {"tas", Period::month, "degC", -60.0, 35.0,
     "the temperature factor ((T + 3.8)/33.8)^2 of r_e (0 below -3.8 degC) was fitted to incubations up to about "
     "35 degC and rises without an optimum beyond; -60 degC: the coldest monthly means on Earth",
     "Kätterer et al. 1998; Andrén et al. 2004"},
    {"tas", Period::year, "degC", -5.0, 30.0,
     "ICBM was calibrated at Ultuna (annual mean 5.5 degC, r_e = 1) and applied across Sweden; colder, r_e nears 0 "
     "and the equilibrium stocks grow without bound (r_e = 0: no equilibrium)",
     "Andrén & Kätterer 1997; Andrén et al. 2004; bounds: alamod"},
}};

/// Humification coefficients of the published input types (Andrén & Kätterer 1997).
inline constexpr double kHumificationStraw = 0.125;  ///< crop residues, straw (1)
inline constexpr double kHumificationManure = 0.31;  ///< farmyard manure (1)

/// Throws std::invalid_argument naming the first parameter outside its bounds
/// (with its value and the bounds).
void validate(const Parameters& p);

/// State of one cell.
struct CellState {
  double young;  ///< [in,out] young pool Y (t C ha-1)
  double old;    ///< [in,out] old pool O (t C ha-1)
};

/// Forcing of one cell, constant over a step.
struct CellForcing {
  double c_input;  ///< [in] carbon input i to the young pool (t C ha-1 yr-1)
  double re;       ///< [in] climate/soil factor r_e (1): 1 at Ultuna, larger where warmer/wetter; < 0 counts as 0
};

/// Carbon fluxes of one step (t C ha-1 per step), each integrated over the step
/// from the closed form (not from the change of stock).
struct StepFluxes {
  double input;            ///< [out] i dt
  double young_decomposed; ///< [out] k_Y r_e \int Y dt
  double old_decomposed;   ///< [out] k_O r_e \int O dt
  double respired;         ///< [out] (1 - h) young_decomposed + old_decomposed
};

/// Steady state for constant forcing: Y* = i/(k_Y r_e), O* = h i/(k_O r_e)
/// (t C ha-1). Requires r_e > 0.
inline CellState steady_state(const Parameters& p, const CellForcing& f) {
  return {f.c_input / (p.k_young * f.re), p.humification * f.c_input / (p.k_old * f.re)};
}

/// Advance one cell by dt years with the exact solution of the ODEs, inputs and
/// r_e held constant over the step (a = k_Y r_e, b = k_O r_e, e_a = exp(-a dt),
/// e_b = exp(-b dt)):
///   Y(dt) = Y e_a + i (1 - e_a)/a
///   O(dt) = O e_b + h [ i (1 - e_b)/b + (a Y - i)(e_a - e_b)/(b - a) ]
/// Returns the fluxes of the step. Uses det_exp: the same bits on every path.
/// Needs k_young > k_old > 0 (validate); with r_e <= 0 nothing decomposes.
inline StepFluxes step_cell(const Parameters& p, const CellForcing& f, double dt, CellState& x) {
  const double re = f.re > 0.0 ? f.re : 0.0;  // (1)
  const double i = f.c_input;                 // t C ha-1 yr-1
  const double h = p.humification;            // (1)
  StepFluxes flux{i * dt, 0.0, 0.0, 0.0};
  if (re == 0.0) {  // no decomposition: the input accumulates
    x.young += flux.input;
    return flux;
  }
  const double a = p.k_young * re;  // yr-1
  const double b = p.k_old * re;    // yr-1
  const double ea = det_exp(-a * dt);
  const double eb = det_exp(-b * dt);
  const double y0 = x.young, o0 = x.old;                           // t C ha-1
  const double excess = a * y0 - i;                                // young outflow above the input (t C ha-1 yr-1)
  const double mix = (ea - eb) / (b - a);                          // \int_0^dt e^{-a s} e^{-b (dt-s)} ds (yr)
  const double to_old = i * (1.0 - eb) / b + excess * mix;        // \int a Y(s) e^{-b(dt-s)} ds (t C ha-1)
  x.young = y0 * ea + i * (1.0 - ea) / a;
  x.old = o0 * eb + h * to_old;
  // Integrals of the closed form over the step: a \int Y and b \int O.
  flux.young_decomposed = i * dt + excess * (1.0 - ea) / a;
  flux.old_decomposed =
      o0 * (1.0 - eb) + h * (i * (dt - (1.0 - eb) / b) + excess * (b * (1.0 - ea) / a - (1.0 - eb)) / (b - a));
  flux.respired = (1.0 - h) * flux.young_decomposed + flux.old_decomposed;
  return flux;
}

/// The registry entry of ICBM (name "icbm").
ModelInfo model_info();

}  // namespace alamod::models::icbm
