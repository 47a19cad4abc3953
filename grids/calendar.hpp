#pragma once
/// Proleptic Gregorian calendar arithmetic on day numbers (H. Hinnant's public-domain algorithms):
/// the time axes of the forcing files and of the output.

namespace alamod::grids {

/// Days from 1970-01-01 to year `y`, month `m` (1-12), day `d` (1-31); negative before 1970.
long days_from_civil(long y, unsigned m, unsigned d);

/// The year `y` and month `m` (1-12) of day `z`, counted from 1970-01-01 (the inverse of days_from_civil).
void civil_from_days(long z, int& y, int& m);

}  // namespace alamod::grids
