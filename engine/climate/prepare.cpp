// alamod climate prepare: one pass over each product variable's records, month by month, into the
// monthly CF file of a grid run. Months are written as soon as they are complete, so a century of daily
// EURO-CORDEX data never sits in memory.
#include "engine/climate/prepare.hpp"

#include <netcdf.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>

#include "engine/climate/monthly_file.hpp"
#include "grids/climate_products.hpp"
#include "grids/input_error.hpp"
#include "models/common/pet.hpp"

namespace alamod::engine {

namespace {

using grids::CfCalendar;
using alamod::InputError;
using grids::ProductQuantity;
using grids::ProductRecord;
using grids::ProductSeries;

struct Preset {
  const char* name;
  const char *tas, *pr, *pet, *tasmin, *tasmax;
  const char* pr_units;  ///< replaces the files' units ("" keeps them)
  const char* what;
};

// CMIP6 / CORDEX variable names (CMIP6 data request), DRIAS and Explore2's bias-adjusted names, E-OBS's
// (Cornes et al. 2018) and ERA5-Land's (Munoz-Sabater et al. 2021; its daily and monthly-mean `tp` is a
// depth of water per day)
constexpr Preset kPresets[] = {
    {"cf", "tas", "pr", "pet", "tasmin", "tasmax", "", "any CF file: tas, pr, pet, tasmin, tasmax"},
    {"cmip", "tas", "pr", "evspsblpot", "tasmin", "tasmax", "",
     "CMIP6/CORDEX: tas (K), pr (kg m-2 s-1), evspsblpot, tasmin, tasmax"},
    {"cmip-adjusted", "tasAdjust", "prAdjust", "evspsblpotAdjust", "tasminAdjust", "tasmaxAdjust", "",
     "bias-adjusted CMIP/CORDEX as DRIAS and Explore2 deliver them: tasAdjust, prAdjust, ..."},
    {"eobs", "tg", "rr", "", "tn", "tx", "mm d-1", "E-OBS: tg (degC), rr (mm per day), tn, tx"},
    {"era5land", "t2m", "tp", "", "", "", "m d-1", "ERA5-Land daily or monthly means: t2m (K), tp (m per day)"},
};

const Preset& preset(const std::string& name) {
  for (const auto& p : kPresets)
    if (name == p.name) return p;
  std::string known;
  for (const auto& p : kPresets) known += std::string(known.empty() ? "" : ", ") + p.name;
  throw InputError("--product '" + name + "' is not known (" + known + ")");
}

std::string month_text(int year, int month) {
  char b[16];
  std::snprintf(b, sizeof b, "%04d-%02d", year, month);
  return b;
}

/// Day of the year (1-366) for the radiation formula; a 360-day year is stretched to 365 days.
double day_of_year(CfCalendar cal, const grids::CfDate& d, double fraction) {
  const long doy0 = grids::cf_day_number(cal, d.year, d.month, d.day) - grids::cf_day_number(cal, d.year, 1, 1);
  if (cal == CfCalendar::d360) return (static_cast<double>(doy0) + fraction) * 365.0 / 360.0 + 1.0 - fraction;
  return static_cast<double>(doy0) + 1.0;
}

/// Month-by-month accumulation of one output variable: a mean (temperature) or a sum (water).
class MonthAccumulator {
 public:
  /// `name`: the output variable; `source`: the product's variable it comes from (for messages).
  MonthAccumulator(std::string name, std::string source, bool mean, size_t cells, CfCalendar cal,
                   double records_per_day)
      : name_(std::move(name)),
        source_(std::move(source)),
        mean_(mean),
        cal_(cal),
        per_day_(records_per_day),
        sum_(cells, 0.0) {}

  /// Adds a record of (year, month); writes the previous month when a new one starts.
  void add(const ProductRecord& rec, const std::vector<double>& values, MonthlyFile& out, const std::string& file) {
    if (rec.date.year != year_ || rec.date.month != month_) {
      flush(out, file);
      year_ = rec.date.year;
      month_ = rec.date.month;
      std::fill(sum_.begin(), sum_.end(), 0.0);
      records_ = 0;
    }
    for (size_t i = 0; i < values.size(); ++i) sum_[i] += values[i];  // NaN stays NaN: a missing record
    ++records_;
  }
  /// Writes the month in progress if the file holds it; a month with records missing is an error.
  void flush(MonthlyFile& out, const std::string& file) {
    if (records_ == 0 || !out.holds(year_, month_)) return;
    const double expected = per_day_ == 0 ? 1.0 : per_day_ * grids::cf_days_in_month(cal_, year_, month_);
    if (std::fabs(records_ - expected) > 0.5)
      throw InputError(file + ": variable '" + source_ + "': " + month_text(year_, month_) + " has " +
                       std::to_string(records_) + " records, expected " + std::to_string(static_cast<long>(expected)) +
                       " (" + (per_day_ == 0 ? std::string("monthly") : per_day_ == 1 ? "daily" : "hourly") +
                       " values in a " + grids::cf_calendar_name(cal_) + " calendar)");
    if (mean_)
      for (double& v : sum_) v /= records_;
    out.write(name_, year_, month_, sum_);
    written_++;
    records_ = 0;
  }
  int written() const { return written_; }

 private:
  std::string name_, source_;
  bool mean_;
  CfCalendar cal_;
  double per_day_;
  std::vector<double> sum_;
  int year_ = -1, month_ = 0, records_ = 0, written_ = 0;
};

/// The complete years every series covers: [first, last] from their first and last records.
void common_years(std::vector<ProductSeries*> series, int& first, int& last) {
  first = -1000000, last = 1000000;
  for (ProductSeries* s : series) {
    int f = 0, l = 0;
    s->span(f, l);
    first = std::max(first, f);
    last = std::min(last, l);
  }
}

}  // namespace

void prepare_climate(const ClimatePrepareOptions& o) {
  const Preset& p = preset(o.product);
  const auto pick = [](const std::string& given, const char* preset_name) {
    return given.empty() ? std::string(preset_name) : given;
  };
  if (o.tas.empty() || o.pr.empty()) throw InputError("alamod climate prepare needs --tas and --pr files");
  std::string method = o.pet_method;
  if (method.empty()) method = o.pet.empty() ? "oudin" : "files";
  if (method != "files" && method != "oudin" && method != "hargreaves")
    throw InputError("--pet-method '" + method + "' is not known (oudin, hargreaves)");
  if (method == "files" && o.pet.empty()) throw InputError("--pet-method files needs --pet files");
  if (method == "hargreaves" && (o.tasmin.empty() || o.tasmax.empty()))
    throw InputError("--pet-method hargreaves needs --tasmin and --tasmax files (daily minimum and maximum temperature)");
  if (method != "files" && !o.pet.empty())
    throw InputError("--pet files and --pet-method " + method + " both given: choose one");

  ProductSeries tas(o.tas, pick(o.tas_variable, p.tas), ProductQuantity::temperature);
  ProductSeries pr(o.pr, pick(o.pr_variable, p.pr), ProductQuantity::water, pick(o.pr_units, p.pr_units));
  std::unique_ptr<ProductSeries> pet, tmin, tmax;
  if (method == "files")
    pet = std::make_unique<ProductSeries>(o.pet, pick(o.pet_variable, p.pet), ProductQuantity::water, o.pet_units);
  if (method == "hargreaves") {
    tmin = std::make_unique<ProductSeries>(o.tasmin, pick(o.tasmin_variable, p.tasmin), ProductQuantity::temperature);
    tmax = std::make_unique<ProductSeries>(o.tasmax, pick(o.tasmax_variable, p.tasmax), ProductQuantity::temperature);
    if (tas.records_per_day() != 1 || tmin->records_per_day() != 1 || tmax->records_per_day() != 1)
      throw InputError(o.tasmin.front() + ": Hargreaves's PET needs daily tas, tasmin and tasmax");
  }
  std::vector<ProductSeries*> all = {&tas, &pr};
  for (auto* s : {pet.get(), tmin.get(), tmax.get()})
    if (s) all.push_back(s);
  for (ProductSeries* s : all) {
    if (s->grid().y != tas.grid().y || s->grid().x != tas.grid().x)
      throw InputError(s->current_file() + ": variable '" + s->name() + "' is not on the grid of " + tas.current_file());
    if (s->calendar() != tas.calendar())
      throw InputError(s->current_file() + ": variable '" + s->name() + "' has another calendar than " +
                       tas.current_file());
  }
  int first = 0, last = 0;
  common_years(all, first, last);
  if (o.first_year) {
    if (o.first_year < first || o.last_year > last)
      throw InputError("--years " + std::to_string(o.first_year) + "-" + std::to_string(o.last_year) +
                       ": the files hold complete years " + std::to_string(first) + "-" + std::to_string(last) +
                       " only (every variable)");
    first = o.first_year, last = o.last_year;
  }
  if (last < first) throw InputError(tas.current_file() + ": the files share no complete year of every variable");

  const bool computed_pet = method != "files";
  const std::string pet_text =
      method == "files" ? "from the product's " + pet->name() + ", summed over the month"
      : method == "oudin"
          ? "Oudin et al. (2005) from the daily mean temperature and the extraterrestrial radiation (FAO-56 eq. 21)"
          : "Hargreaves and Samani (1985, FAO-56 eq. 52) from daily tas, tasmin and tasmax";
  std::string history = "alamod climate prepare --product " + o.product;
  for (const auto& f : o.tas) history += " --tas " + f;
  for (const auto& f : o.pr) history += " --pr " + f;
  write_into_place(o.out, o.overwrite, [&](const std::string& tmp) {
    MonthlyFile file(tmp, tas.grid(), tas.calendar(), first, last - first + 1,
                     {{"tas", "degC"}, {"pr", "mm month-1"}, {"pet", "mm month-1"}},
                     {"mean of the product's " + tas.name() + " over the month",
                      "sum of the product's " + pr.name() + " over the month", pet_text},
                     history);
    const auto in_period = [&](const ProductRecord& r) { return r.date.year >= first && r.date.year <= last; };
    // temperature, and PET computed from it
    {
      MonthAccumulator t_acc("tas", tas.name(), true, tas.grid().cells(), tas.calendar(), tas.records_per_day());
      MonthAccumulator pet_acc("pet", tas.name(), false, tas.grid().cells(), tas.calendar(), tas.records_per_day());
      ProductRecord r, rmin, rmax;
      std::vector<double> daily_pet(tas.grid().cells());
      const auto& lat = tas.grid().latitude;
      while (tas.next(r)) {
        if (tmin) {
          if (!tmin->next(rmin) || !tmax->next(rmax) || rmin.date.year != r.date.year ||
              rmin.date.month != r.date.month || rmin.date.day != r.date.day || rmax.date.day != r.date.day ||
              rmax.date.month != r.date.month)
            throw InputError(tmin->current_file() + ": tasmin and tasmax do not have the days of tas (" +
                             month_text(r.date.year, r.date.month) + "-" + std::to_string(r.date.day) + ")");
        }
        if (!in_period(r)) continue;
        t_acc.add(r, r.values, file, tas.current_file());
        if (computed_pet) {
          const bool monthly = tas.records_per_day() == 0;
          const double doy = monthly ? day_of_year(tas.calendar(), {r.date.year, r.date.month, 15}, 0.5)
                                     : day_of_year(tas.calendar(), r.date, 0.5);
          for (size_t i = 0; i < daily_pet.size(); ++i) {
            const double ra = models::pet::extraterrestrial_radiation(lat[i], doy);
            const double per_day = tmin ? models::pet::hargreaves(ra, r.values[i], rmin.values[i], rmax.values[i])
                                        : models::pet::oudin(ra, r.values[i]);
            daily_pet[i] = per_day * r.days;  // NaN temperature: NaN PET
            if (std::isnan(r.values[i])) daily_pet[i] = std::numeric_limits<double>::quiet_NaN();
          }
          pet_acc.add(r, daily_pet, file, tas.current_file());
        }
      }
      t_acc.flush(file, tas.current_file());
      if (computed_pet) pet_acc.flush(file, tas.current_file());
    }
    const auto sum_series = [&](ProductSeries& s, const std::string& name) {
      MonthAccumulator acc(name, s.name(), false, s.grid().cells(), s.calendar(), s.records_per_day());
      ProductRecord r;
      while (s.next(r))
        if (in_period(r)) acc.add(r, r.values, file, s.current_file());
      acc.flush(file, s.current_file());
    };
    sum_series(pr, "pr");
    if (pet) sum_series(*pet, "pet");
    file.close();
  });
  if (!o.quiet) {
    const char* freq = tas.records_per_day() == 0 ? "monthly" : tas.records_per_day() == 1 ? "daily" : "hourly";
    std::printf("alamod climate prepare: wrote %s: tas (degC), pr and pet (mm month-1), %d-01 to %d-12 (%d months), "
                "%zu x %zu cells (%s), %s calendar, from %s records; pet: %s\n",
                o.out.c_str(), first, last, (last - first + 1) * 12, tas.grid().y.size(), tas.grid().x.size(),
                tas.grid().mapping_description.c_str(), grids::cf_calendar_name(tas.calendar()), freq,
                pet_text.c_str());
  }
}

}  // namespace alamod::engine
