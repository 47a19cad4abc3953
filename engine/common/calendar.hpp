#pragma once
/// The civil calendar (proleptic Gregorian) of the site forcing files and of the grid's month lengths.
namespace alamod::engine {

/// Whether `year` has a 29 February: divisible by 4, except centuries not divisible by 400.
bool is_leap_year(int year);

/// Days in `year`: 365 or 366.
int days_in_year(int year);

/// Days in `month` (1-12) of `year`.
int days_in_month(int year, int month);

}  // namespace alamod::engine
