#pragma once
/// The official AMG v2 input tables and driver, as a drop-in for users of the INRAE R script
/// (inrae/AMG_base, scripts/AMG_Script.R):
///
///   alamod amg --official-inputs DIR --out DIR [--rounding official|none]
///
/// Reads DIR/inputs_MANAGEMENT.csv, inputs_SOIL.csv, inputs_METEO.csv, parameters_PLANT.csv,
/// parameters_EOM.csv and parameters_MINERALIZATION.csv (semicolon-separated; latin1 as the
/// official files, or UTF-8, with or without BOM, LF or CRLF), computes the carbon inputs (Bolinder
/// allometry, amendments) and the yearly SOC stocks with models/amg, and writes OUT/C_SUPPLY.csv and
/// OUT/SOC_STOCKS.csv with the rows, columns and number format of the official outputs_C_SUPPLY.csv
/// and outputs_SOC_STOCKS.csv (readr::write_delim: shortest round-trip digits, ';', "NA", UTF-8).
///
/// With official_rounding the official decimal roundings are applied (fT ... fCN to 6 decimals, k to
/// 7, stocks to 4, T_mean to 0.1 degC, the water balance to 1 mm) and the files equal the official
/// outputs; without, every round() is the identity (the "norounding" variant of the reference).
///
/// Procedure (AMG_Script.R): per management row, plant C inputs from the yield (crop looked up by
/// Crop_type and Crop_name) and amendment C from up to three EOM doses; per (Trial, Treatment, Year)
/// the humified inputs, the irrigation and the tillage depth are summed (maximum for tillage); rows
/// are ordered by Trial, Treatment (byte order) and Year; the first year of a treatment holds the
/// initial stock, each later year decays the active pool with its own k and adds the humified input
/// of the previous year. Plain C++: no MPI, no PETSc.
///
/// Bit-for-bit agreement with the official run needs R's evaluation order everywhere, numbers read
/// as readr reads them (first 18 digits, one scaling by a power of ten), a year's rows summed in
/// long double as R's sum(), R's round() and readr's printing (readr_double_text). Beyond the
/// official script, the tables are checked (names, ranges, duplicates, cross-references) and a
/// problem stops the run before anything is written; blank rows are skipped.
#include <stdexcept>
#include <string>

namespace alamod::engine {

/// A problem with the input tables. The message is one line: `FILE:LINE:COLUMN: what is wrong;
/// expected ...` (LINE is 1-based, the header is line 1; COLUMN is the 1-based column number and
/// its header name).
class AmgInputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct AmgOfficialOptions {
  std::string inputs_dir;         ///< [in] folder holding the six official tables
  std::string out_dir;            ///< [in] output folder, created if missing
  bool official_rounding = true;  ///< [in] apply the official decimal roundings
};

/// Read and check the tables, run, write SOC_STOCKS.csv and C_SUPPLY.csv (each under a temporary
/// name, renamed when complete). Throws AmgInputError for a bad input, before anything is written;
/// std::runtime_error if the outputs cannot be written.
void run_amg_official(const AmgOfficialOptions& opt);

/// How readr::write_delim (vroom) prints a finite double: the shortest digits that read back to the
/// same double (Grisu3; the rare numbers Grisu3 cannot do are printed with 17 significant digits,
/// "%.17g"), laid out as vroom does ("2000", "0.0997996", "17.832500000000003", "1e-6", "1.5e-7").
/// Inf, -Inf and NaN print as "Inf", "-Inf", "NaN", and NA as "NA" is the caller's business.
std::string readr_double_text(double v);

}  // namespace alamod::engine
