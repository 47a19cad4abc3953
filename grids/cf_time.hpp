#pragma once
/// CF time axes: "UNIT since DATE" decoded in the calendars CF allows that climate products use
/// (standard/gregorian/proleptic_gregorian, noleap/365_day, all_leap/366_day, 360_day), one decoder for
/// the monthly climate reader (grids/forcing) and the climate-product preparation (grids/climate_products).
/// Dates before 1582 are counted in the proleptic Gregorian calendar: no Julian switch.
#include <string>
#include <vector>

namespace alamod::grids {

enum class CfCalendar { gregorian, noleap, all_leap, d360 };

/// The calendar of a CF `calendar` attribute ("" is "standard"); InputError naming `where` otherwise.
CfCalendar parse_cf_calendar(const std::string& where, const std::string& text);
/// The attribute's canonical name ("standard", "noleap", "all_leap", "360_day").
const char* cf_calendar_name(CfCalendar c);

/// Days in `month` (1-12) of `year` in calendar `c`.
int cf_days_in_month(CfCalendar c, int year, int month);
/// Days in `year` in calendar `c`.
int cf_days_in_year(CfCalendar c, int year);

struct CfDate {
  int year = 0, month = 1, day = 1;  ///< the day that contains the time value
};

/// A time axis: the calendar, the reference date and the size of the unit in days.
struct CfTimeUnits {
  CfCalendar calendar = CfCalendar::gregorian;
  double unit_days = 1.0;  ///< days, hours, minutes or seconds, in days
  int year = 0, month = 1, day = 1;
};

/// Parses `units` ("days since 1949-12-01", "hours since 1900-01-01 00:00:00") and `calendar`;
/// InputError naming `where` when they are not understood.
CfTimeUnits parse_cf_time_units(const std::string& where, const std::string& units, const std::string& calendar);

/// The date that contains time value `value` (the whole days after the reference date).
CfDate cf_date(const CfTimeUnits& u, double value);

/// Day number of a date counted from 0000-01-01 in calendar `c` (differences are days).
long cf_day_number(CfCalendar c, int year, int month, int day);

}  // namespace alamod::grids
