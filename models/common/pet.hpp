#pragma once
/// Potential evapotranspiration from temperature, for climate products that carry none
/// (docs/CLIMATE.md). Pure functions, in mm per day.
///
/// - Extraterrestrial radiation Ra (MJ m-2 d-1): FAO Irrigation and Drainage Paper 56 (Allen et al. 1998),
///   equations 21-25 (solar constant 0.0820 MJ m-2 min-1; inverse relative Earth-Sun distance, solar
///   declination and sunset hour angle from the day of the year; polar day and night handled by clamping
///   the sunset hour angle to [0, pi]).
/// - Oudin et al. (2005), J. Hydrol. 303, 290-306, "model 1": PE = Ra / (lambda rho) (T + 5) / 100 when
///   T + 5 > 0, else 0 (lambda = 2.45 MJ kg-1, rho = 1000 kg m-3): the formula of the airGR package and of
///   the CAMELS-FR PET the France default is built from.
/// - Hargreaves and Samani (1985), Appl. Eng. Agric. 1, 96-99, as FAO-56 equation 52:
///   ET0 = 0.0023 (Tmean + 17.8) sqrt(Tmax - Tmin) 0.408 Ra.
#include <algorithm>
#include <cmath>

namespace alamod::models::pet {

constexpr double kPi = 3.14159265358979323846;

/// Extraterrestrial radiation in MJ m-2 d-1 at `latitude_deg` on day `day_of_year` (1-366).
inline double extraterrestrial_radiation(double latitude_deg, double day_of_year) {
  const double phi = latitude_deg * kPi / 180.0;
  const double dr = 1.0 + 0.033 * std::cos(2.0 * kPi * day_of_year / 365.0);
  const double delta = 0.409 * std::sin(2.0 * kPi * day_of_year / 365.0 - 1.39);
  const double x = std::clamp(-std::tan(phi) * std::tan(delta), -1.0, 1.0);
  const double ws = std::acos(x);
  const double ra = 24.0 * 60.0 / kPi * 0.0820 * dr *
                    (ws * std::sin(phi) * std::sin(delta) + std::cos(phi) * std::cos(delta) * std::sin(ws));
  return std::max(ra, 0.0);
}

/// Oudin et al. (2005) potential evapotranspiration in mm d-1 from the mean temperature (degC).
inline double oudin(double ra, double t_mean) { return t_mean + 5.0 > 0.0 ? ra / 2.45 * (t_mean + 5.0) / 100.0 : 0.0; }

/// Hargreaves-Samani reference evapotranspiration in mm d-1 (FAO-56 eq. 52); a Tmax below Tmin gives 0.
inline double hargreaves(double ra, double t_mean, double t_min, double t_max) {
  const double range = std::max(t_max - t_min, 0.0);
  return std::max(0.0023 * (t_mean + 17.8) * std::sqrt(range) * 0.408 * ra, 0.0);
}

}  // namespace alamod::models::pet
