#pragma once
/// The official RothC input file and driver, as a drop-in for RothC users.
///
/// Reads `RothC_input.dat` in the format of the official Fortran shell (Rothamsted-Models/RothC_Code,
/// `Shell.for`, v2.0.0), runs the same procedure and writes `month_results.csv` and `year_results.csv`
/// with the columns of the official `month_results.out` / `year_results.out`, at 16 significant digits:
///
///   alamod rothc --official-input RothC_input.dat --out DIR
///
/// Procedure (Shell.for):
///  1. spin-up: from empty pools, deficit 0 and radiocarbon ages 0, cycle the first 12 monthly rows
///     until the change of DPM+RPM+BIO+HUM over one year is below 1e-6 t C ha-1;
///  2. the accumulated CO2 is reset to 0; deficit and radiocarbon ages carry over;
///  3. run rows 13..nsteps, one output row per month and one per 12th row.
/// The monthly physics is models/rothc step_cell; this file adds the file format, the spin-up loop and
/// the radiocarbon (14C) bookkeeping of the official code. Plain C++: no MPI, no PETSc.
#include <stdexcept>
#include <string>
#include <vector>

#include "models/rothc/rothc.hpp"

namespace alamod::engine {

/// A problem with what the user supplied. The message is one line naming the file, the line (1-based),
/// the field and the expected form.
class OfficialInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OfficialRunOptions {
  std::string input_path;  ///< [in] official RothC input file (RothC_input.dat)
  std::string out_dir;     ///< [in] output folder, created if missing
};

/// One monthly row of the input file.
struct OfficialMonth {
  int year = 0;              ///< calendar year (as given)
  int month = 0;             ///< month of the year, 1-12
  double modern_pct = 100;   ///< 14C content of this month's inputs (percent modern)
  double tas_c = 0;          ///< monthly mean air temperature (degC)
  double rain_mm = 0;        ///< rainfall (mm month-1)
  double evap_mm = 0;        ///< open-pan evaporation (mm month-1)
  double c_input = 0;        ///< plant carbon input (t C ha-1 month-1)
  double fym = 0;            ///< farmyard manure carbon input (t C ha-1 month-1)
  int covered = 1;           ///< plant cover: 1 vegetated, 0 bare
  double dpm_rpm_ratio = 0;  ///< DPM/RPM ratio of the plant input (1)
  int line = 0;              ///< line of the input file (1-based), for messages
};

/// The whole input file, validated.
struct OfficialInput {
  std::string path;  ///< where it was read from (for messages)
  models::rothc::MoistureOption moisture = models::rothc::MoistureOption::standard;  ///< opt_RMmoist
  models::rothc::BareLimitOption bare = models::rothc::BareLimitOption::standard;    ///< opt_SMDbare
  models::rothc::SoilProperties soil;  ///< clay, depth; silt, BD, OC, minRM_Moist for options 2 and 3
  double iom = 0;                      ///< inert organic matter (t C ha-1), constant
  std::vector<OfficialMonth> months;   ///< nsteps rows; the first 12 also drive the spin-up
};

/// One row of month_results.csv. The first two rows (initial state, end of spin-up) carry pools only.
struct OfficialMonthRow {
  int year = 0;
  int month = 0;          ///< month counter (number of spin-up months in row 2)
  bool pools_only = false;
  OfficialMonth forcing;  ///< this month's input row (C_Inp, FYM, TEMP, RAIN, PEVAP, PC)
  double rm_tmp = 0, rm_moist = 0, rm_pc = 0;  ///< rate modifiers a, b, c (1)
  double smd_mm = 0;                           ///< deficit after this month (mm, <= 0)
  double dpm = 0, rpm = 0, bio = 0, hum = 0, iom = 0, soc = 0;  ///< pools (t C ha-1)
  double co2 = 0;  ///< CO2 respired since the end of the spin-up (t C ha-1)
};

/// One row of year_results.csv; the first row (initial state) has no deltaC value of its own.
struct OfficialYearRow {
  int year = 0;
  int month = 0;  ///< 12, 0 for the initial state, the spin-up months in row 2
  bool initial = false;
  double dpm = 0, rpm = 0, bio = 0, hum = 0, iom = 0, soc = 0, co2 = 0;  ///< t C ha-1
  double delta_c = 0;  ///< Delta14C of SOC (per mille)
};

struct OfficialResults {
  long spinup_months = 0;  ///< months of the equilibrium run (a multiple of 12)
  std::vector<OfficialMonthRow> month_rows;
  std::vector<OfficialYearRow> year_rows;
};

/// Read and validate an official input file. Throws OfficialInputError.
OfficialInput read_official_input(const std::string& path);

/// Run the official procedure (spin-up, then rows 13..nsteps). Throws OfficialInputError if the spin-up
/// cannot reach equilibrium (no decomposition in the first 12 months).
OfficialResults run_official_procedure(const OfficialInput& input);

/// Write month_results.csv and year_results.csv into out_dir (created if missing), each under a
/// temporary name first, renamed when complete. Throws std::runtime_error on I/O failure.
void write_official_results(const OfficialResults& results, const std::string& out_dir);

/// Read, run, write. Nothing is written when the input is rejected.
void run_rothc_official(const OfficialRunOptions& opt);

}  // namespace alamod::engine
