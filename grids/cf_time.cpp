#include "grids/cf_time.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "grids/calendar.hpp"
#include "grids/input_error.hpp"

namespace alamod::grids {

namespace {
constexpr int kCumNoleap[13] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};
constexpr int kCumAllLeap[13] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366};
}  // namespace

CfCalendar parse_cf_calendar(const std::string& where, const std::string& text) {
  if (text.empty() || text == "standard" || text == "gregorian" || text == "proleptic_gregorian")
    return CfCalendar::gregorian;
  if (text == "noleap" || text == "365_day") return CfCalendar::noleap;
  if (text == "all_leap" || text == "366_day") return CfCalendar::all_leap;
  if (text == "360_day") return CfCalendar::d360;
  throw InputError(where + ": time calendar '" + text + "' is not supported (standard, gregorian, proleptic_gregorian, "
                   "noleap, 365_day, all_leap, 366_day, 360_day)");
}

const char* cf_calendar_name(CfCalendar c) {
  switch (c) {
    case CfCalendar::noleap: return "noleap";
    case CfCalendar::all_leap: return "all_leap";
    case CfCalendar::d360: return "360_day";
    default: return "standard";
  }
}

int cf_days_in_month(CfCalendar c, int year, int month) {
  switch (c) {
    case CfCalendar::noleap: return kCumNoleap[month] - kCumNoleap[month - 1];
    case CfCalendar::all_leap: return kCumAllLeap[month] - kCumAllLeap[month - 1];
    case CfCalendar::d360: return 30;
    default: return days_in_month(year, month);
  }
}

int cf_days_in_year(CfCalendar c, int year) {
  switch (c) {
    case CfCalendar::noleap: return 365;
    case CfCalendar::all_leap: return 366;
    case CfCalendar::d360: return 360;
    default: return days_in_year(year);
  }
}

long cf_day_number(CfCalendar c, int year, int month, int day) {
  switch (c) {
    case CfCalendar::noleap: return 365L * year + kCumNoleap[month - 1] + (day - 1);
    case CfCalendar::all_leap: return 366L * year + kCumAllLeap[month - 1] + (day - 1);
    case CfCalendar::d360: return 360L * year + 30L * (month - 1) + (day - 1);
    default: return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  }
}

CfTimeUnits parse_cf_time_units(const std::string& where, const std::string& units, const std::string& calendar) {
  CfTimeUnits u;
  u.calendar = parse_cf_calendar(where, calendar);
  std::istringstream is(units);
  std::string unit, since, date;
  is >> unit >> since >> date;
  u.unit_days = 0.0;
  if (unit == "days" || unit == "day" || unit == "d") u.unit_days = 1.0;
  else if (unit == "hours" || unit == "hour" || unit == "h") u.unit_days = 1.0 / 24.0;
  else if (unit == "minutes" || unit == "minute") u.unit_days = 1.0 / 1440.0;
  else if (unit == "seconds" || unit == "second" || unit == "s") u.unit_days = 1.0 / 86400.0;
  if (u.unit_days == 0.0 || since != "since" || std::sscanf(date.c_str(), "%d-%d-%d", &u.year, &u.month, &u.day) != 3 ||
      u.month < 1 || u.month > 12 || u.day < 1 || u.day > 31)
    throw InputError(where + ": time units '" + units + "' not understood (expected e.g. \"days since 1990-01-01\")");
  return u;
}

CfDate cf_date(const CfTimeUnits& u, double value) {
  const long whole = static_cast<long>(std::floor(value * u.unit_days));
  CfDate d;
  switch (u.calendar) {
    case CfCalendar::d360:
    case CfCalendar::noleap:
    case CfCalendar::all_leap: {
      const int length = cf_days_in_year(u.calendar, 0);
      const long total = cf_day_number(u.calendar, u.year, u.month, u.day) + whole;
      d.year = static_cast<int>(std::floor(static_cast<double>(total) / length));
      int doy = static_cast<int>(total - static_cast<long>(d.year) * length);
      d.month = 1;
      while (d.month < 12 && doy >= cf_days_in_month(u.calendar, d.year, d.month)) {
        doy -= cf_days_in_month(u.calendar, d.year, d.month);
        ++d.month;
      }
      d.day = doy + 1;
      break;
    }
    default: {
      const long z = days_from_civil(u.year, static_cast<unsigned>(u.month), static_cast<unsigned>(u.day)) + whole;
      civil_from_days(z, d.year, d.month);
      d.day = static_cast<int>(z - days_from_civil(d.year, static_cast<unsigned>(d.month), 1u)) + 1;
    }
  }
  return d;
}

}  // namespace alamod::grids
