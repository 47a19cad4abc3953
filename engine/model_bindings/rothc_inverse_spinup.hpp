#pragma once
/// The inverse RothC spin-up of one cell (GSOCseq protocol), defined with the RothC binding
/// (engine/model_bindings/rothc.cpp): the plant carbon input whose periodic equilibrium reproduces an
/// observed SOC stock. The grid run does the same for a whole block of cells in RothcGrid's vectorised
/// spin-up; this one-cell form serves the spin-up tests and benchmarks.
#include "engine/spinup/spinup.hpp"
#include "models/rothc/rothc.hpp"

namespace alamod::engine {

/// The annual plant carbon input (t C ha-1 yr-1) whose periodic equilibrium reproduces the observed SOC
/// stock `observed_soc` (t C ha-1), with IOM = falloon_iom(observed_soc). The monthly split of the input
/// is that of months[].c_input (any scale); manure (months[].fym) is held as given. The equilibrium is
/// affine in the plant-input scale c, x(c) = c x_plant + x_manure (x_manure = 0 without manure), so c
/// follows exactly from sum(x(c)) = observed - IOM. `equilibrium`, if given, receives DPM RPM BIO HUM
/// (t C ha-1) at that input. Throws std::invalid_argument (with the values) when the observed stock
/// cannot be reached: not above IOM plus the manure equilibrium, or no plant input in the cycle.
double rothc_inverse_input(const models::rothc::Parameters& p, const models::rothc::SoilConstants& s,
                           const models::rothc::CellForcing* months, int n_months, double observed_soc,
                           spinup::Pools* equilibrium = nullptr);

}  // namespace alamod::engine
