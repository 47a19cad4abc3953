#include "engine/official/rothc_official.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "engine/common/atomic_file.hpp"
#include "engine/official/field_range.hpp"
#include "models/common/det_math.hpp"

namespace alamod::engine {

namespace rothc = models::rothc;
namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------
// Constants of the official driver
// ---------------------------------------------------------------------------------------------

constexpr int kSpinupRows = 12;           ///< rows cycled by the spin-up (one year of months)
constexpr double kSpinupTolerance = 1e-6; ///< |change of DPM+RPM+BIO+HUM| over a year (t C ha-1)
constexpr long kMaxSpinupYears = 1000000; ///< give up beyond this (no decomposition at all)

/// Radiocarbon: decay constant from the Libby half-life 5568 yr (yr-1), as the official code.
const double kRadiocarbonDecay = std::log(2.0) / 5568.0;
constexpr double kLibbyMeanLife = 8035.0;  ///< yr, Delta14C = (exp(-age/8035) - 1) 1000
constexpr double kIomAge = 50000.0;        ///< radiocarbon age of the inert pool (yr)
/// The official driver prints this Delta14C for the initial (empty) state in year_results.
constexpr const char* kInitialDeltaC = "-998.02";

// ---------------------------------------------------------------------------------------------
// Reading: fields with their meaning and admissible range, one error message format
// ---------------------------------------------------------------------------------------------

constexpr double kInf = std::numeric_limits<double>::infinity();

/// One field of a line: name as in the official header, meaning with unit, admissible range.
struct FieldSpec {
  const char* name;
  const char* meaning;
  FieldRange range;
};

std::string form_of(const FieldSpec* specs, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += (i ? " " : "") + std::string(specs[i].name);
  return s;
}

/// Parses a Fortran list-directed real: digits, sign, point, exponent e/E/d/D. No inf/nan/hex.
bool parse_real(const std::string& token, double& value) {
  if (token.empty()) return false;
  std::string t = token;
  for (char& c : t) {
    if (c == 'd' || c == 'D') c = 'e';
    const bool ok = (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E';
    if (!ok) return false;
  }
  char* end = nullptr;
  value = std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() && std::isfinite(value);
}

/// The lines of the input file, with the one error format of this reader.
class InputText {
 public:
  explicit InputText(const std::string& path) : path_(path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      const std::string why = fs::exists(path) ? "cannot be read" : "does not exist";
      throw OfficialInputError(path + ": the RothC input file " + why +
                               "; expected an official RothC_input.dat (Shell.for format)");
    }
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines_.push_back(line);
    }
  }

  int line_count() const { return static_cast<int>(lines_.size()); }
  const std::string& path() const { return path_; }

  /// Whitespace- or comma-separated tokens of line `no` (1-based).
  std::vector<std::string> tokens(int no) const {
    std::vector<std::string> out;
    std::string cur;
    for (char c : lines_.at(no - 1)) {
      if (c == ' ' || c == '\t' || c == ',' || c == '\v' || c == '\f') {
        if (!cur.empty()) out.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
  }

  [[noreturn]] void fail(int no, const std::string& what) const {
    throw OfficialInputError(path_ + ":" + std::to_string(no) + ": " + what);
  }

  /// Requires that line `no` exists (the header is positional, as in Shell.for).
  void require_line(int no, const char* what) const {
    if (no > line_count())
      fail(no, std::string("the file ends after line ") + std::to_string(line_count()) + "; expected " + what);
  }

 private:
  std::string path_;
  std::vector<std::string> lines_;
};

/// The numeric fields of one line, checked against their specs.
class NumericRow {
 public:
  /// `exact`: more than n fields is an error too (monthly rows: a decimal comma would shift fields).
  NumericRow(const InputText& text, int no, const FieldSpec* specs, std::size_t n, const char* what,
             bool exact = false)
      : text_(text), no_(no), specs_(specs) {
    tokens_ = text.tokens(no);
    if (tokens_.size() < n || (exact && tokens_.size() > n))
      text.fail(no, std::string(what) + " has " + std::to_string(tokens_.size()) + " field" +
                        (tokens_.size() == 1 ? "" : "s") + ", expected " + std::to_string(n) + ": " +
                        form_of(specs, n));
  }

  /// Field k (0-based), parsed and range-checked.
  double value(std::size_t k) const {
    const FieldSpec& f = specs_[k];
    double v = 0.0;
    const std::string where = "field " + std::to_string(k + 1) + " (" + f.name + ")";
    if (!parse_real(tokens_[k], v))
      text_.fail(no_, where + " is '" + tokens_[k] + "', not a number; expected " + f.meaning + ", " +
                          f.range.text());
    if (!f.range.admits(v))
      text_.fail(no_, where + " = " + tokens_[k] + " is out of range; expected " + f.meaning + ", " +
                          f.range.text());
    return v;
  }
  int integer(std::size_t k) const { return static_cast<int>(value(k)); }

  [[noreturn]] void fail(std::size_t k, const std::string& what) const {
    text_.fail(no_, "field " + std::to_string(k + 1) + " (" + specs_[k].name + ") = " + tokens_[k] + ": " + what);
  }

 private:
  const InputText& text_;
  int no_;
  const FieldSpec* specs_;
  std::vector<std::string> tokens_;
};

const FieldSpec kOptionFields[] = {
    {"opt_RMmoist", "moisture option (1 standard, 2/3 Farina et al. 2013)", 1, 3, true},
    {"opt_SMDbare", "bare-soil deficit option (1 standard, 2 wilting point)", 1, 2, true},
};

const FieldSpec kSoilFields[] = {
    {"clay", "clay content (%)", 0, 100},
    {"depth", "depth of the topsoil layer (cm)", 0, 300, false, true},
    {"iom", "inert organic matter (t C/ha)", 0, kInf},
    {"nsteps", "number of monthly rows (>= 12: the first 12 drive the spin-up)", 12, 1e8, true},
    {"siltper", "silt content (%)", 0, 100, false, true},
    {"BD", "bulk density (g/cm3)", 0.5, 2.5, false, true, true},
    {"OC", "organic carbon (%)", 0, 60, false, true, true},
    {"minRM_Moist", "minimum moisture rate modifier (-)", 0, 1},
};

const FieldSpec kMonthFields[] = {
    {"year", "the year", -9999999, 9999999, true},
    {"month", "the month of the year", 1, 12, true},
    {"modern", "14C content of the inputs (% modern)", 0, kInf, false, true},
    {"Tmp", "monthly mean air temperature (C)", -100, 100},
    {"Rain", "monthly rainfall (mm)", 0, kInf},
    {"Evap", "monthly open-pan evaporation (mm; negative for condensation)", -kInf, kInf},
    {"C_inp", "plant carbon input (t C/ha per month)", 0, kInf},
    {"FYM", "farmyard manure carbon input (t C/ha per month)", 0, kInf},
    {"PC", "plant cover (1 covered, 0 bare)", 0, 1, true},
    {"DPM_RPM", "DPM/RPM ratio of the plant input (-)", 0, kInf},
};

constexpr std::size_t kNumSoilStandard = 4;  // clay depth iom nsteps
constexpr std::size_t kNumSoilFarina = 8;    // + silt BD OC minRM_Moist
constexpr std::size_t kNumMonth = std::size(kMonthFields);

/// Does line `no` start with four numbers? (the soil line of the v1 layout, which has no options line)
bool starts_with_soil_line(const InputText& text, int no) {
  const auto t = text.tokens(no);
  double v;
  if (t.size() < kNumSoilStandard) return false;
  for (std::size_t k = 0; k < kNumSoilStandard; ++k)
    if (!parse_real(t[k], v)) return false;
  return true;
}

bool is_blank(const InputText& text, int no) { return text.tokens(no).empty(); }

// ---------------------------------------------------------------------------------------------
// Radiocarbon bookkeeping of the official code
// ---------------------------------------------------------------------------------------------

/// Radiocarbon ages (yr) of the pools and of the whole soil organic carbon.
struct RadiocarbonAges {
  double dpm = 0, rpm = 0, bio = 0, hum = 0, total = 0;
};

/// Age (yr) of a pool of c (t C ha-1) holding `activity` (t C ha-1 of modern-equivalent 14C).
double age_of(double c, double activity) { return c <= 0.0 ? 0.0 : std::log(c / activity) / kRadiocarbonDecay; }

double delta_c_of(double age) { return (std::exp(-age / kLibbyMeanLife) - 1.0) * 1000.0; }

/// Update the radiocarbon ages over the month that took the pools from `before` to `after` with
/// the rate modifiers `rm` (the official decomp subroutine): each pool's 14C activity is its C times
/// exp(-decay age); the C that stays in a pool, and the BIO and HUM formed from each pool, carry the
/// activity of their source; plant and manure inputs carry `modern` (fraction of modern); everything
/// already in the soil decays by exp(-decay / 12). IOM has the fixed age 50000 yr.
void update_radiocarbon(const rothc::Parameters& p, const rothc::SoilConstants& s, const rothc::CellForcing& f,
                        const rothc::RateModifiers& rm, const rothc::CellState& before,
                        const rothc::CellState& after, double iom, double modern, RadiocarbonAges& age) {
  using models::det_exp;
  // The same retention factors as step_cell (same operands, deterministic exp: same bits).
  const double rate = rm.temperature * rm.moisture * rm.cover;
  const double dpm_kept = before.dpm * det_exp(-rate * p.k_dpm * rothc::kMonth);
  const double rpm_kept = before.rpm * det_exp(-rate * p.k_rpm * rothc::kMonth);
  const double bio_kept = before.bio * det_exp(-rate * p.k_bio * rothc::kMonth);
  const double hum_kept = before.hum * det_exp(-rate * p.k_hum * rothc::kMonth);
  const double act_dpm = std::exp(-kRadiocarbonDecay * age.dpm);
  const double act_rpm = std::exp(-kRadiocarbonDecay * age.rpm);
  const double act_bio = std::exp(-kRadiocarbonDecay * age.bio);
  const double act_hum = std::exp(-kRadiocarbonDecay * age.hum);
  const double month_decay = std::exp(-kRadiocarbonDecay * rothc::kMonth);
  // activity of the decomposed C, of which the shares bio_fraction and hum_fraction stay in the soil
  const double decomposed_act = (before.dpm - dpm_kept) * act_dpm + (before.rpm - rpm_kept) * act_rpm +
                                (before.bio - bio_kept) * act_bio + (before.hum - hum_kept) * act_hum;
  const double dpm_act =
      modern * (f.c_input * f.dpm_fraction + p.fym_dpm * f.fym) + dpm_kept * act_dpm * month_decay;
  const double rpm_act =
      modern * (f.c_input * (1.0 - f.dpm_fraction) + p.fym_rpm * f.fym) + rpm_kept * act_rpm * month_decay;
  const double bio_act = (bio_kept * act_bio + s.bio_fraction * decomposed_act) * month_decay;
  const double hum_act = modern * p.fym_hum * f.fym + (hum_kept * act_hum + s.hum_fraction * decomposed_act) * month_decay;
  const double iom_act = iom * std::exp(-kRadiocarbonDecay * kIomAge);
  const double soc = after.dpm + after.rpm + after.bio + after.hum + iom;
  age.dpm = age_of(after.dpm, dpm_act);
  age.rpm = age_of(after.rpm, rpm_act);
  age.bio = age_of(after.bio, bio_act);
  age.hum = age_of(after.hum, hum_act);
  age.total = age_of(soc, dpm_act + rpm_act + bio_act + hum_act + iom_act);
}

/// The state the driver carries from month to month.
struct DriverState {
  rothc::CellState pools{0, 0, 0, 0, 0};  ///< t C ha-1, deficit in mm
  RadiocarbonAges ages;
  double co2 = 0;  ///< accumulated respired C (t C ha-1)
};

/// One official month: the kernel step plus the radiocarbon update.
rothc::RateModifiers step_month(const rothc::Parameters& p, const rothc::SoilConstants& s, double iom,
                                const OfficialMonth& m, DriverState& st) {
  const double ratio = m.dpm_rpm_ratio;
  const rothc::CellForcing f{m.tas_c, m.rain_mm, m.evap_mm, m.c_input, m.fym, static_cast<double>(m.covered),
                             ratio / (ratio + 1.0)};
  const rothc::CellState before = st.pools;
  rothc::RateModifiers rm{};
  st.co2 += rothc::step_cell(p, s, f, st.pools, &rm);
  update_radiocarbon(p, s, f, rm, before, st.pools, iom, m.modern_pct / 100.0, st.ages);
  return rm;
}

double soc_of(const rothc::CellState& x, double iom) { return x.dpm + x.rpm + x.bio + x.hum + iom; }

/// A row of either output (OfficialMonthRow, OfficialYearRow) with the pools, SOC and respired CO2 of `st`.
template <class Row>
Row state_row(int year, int month, const DriverState& st, double iom) {
  Row r;
  r.year = year;
  r.month = month;
  r.dpm = st.pools.dpm;
  r.rpm = st.pools.rpm;
  r.bio = st.pools.bio;
  r.hum = st.pools.hum;
  r.iom = iom;
  r.soc = soc_of(st.pools, iom);
  r.co2 = st.co2;
  return r;
}

OfficialMonthRow pools_row(int year, int month, const DriverState& st, double iom) {
  OfficialMonthRow r = state_row<OfficialMonthRow>(year, month, st, iom);
  r.pools_only = true;
  return r;
}

OfficialYearRow year_row(int year, int month, const DriverState& st, double iom) {
  OfficialYearRow r = state_row<OfficialYearRow>(year, month, st, iom);
  r.delta_c = delta_c_of(st.ages.total);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/// 16 significant digits with a three-digit exponent, as the reference output: 4.247792045559349E+001.
std::string sci(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15E", v);
  std::string s(buf);
  const auto e = s.find('E');
  if (e == std::string::npos || e + 2 >= s.size()) return s;  // inf/nan: as printed
  std::string digits = s.substr(e + 2);
  while (digits.size() < 3) digits.insert(0, "0");
  return s.substr(0, e + 2) + digits;
}

const char* kMonthHeader =
    "Year,Month,C_Inp_t_C_ha,FYM_Inp_t_C_ha,TEMP_C,RM_TMP,RAIN_mm,PEVAP_mm,SMD_mm,RM_Moist,PC,RM_PC,"
    "DPM_t_C_ha,RPM_t_C_ha,BIO_t_C_ha,HUM_t_C_ha,IOM_t_C_ha,SOC_t_C_ha,CO2_t_C_ha";
const char* kYearHeader = "Year,Month,DPM_t_C_ha,RPM_t_C_ha,BIO_t_C_ha,HUM_t_C_ha,IOM_t_C_ha,SOC_t_C_ha,CO2_t_C_ha,deltaC";

std::string month_csv(const std::vector<OfficialMonthRow>& rows) {
  std::string out = std::string(kMonthHeader) + "\n";
  for (const auto& r : rows) {
    out += std::to_string(r.year) + "," + std::to_string(r.month) + ",";
    if (r.pools_only) {
      out += ",,,,,,,,,,";
    } else {
      const OfficialMonth& m = r.forcing;
      out += sci(m.c_input) + "," + sci(m.fym) + "," + sci(m.tas_c) + "," + sci(r.rm_tmp) + "," + sci(m.rain_mm) +
             "," + sci(m.evap_mm) + "," + sci(r.smd_mm) + "," + sci(r.rm_moist) + "," + std::to_string(m.covered) +
             "," + sci(r.rm_pc) + ",";
    }
    out += sci(r.dpm) + "," + sci(r.rpm) + "," + sci(r.bio) + "," + sci(r.hum) + "," + sci(r.iom) + "," +
           sci(r.soc) + "," + sci(r.co2) + "\n";
  }
  return out;
}

std::string year_csv(const std::vector<OfficialYearRow>& rows) {
  std::string out = std::string(kYearHeader) + "\n";
  for (const auto& r : rows) {
    out += std::to_string(r.year) + "," + std::to_string(r.month) + "," + sci(r.dpm) + "," + sci(r.rpm) + "," +
           sci(r.bio) + "," + sci(r.hum) + "," + sci(r.iom) + "," + sci(r.soc) + "," + sci(r.co2) + "," +
           (r.initial ? std::string(kInitialDeltaC) : sci(r.delta_c)) + "\n";
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

OfficialInput read_official_input(const std::string& path) {
  const InputText text(path);
  OfficialInput in;
  in.path = path;

  // Layout. Shell.for (v2): lines 1-4 text, 5 options, 6-7 text, 8 soil, 9-10 text, 11.. months.
  // The v1 layout of RothC-26.3 / RothC_Py has no options line: 1-4 text, 5 soil, 6-7 text, 8.. months.
  text.require_line(5, "line 5: 'opt_RMmoist opt_SMDbare' (or the soil line of the v1 layout)");
  int soil_line = 8;
  if (starts_with_soil_line(text, 5)) {
    soil_line = 5;  // v1: options 1 1
  } else {
    const NumericRow opts(text, 5, kOptionFields, std::size(kOptionFields), "the options line");
    in.moisture = static_cast<rothc::MoistureOption>(opts.integer(0));
    in.bare = static_cast<rothc::BareLimitOption>(opts.integer(1));
  }
  const int first_month_line = soil_line + 3;

  text.require_line(soil_line, "the soil line 'clay depth iom nsteps [siltper BD OC minRM_Moist]'");
  const bool farina = in.moisture != rothc::MoistureOption::standard;
  const NumericRow soil(text, soil_line, kSoilFields, farina ? kNumSoilFarina : kNumSoilStandard,
                        farina ? "the soil line (moisture options 2 and 3)" : "the soil line");
  in.soil.clay_pct = soil.value(0);
  in.soil.depth_cm = soil.value(1);
  in.iom = soil.value(2);
  const int nsteps = soil.integer(3);
  if (farina) {
    in.soil.silt_pct = soil.value(4);
    in.soil.bulk_density = soil.value(5);
    in.soil.organic_carbon_pct = soil.value(6);
    in.soil.min_rm_moist = soil.value(7);
    if (in.soil.clay_pct <= 0.0)
      soil.fail(0, "moisture options 2 and 3 need clay > 0 % (the Woesten PTFs divide by it)");
    if (in.soil.clay_pct + in.soil.silt_pct > 100.0)
      soil.fail(4, "clay + silt exceed 100 %; expected clay + silt <= 100");
  }
  try {
    (void)rothc::derive_soil_constants(rothc::Parameters{}, in.soil, in.moisture, in.bare);
  } catch (const std::invalid_argument& e) {
    text.fail(soil_line, std::string("soil properties rejected: ") + e.what());
  }

  // Monthly rows; blank lines are skipped, as Fortran list-directed reads do.
  int no = first_month_line;
  while (static_cast<int>(in.months.size()) < nsteps) {
    while (no <= text.line_count() && is_blank(text, no)) ++no;
    if (no > text.line_count())
      text.fail(no, "the file ends after " + std::to_string(in.months.size()) + " monthly rows; expected nsteps = " +
                        std::to_string(nsteps) + " rows as line " + std::to_string(soil_line) +
                        " field 4 (nsteps) declares");
    const NumericRow row(text, no, kMonthFields, kNumMonth, "the monthly row", true);
    OfficialMonth m;
    m.line = no;
    m.year = row.integer(0);
    m.month = row.integer(1);
    m.modern_pct = row.value(2);
    m.tas_c = row.value(3);
    m.rain_mm = row.value(4);
    m.evap_mm = row.value(5);
    m.c_input = row.value(6);
    m.fym = row.value(7);
    m.covered = row.integer(8);
    m.dpm_rpm_ratio = row.value(9);
    in.months.push_back(m);
    ++no;
  }
  for (; no <= text.line_count(); ++no)
    if (!is_blank(text, no))
      text.fail(no, "more monthly rows than nsteps = " + std::to_string(nsteps) + "; expected exactly nsteps rows (line " +
                        std::to_string(soil_line) + " field 4) and nothing after them");
  return in;
}

OfficialResults run_official_procedure(const OfficialInput& in) {
  const rothc::Parameters p{};
  const rothc::SoilConstants s = rothc::derive_soil_constants(p, in.soil, in.moisture, in.bare);
  OfficialResults res;
  DriverState st;
  const int n = static_cast<int>(in.months.size());

  res.month_rows.push_back(pools_row(in.months.front().year, 0, st, in.iom));
  OfficialYearRow initial = year_row(0, 0, st, in.iom);
  initial.initial = true;
  res.year_rows.push_back(initial);

  // 1. Spin-up: cycle the first year from empty pools until the active C changes < 1e-6 t C/ha a year.
  //    Without any decomposition in that year (all months below temp_min) it would never end.
  bool decomposes = false, receives = false;
  for (int k = 0; k < kSpinupRows; ++k) {
    decomposes = decomposes || rothc::rate_temperature(p, in.months[k].tas_c) > 0.0;
    receives = receives || in.months[k].c_input > 0.0 || in.months[k].fym > 0.0;
  }
  if (receives && !decomposes)
    throw OfficialInputError(in.path + ":" + std::to_string(in.months.front().line) + "-" +
                             std::to_string(in.months[kSpinupRows - 1].line) +
                             ": the spin-up cannot reach equilibrium: every month of the first 12 rows is below " +
                             number_text(p.temp_min) + " C, so nothing decomposes; expected first 12 monthly rows "
                             "(the spin-up year) with at least one month at or above " + number_text(p.temp_min) + " C");
  double toc_last_year = 0.0;
  for (long years = 0;; ++years) {
    if (years == kMaxSpinupYears)
      throw OfficialInputError(in.path + ":" + std::to_string(in.months.front().line) + "-" +
                               std::to_string(in.months[kSpinupRows - 1].line) + ": the spin-up did not reach equilibrium within " + std::to_string(kMaxSpinupYears) +
                               " years; expected first 12 monthly rows in which the soil decomposes "
                               "(temperature >= -5 C in some month)");
    for (int k = 0; k < kSpinupRows; ++k) step_month(p, s, in.iom, in.months[k], st);
    res.spinup_months += kSpinupRows;
    const double toc = st.pools.dpm + st.pools.rpm + st.pools.bio + st.pools.hum;
    const double change = std::fabs(toc - toc_last_year);
    toc_last_year = toc;
    if (change < kSpinupTolerance) break;
  }
  // 2. CO2 counts from the end of the spin-up; deficit and ages carry over.
  st.co2 = 0.0;
  const int spinup_year = in.months[kSpinupRows - 1].year;
  res.month_rows.push_back(pools_row(spinup_year, static_cast<int>(res.spinup_months), st, in.iom));
  res.year_rows.push_back(year_row(spinup_year, static_cast<int>(res.spinup_months), st, in.iom));

  // 3. The simulation: rows 13..nsteps.
  for (int i = kSpinupRows; i < n; ++i) {
    const OfficialMonth& m = in.months[i];
    const rothc::RateModifiers rm = step_month(p, s, in.iom, m, st);
    OfficialMonthRow r = pools_row(m.year, (i - kSpinupRows) % 12 + 1, st, in.iom);
    r.pools_only = false;
    r.forcing = m;
    r.rm_tmp = rm.temperature;
    r.rm_moist = rm.moisture;
    r.rm_pc = rm.cover;
    r.smd_mm = st.pools.smd;
    res.month_rows.push_back(r);
    if ((i + 1) % 12 == 0) res.year_rows.push_back(year_row(m.year, 12, st, in.iom));
  }
  return res;
}

void write_official_results(const OfficialResults& results, const std::string& out_dir) {
  const fs::path dir = create_output_folder(out_dir);
  const std::string months = month_csv(results.month_rows), years = year_csv(results.year_rows);
  write_files_atomically({{dir / "month_results.csv", months}, {dir / "year_results.csv", years}});
}

void run_rothc_official(const OfficialRunOptions& opt) {
  const OfficialInput input = read_official_input(opt.input_path);
  const OfficialResults results = run_official_procedure(input);
  write_official_results(results, opt.out_dir);
}

}  // namespace alamod::engine
