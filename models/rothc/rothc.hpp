#pragma once
/// RothC-26.3, the Rothamsted soil carbon model (Coleman & Jenkinson 1996), with
/// the soil-moisture options of Farina et al. (2013), exactly as the official
/// code computes one monthly step (see models/rothc/README.md for the equations).
///
/// Pools (t C ha-1): DPM decomposable plant material, RPM resistant plant material,
/// BIO microbial biomass, HUM humified organic matter, IOM inert organic matter.
/// Time step: one month (1/12 yr). Pure functions: no I/O, no MPI.
#include <array>
#include <cmath>
#include <cstddef>
#include <string_view>

#include "models/common/det_math.hpp"
#include "models/common/model_info.hpp"
#include "models/common/parameter.hpp"
#include "models/common/valid_range.hpp"

namespace alamod::models::rothc {

inline constexpr int kNumPools = 5;  ///< DPM RPM BIO HUM IOM
inline constexpr std::array<std::string_view, kNumPools> kPoolNames = {"DPM", "RPM", "BIO", "HUM", "IOM"};
inline constexpr double kMonth = 1.0 / 12.0;  ///< time step (yr)

/// Model parameters; defaults are RothC-26.3 (Coleman & Jenkinson 1996).
struct Parameters {
  double k_dpm = 10.0;   ///< decomposition rate constant of DPM (yr-1)
  double k_rpm = 0.3;    ///< decomposition rate constant of RPM (yr-1)
  double k_bio = 0.66;   ///< decomposition rate constant of BIO (yr-1)
  double k_hum = 0.02;   ///< decomposition rate constant of HUM (yr-1)
  double temp_a = 47.91;        ///< temperature rate modifier numerator (1)
  double temp_b = 106.06;       ///< temperature rate modifier constant (degC)
  double temp_c = 18.27;        ///< temperature rate modifier offset (degC)
  double temp_min = -5.0;       ///< below this air temperature decomposition stops (degC)
  double cover_rate = 0.6;      ///< rate modifier under plant cover (1); bare soil is 1
  double co2_ratio_a = 1.67;    ///< CO2/(BIO+HUM) ratio scale (1)
  double co2_ratio_b = 1.85;    ///< CO2/(BIO+HUM) ratio constant (1)
  double co2_ratio_c = 1.60;    ///< CO2/(BIO+HUM) ratio clay amplitude (1)
  double co2_ratio_d = 0.0786;  ///< CO2/(BIO+HUM) ratio clay decay (percent-1)
  double bio_share = 0.46;      ///< share of the non-CO2 products going to BIO (1)
  double fym_dpm = 0.49;        ///< share of farmyard manure C entering DPM (1)
  double fym_rpm = 0.49;        ///< share of farmyard manure C entering RPM (1)
  double fym_hum = 0.02;        ///< share of farmyard manure C entering HUM (1)
  double evap_factor = 0.75;    ///< open-pan evaporation to evapotranspiration (1)
  double smd_a = 20.0;          ///< topsoil moisture deficit constant (mm)
  double smd_b = 1.3;           ///< topsoil moisture deficit clay slope (mm percent-1)
  double smd_c = 0.01;          ///< topsoil moisture deficit clay curvature (mm percent-2)
  double smd_depth_ref = 23.0;  ///< reference layer depth of the deficit formula (cm)
  double smd_1bar_share = 0.444;  ///< SMD at -1 bar as a share of the maximum deficit (1)
  double smd_bare_share = 0.556;  ///< bare-soil deficit limit as a share of the maximum (1)
  double rm_moist_min = 0.2;    ///< moisture rate modifier at the maximum deficit (1)
};

/// The one declaration of every RothC parameter.
inline constexpr std::array<ParameterInfo<Parameters>, 25> kParameterInfo = {{
    {"k_dpm", &Parameters::k_dpm, "yr-1", 0.1, 100.0, "decomposition rate constant of DPM", "Coleman & Jenkinson 1996"},
    {"k_rpm", &Parameters::k_rpm, "yr-1", 0.01, 5.0, "decomposition rate constant of RPM", "Coleman & Jenkinson 1996"},
    {"k_bio", &Parameters::k_bio, "yr-1", 0.05, 10.0, "decomposition rate constant of BIO", "Coleman & Jenkinson 1996"},
    {"k_hum", &Parameters::k_hum, "yr-1", 0.001, 0.5, "decomposition rate constant of HUM", "Coleman & Jenkinson 1996"},
    {"temp_a", &Parameters::temp_a, "1", 1.0, 200.0, "temperature modifier a = temp_a/(1+exp(temp_b/(T+temp_c)))", "Jenkinson et al. 1987"},
    {"temp_b", &Parameters::temp_b, "degC", 1.0, 500.0, "temperature modifier constant", "Jenkinson et al. 1987"},
    {"temp_c", &Parameters::temp_c, "degC", 5.0, 50.0, "temperature modifier offset", "Jenkinson et al. 1987"},
    {"temp_min", &Parameters::temp_min, "degC", -30.0, 5.0, "no decomposition below this monthly air temperature", "RothC-26.3 official code"},
    {"cover_rate", &Parameters::cover_rate, "1", 0.0, 1.0, "rate modifier when the soil is vegetated", "Jenkinson 1990"},
    {"co2_ratio_a", &Parameters::co2_ratio_a, "1", 0.1, 10.0, "x = a (b + c exp(-d clay)), CO2/(BIO+HUM)", "Coleman & Jenkinson 1996"},
    {"co2_ratio_b", &Parameters::co2_ratio_b, "1", 0.0, 10.0, "x = a (b + c exp(-d clay))", "Coleman & Jenkinson 1996"},
    {"co2_ratio_c", &Parameters::co2_ratio_c, "1", 0.0, 10.0, "x = a (b + c exp(-d clay))", "Coleman & Jenkinson 1996"},
    {"co2_ratio_d", &Parameters::co2_ratio_d, "percent-1", 0.0, 1.0, "x = a (b + c exp(-d clay))", "Coleman & Jenkinson 1996"},
    {"bio_share", &Parameters::bio_share, "1", 0.0, 1.0, "share of BIO in the BIO+HUM products", "Coleman & Jenkinson 1996"},
    {"fym_dpm", &Parameters::fym_dpm, "1", 0.0, 1.0, "share of manure C to DPM", "Coleman & Jenkinson 1996"},
    {"fym_rpm", &Parameters::fym_rpm, "1", 0.0, 1.0, "share of manure C to RPM", "Coleman & Jenkinson 1996"},
    {"fym_hum", &Parameters::fym_hum, "1", 0.0, 1.0, "share of manure C to HUM", "Coleman & Jenkinson 1996"},
    {"evap_factor", &Parameters::evap_factor, "1", 0.1, 2.0, "open-pan evaporation to evapotranspiration", "Coleman & Jenkinson 1996"},
    {"smd_a", &Parameters::smd_a, "mm", 0.0, 100.0, "max deficit = -(a + b clay - c clay^2) depth/depth_ref", "Coleman & Jenkinson 1996"},
    {"smd_b", &Parameters::smd_b, "mm percent-1", 0.0, 10.0, "max deficit clay slope", "Coleman & Jenkinson 1996"},
    {"smd_c", &Parameters::smd_c, "mm percent-2", 0.0, 0.1, "max deficit clay curvature", "Coleman & Jenkinson 1996"},
    {"smd_depth_ref", &Parameters::smd_depth_ref, "cm", 1.0, 100.0, "layer depth the deficit formula refers to", "Coleman & Jenkinson 1996"},
    {"smd_1bar_share", &Parameters::smd_1bar_share, "1", 0.0, 1.0, "deficit at -1 bar / maximum deficit", "Coleman & Jenkinson 1996"},
    {"smd_bare_share", &Parameters::smd_bare_share, "1", 0.0, 1.0, "bare-soil deficit limit / maximum deficit (1/1.8)", "Coleman & Jenkinson 1996"},
    {"rm_moist_min", &Parameters::rm_moist_min, "1", 0.0, 1.0, "moisture modifier at the maximum deficit", "Coleman & Jenkinson 1996"},
}};

/// Where RothC-26.3 is valid (models/common/valid_range.hpp): the engine refuses a climate outside.
inline constexpr std::array<ValidRange, 2> kValidRange = {{
    {"tas", Period::month, "degC", -18.27, 40.0,
     "a(T) = 47.91/(1 + exp(106.06/(T + 18.27))) has its pole at -18.27 degC (and is 0 below temp_min); it rises "
     "without an optimum, so months hotter than any monthly mean on Earth (about 40 degC) are extrapolation",
     "Jenkinson et al. 1987; Jenkinson 1990; upper bound: alamod"},
    {"tas", Period::year, "degC", -5.0, 30.0,
     "RothC models unfrozen, non-waterlogged topsoils from temperate to tropical climates; colder, a(T) is 0 in "
     "most months and the equilibrium stocks grow without bound (no month above temp_min: no equilibrium)",
     "Coleman & Jenkinson 1996; bounds: alamod"},
}};

/// Soil-moisture options of the official code (opt_RMmoist): 1 = RothC-26.3,
/// 2 and 3 = Farina et al. (2013) with van Genuchten water retention.
enum class MoistureOption : int { standard = 1, farina_vg = 2, farina_vg_smd15 = 3 };
/// Bare-soil deficit limit (opt_SMDbare): 1 = RothC-26.3, 2 = wilting point.
enum class BareLimitOption : int { standard = 1, wilting_point = 2 };

/// Soil description of one cell.
struct SoilProperties {
  double clay_pct = 0.0;        ///< clay content (percent)
  double depth_cm = 23.0;       ///< depth of the simulated layer (cm)
  double silt_pct = 0.0;        ///< silt content (percent), options 2 and 3 only
  double bulk_density = 0.0;    ///< bulk density (g cm-3), options 2 and 3 only
  double organic_carbon_pct = 0.0;  ///< organic carbon (percent), options 2 and 3 only
  double min_rm_moist = 0.2;    ///< floor of the moisture modifier (1), options 2 and 3 only
};

/// Per-cell constants derived once from the soil (all deficits in mm, negative).
struct SoilConstants {
  double co2_fraction;  ///< share of decomposed C respired, x/(x+1) (1)
  double bio_fraction;  ///< share of decomposed C to BIO, bio_share/(x+1) (1)
  double hum_fraction;  ///< share of decomposed C to HUM, (1-bio_share)/(x+1) (1)
  double smd_max;       ///< floor of the deficit under plant cover (mm)
  double smd_1bar;      ///< deficit at -1 bar, where the modifier starts falling (mm)
  double smd_15bar;     ///< deficit at wilting point (mm)
  double smd_bare;      ///< deficit limit of bare soil (mm)
  double min_rm_moist;  ///< floor of the moisture modifier (1)
};

/// Volumetric water content (m3 m-3) at suction h (mbar) from the topsoil
/// pedotransfer functions of Woesten et al. (1999) for van Genuchten parameters.
double water_content_woesten(const SoilProperties& soil, double h_mbar);

/// Derive the per-cell constants. Throws std::invalid_argument naming the
/// offending property when it is outside its physical range.
SoilConstants derive_soil_constants(const Parameters& p, const SoilProperties& soil,
                                    MoistureOption moisture = MoistureOption::standard,
                                    BareLimitOption bare = BareLimitOption::standard);

/// The monthly equations, written once for one cell (V = double) and for a
/// vector of cells (V = v2d, v4d, v8d): every lane of a vector runs exactly the
/// scalar operations in the same order (IEEE +, -, *, /, comparisons and
/// selections, det_exp_lanes), so a cell gets the same bits whichever path and
/// whichever lane computes it. S, F and X are any structures with the members of
/// SoilConstants, CellForcing and CellState, of type V.
namespace detail {

template <class V> [[gnu::always_inline]] inline V rate_temperature(const Parameters& p, const V& tas_c) {
  const V a = p.temp_a / (1.0 + det_exp_lanes<V>(p.temp_b / (tas_c + p.temp_c)));
  return tas_c < p.temp_min ? splat<V>(0.0) : a;
}

template <class S, class V>
[[gnu::always_inline]] inline V update_deficit(const Parameters& p, const S& s, const V& smd, const V& rain_mm,
                                               const V& evap_mm, const V& covered) {
  const V wet = smd + (rain_mm - p.evap_factor * evap_mm);
  const V wetted = wet < 0.0 ? wet : splat<V>(0.0);              // min(0, wet)
  const V smd_covered = wetted > s.smd_max ? wetted : s.smd_max;  // max(smd_max, wetted)
  const V held = smd < s.smd_bare ? smd : s.smd_bare;             // min(smd_bare, smd)
  const V smd_bare = wetted > held ? wetted : held;               // max(held, wetted)
  return covered > 0.5 ? smd_covered : smd_bare;
}

template <class S, class V> [[gnu::always_inline]] inline V rate_moisture(const S& s, const V& smd) {
  const V falling =
      s.min_rm_moist + (1.0 - s.min_rm_moist) * (s.smd_15bar - smd) / (s.smd_15bar - s.smd_1bar);
  const V below = smd > s.smd_15bar ? falling : s.min_rm_moist;
  return smd > s.smd_1bar ? splat<V>(1.0) : below;
}

template <class V> [[gnu::always_inline]] inline V rate_cover(const Parameters& p, const V& covered) {
  return covered > 0.5 ? splat<V>(p.cover_rate) : splat<V>(1.0);
}

/// First half of a month: updates the deficit, writes the three rate modifiers
/// to a, b, c and returns the combined rate modifier a b c.
template <class V, class S, class F, class X>
[[gnu::always_inline]] inline V rates(const Parameters& p, const S& s, const F& f, X& x, V& a, V& b, V& c) {
  a = rate_temperature<V>(p, f.tas_c);
  x.smd = update_deficit<S, V>(p, s, x.smd, f.rain_mm, f.evap_mm, f.covered);
  b = rate_moisture<S, V>(s, x.smd);
  c = rate_cover<V>(p, f.covered);
  return a * b * c;
}

/// The decomposition rate constants k (yr-1) of the four pools as the decay
/// uses them: a negative k (invalid) counts as 0, so no pool ever grows.
struct PoolRates {
  double dpm, rpm, bio, hum;
};
inline PoolRates pool_rates(const Parameters& p) {
  auto valid = [](double k) { return k > 0.0 ? k : 0.0; };
  return {valid(p.k_dpm), valid(p.k_rpm), valid(p.k_bio), valid(p.k_hum)};
}

/// Second half of a month: the pools decay with the combined rate modifier,
/// the products and this month's inputs are added; returns the C respired.
template <class V, class S, class F, class X>
[[gnu::always_inline]] inline V decay(const Parameters& p, const PoolRates& k, const S& s, const F& f, X& x,
                                      const V& rate) {
  // Retention exp(-rate k t), written as det_exp(-rate * k * kMonth) is anywhere
  // else (same operands, same bits). The guard on rate changes nothing for valid
  // inputs (rate >= 0; a NaN stays NaN) and makes every argument <= 0, so the exp
  // needs no upper clamp.
  const V minus_rate = -(rate < 0.0 ? splat<V>(0.0) : rate);
  const V dpm1 = x.dpm * det_exp_upto709_lanes<V>(minus_rate * k.dpm * kMonth);
  const V rpm1 = x.rpm * det_exp_upto709_lanes<V>(minus_rate * k.rpm * kMonth);
  const V bio1 = x.bio * det_exp_upto709_lanes<V>(minus_rate * k.bio * kMonth);
  const V hum1 = x.hum * det_exp_upto709_lanes<V>(minus_rate * k.hum * kMonth);
  const V decomposed = (x.dpm - dpm1) + (x.rpm - rpm1) + (x.bio - bio1) + (x.hum - hum1);
  const V co2 = decomposed * s.co2_fraction;
  x.dpm = dpm1 + f.c_input * f.dpm_fraction + p.fym_dpm * f.fym;
  x.rpm = rpm1 + f.c_input * (1.0 - f.dpm_fraction) + p.fym_rpm * f.fym;
  x.bio = bio1 + decomposed * s.bio_fraction;
  x.hum = hum1 + decomposed * s.hum_fraction + p.fym_hum * f.fym;
  return co2;
}

}  // namespace detail

/// Temperature rate modifier a(T) (1); T is the monthly mean air temperature (degC).
inline double rate_temperature(const Parameters& p, double tas_c) { return detail::rate_temperature(p, tas_c); }

/// Update the topsoil moisture deficit (mm, <= 0) with one month of rain and
/// open-pan evaporation (mm month-1); `covered` is 1 under plants, 0 bare.
inline double update_deficit(const Parameters& p, const SoilConstants& s, double smd, double rain_mm,
                             double evap_mm, double covered) {
  return detail::update_deficit(p, s, smd, rain_mm, evap_mm, covered);
}

/// Moisture rate modifier b (1) from the updated deficit (mm).
inline double rate_moisture(const SoilConstants& s, double smd) { return detail::rate_moisture(s, smd); }

/// Plant cover rate modifier c (1).
inline double rate_cover(const Parameters& p, double covered) { return detail::rate_cover(p, covered); }

/// State of one cell: the four active pools (t C ha-1) and the deficit (mm).
struct CellState {
  double dpm, rpm, bio, hum, smd;
};

/// One month of forcing for one cell.
struct CellForcing {
  double tas_c;        ///< [in] monthly mean air temperature (degC)
  double rain_mm;      ///< [in] monthly rainfall (mm month-1)
  double evap_mm;      ///< [in] monthly open-pan evaporation (mm month-1)
  double c_input;      ///< [in] plant carbon input (t C ha-1 month-1)
  double fym;          ///< [in] farmyard manure carbon input (t C ha-1 month-1)
  double covered;      ///< [in] 1 if the soil is vegetated this month, 0 if bare
  double dpm_fraction; ///< [in] share of plant input entering DPM, r/(r+1), r = DPM/RPM ratio (1)
};

/// Rate modifiers of one month, for diagnostics.
struct RateModifiers {
  double temperature, moisture, cover;
};

/// One official RothC month for one cell: deficit update, the four pools decay
/// with exp(-a b c k t), the decomposed C splits into CO2, BIO and HUM, products
/// are added after all pools decayed, then this month's inputs are added.
/// Returns the C respired this month (t C ha-1). Bitwise identical to the same
/// cell in step_block.
inline double step_cell(const Parameters& p, const SoilConstants& s, const CellForcing& f, CellState& x,
                        RateModifiers* rm = nullptr) {
  double a, b, c;
  const double rate = detail::rates<double>(p, s, f, x, a, b, c);
  if (rm) *rm = {a, b, c};
  return detail::decay<double>(p, detail::pool_rates(p), s, f, x, rate);
}

/// Structure-of-arrays block of cells for the grid kernel. Every pointer
/// addresses n values; pools and deficit are updated in place. The arrays must
/// not overlap one another.
struct Block {
  std::size_t n = 0;
  // soil constants (see SoilConstants)
  const double* co2_fraction = nullptr;
  const double* bio_fraction = nullptr;
  const double* hum_fraction = nullptr;
  const double* smd_max = nullptr;
  const double* smd_1bar = nullptr;
  const double* smd_15bar = nullptr;
  const double* smd_bare = nullptr;
  const double* min_rm_moist = nullptr;
  // forcing of this month
  const double* tas_c = nullptr;     ///< [in] degC
  const double* rain_mm = nullptr;   ///< [in] mm month-1
  const double* evap_mm = nullptr;   ///< [in] open-pan, mm month-1
  const double* c_input = nullptr;   ///< [in] t C ha-1 month-1
  const double* fym = nullptr;       ///< [in] t C ha-1 month-1
  const double* covered = nullptr;   ///< [in] 1 vegetated, 0 bare
  const double* dpm_fraction = nullptr;  ///< [in] r/(r+1) (1)
  // state
  double* dpm = nullptr;  ///< [in,out] t C ha-1
  double* rpm = nullptr;  ///< [in,out] t C ha-1
  double* bio = nullptr;  ///< [in,out] t C ha-1
  double* hum = nullptr;  ///< [in,out] t C ha-1
  double* smd = nullptr;  ///< [in,out] mm
  double* co2 = nullptr;  ///< [out] t C ha-1 respired this month
  /// [in, optional] multiplies the combined rate modifier a b c of each cell, so every decomposition rate
  /// (1; a scenario's tillage practice); nullptr: none (and no extra work)
  const double* rate_factor = nullptr;
};

/// Instruction sets step_block can run on. Every variant gives the same bits.
enum class KernelIsa : int { baseline = 0, avx2 = 1, avx512 = 2 };

/// Whether this CPU can run the given variant.
bool kernel_isa_supported(KernelIsa isa);

/// The variant step_block picks on this CPU (the widest supported).
KernelIsa kernel_isa();

/// One month over a block of cells. Each cell's result depends only on its own
/// values: the same bits whatever the block size, the cell's position or the
/// instruction set, and the same bits as step_cell. Vectors of cells run the
/// lane-wise instances of detail::rates and detail::decay; the remainder runs
/// the scalar ones.
void step_block(const Parameters& p, const Block& b);

/// step_block with a chosen variant (tests, benchmarks); throws
/// std::invalid_argument if this CPU cannot run it.
void step_block(const Parameters& p, const Block& b, KernelIsa isa);

/// The affine map of a sequence of months over a block of cells, x_end = M x_start + v for the
/// four active pools DPM RPM BIO HUM, built by composing the monthly maps instead of simulating
/// the months five times (v from empty pools, the columns of M from unit pools). A month is
/// x' = A x + b with A = diag(e) + f (1 - e)^T: e the retention of each pool, exp(-a b c k t),
/// with the same operands and exp as step_cell; f = (0, 0, bio_fraction, hum_fraction); b the
/// month's inputs. The rate modifiers do not depend on the pools (the deficit evolves on its own
/// from smd0), so the map is exact; it equals simulated cycles to rounding (tests/unit/test_rothc_kernel).
/// Cost per cell and month: the rate modifiers and 4 exp, as one simulated month, plus ~60 flops.
struct YearMapBlock {
  std::size_t n = 0;       ///< cells
  int months = 12;         ///< months of the cycle
  // soil constants (see SoilConstants), n values each
  const double* co2_fraction = nullptr;
  const double* bio_fraction = nullptr;
  const double* hum_fraction = nullptr;
  const double* smd_max = nullptr;
  const double* smd_1bar = nullptr;
  const double* smd_15bar = nullptr;
  const double* smd_bare = nullptr;
  const double* min_rm_moist = nullptr;
  // forcing, months x n values, month-major (month m of cell i at m * n + i)
  const double* tas_c = nullptr;     ///< [in] degC
  const double* rain_mm = nullptr;   ///< [in] mm month-1
  const double* evap_mm = nullptr;   ///< [in] open-pan, mm month-1
  const double* c_input = nullptr;   ///< [in] t C ha-1 month-1
  const double* fym = nullptr;       ///< [in] t C ha-1 month-1
  const double* covered = nullptr;   ///< [in] 1 vegetated, 0 bare
  const double* dpm_fraction = nullptr;  ///< [in] n values, r/(r+1) (1)
  const double* smd0 = nullptr;      ///< [in] n values, deficit at the start of the cycle (mm)
  double* m[16] = {};  ///< [out, optional] n values each: M row-major, m[4 r + c] (pools DPM RPM BIO HUM)
  double* v[4] = {};   ///< [out, with m] n values each: v (t C ha-1)
  /// [out, optional] n values each: the periodic steady state x = (I - M)^-1 v (t C ha-1), solved in
  /// closed form in the same pass (M is block lower triangular: DPM and RPM decay on their own, then
  /// a 2x2 system for BIO and HUM). Not finite where a pool does not decay at all over the cycle.
  double* x[4] = {};
};

/// Build the cycle map of every cell of the block (widest instruction set of this CPU; every
/// variant gives the same bits).
void year_map_block(const Parameters& p, const YearMapBlock& b);

/// The periodic topsoil moisture deficit (mm) at the start of a cycle of `n_months` months, repeated:
/// the deficit does not depend on the pools and is clamped at 0 and at its floor, so cycling from 0
/// becomes exactly periodic within a few cycles. Returns after `max_cycles` cycles at most.
double periodic_deficit(const Parameters& p, const SoilConstants& s, const CellForcing* months, int n_months,
                        int max_cycles = 200);

/// One cycle of `n_months` months for one cell (step_cell month by month) from the deficit smd0 (mm):
/// the four active pools DPM RPM BIO HUM (t C ha-1) from `in` to `out`; with_inputs = false sets the
/// plant and manure inputs to 0. Affine in the pools.
void cycle_pools(const Parameters& p, const SoilConstants& s, const CellForcing* months, int n_months, double smd0,
                 const double* in, double* out, bool with_inputs);

/// Inert organic matter from total organic carbon (Falloon et al. 1998):
/// IOM = 0.049 TOC^1.139, both in t C ha-1.
inline double falloon_iom(double toc) { return 0.049 * std::pow(toc, 1.139); }

/// DPM/RPM ratio of plant inputs by land use (Coleman & Jenkinson 1996):
/// 1.44 arable and improved grassland, 0.67 unimproved grassland and scrub,
/// 0.25 deciduous or tropical woodland.
inline constexpr double kDpmRpmCrop = 1.44;
inline constexpr double kDpmRpmGrassland = 0.67;
inline constexpr double kDpmRpmWoodland = 0.25;

/// Throws std::invalid_argument when a parameter is outside its declared bounds.
void validate(const Parameters& p);

/// The registry entry of RothC-26.3 (name "rothc").
ModelInfo model_info();

}  // namespace alamod::models::rothc
