#pragma once
/// The proleptic Gregorian calendar, one copy for the whole code: day numbers (H. Hinnant's public-domain
/// algorithms) for the time axes of the forcing files and of the output, and month lengths for the
/// forcing readers (grid and site) and the models' monthly steps.

namespace alamod::grids {

/// Days from 1970-01-01 to year `y`, month `m` (1-12), day `d` (1-31); negative before 1970.
long days_from_civil(long y, unsigned m, unsigned d);

/// The year `y` and month `m` (1-12) of day `z`, counted from 1970-01-01 (the inverse of days_from_civil).
void civil_from_days(long z, int& y, int& m);

/// Whether `year` has a 29 February: divisible by 4, except centuries not divisible by 400.
bool is_leap_year(int year);
/// Days in `year`: 365 or 366.
int days_in_year(int year);
/// Days in `month` (1-12) of `year`.
int days_in_month(int year, int month);
}  // namespace alamod::grids
