// The official AMG v2 tables and driver against the outputs of the official INRAE R code
// (inrae/AMG_base AMG_Script.R, ../shared/refs/models/amg, copied into tests/data/amg), with and
// without the official roundings, and its handling of bad tables: one-line messages naming file,
// line and column, and nothing written.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "engine/official/amg_official.hpp"
#include "tests/unit/test_files.hpp"

namespace fs = std::filesystem;
using alamod::engine::AmgInputError;
using alamod::engine::readr_double_text;
using alamod::engine::run_amg_official;
using alamod::test::read_file;
using alamod::test::TempDir;
using alamod::test::write_file;

namespace {

constexpr double kRelTol = 1e-9;  // relative, against the unrounded reference (refs README)

fs::path amg_data() {
  if (const char* env = std::getenv("ALAMOD_AMG_DATA"); env && *env) return env;
  return ALAMOD_TEST_AMG_DATA;
}
fs::path shipped() { return amg_data() / "shipped"; }

using Table = std::vector<std::vector<std::string>>;

/// The official outputs are semicolon-separated.
Table parse_csv(const std::string& text) { return alamod::test::split_table(text, ';'); }

bool is_number(const std::string& s, double& v) {
  if (s.empty() || s == "NA") return false;
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

/// Compares every field of every row: text fields exactly, numbers to `rel_tol` (0: the same text).
/// Returns the largest relative difference of the numeric fields.
double compare(const fs::path& ref_path, const fs::path& out_path, double rel_tol) {
  const Table ref = parse_csv(read_file(ref_path)), out = parse_csv(read_file(out_path));
  const std::string what = out_path.filename().string();
  EXPECT_EQ(out.size(), ref.size()) << what << ": number of rows";
  if (ref.empty() || out.size() != ref.size()) return INFINITY;
  EXPECT_EQ(out[0], ref[0]) << what << ": header";
  double worst = 0.0;
  int failures = 0;
  for (std::size_t r = 1; r < ref.size(); ++r) {
    EXPECT_EQ(out[r].size(), ref[r].size()) << what << " row " << r + 1;
    if (out[r].size() != ref[r].size()) return INFINITY;
    for (std::size_t c = 0; c < ref[r].size(); ++c) {
      double x = 0.0, y = 0.0;
      const bool numeric = is_number(ref[r][c], x);
      bool ok;
      if (!numeric || rel_tol == 0.0) {
        ok = out[r][c] == ref[r][c];
        if (numeric && is_number(out[r][c], y) && x != 0.0) worst = std::max(worst, std::fabs(y - x) / std::fabs(x));
      } else {
        ok = is_number(out[r][c], y) && std::fabs(y - x) <= rel_tol * std::fabs(x);
        if (ok && x != 0.0) worst = std::max(worst, std::fabs(y - x) / std::fabs(x));
      }
      if (!ok && ++failures <= 10)
        ADD_FAILURE() << what << " row " << r + 1 << " column " << ref[0][c] << ": reference '" << ref[r][c]
                      << "', got '" << out[r][c] << "'";
    }
  }
  EXPECT_EQ(failures, 0) << what;
  return worst;
}

/// The files in `dir` (names).
std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// ---------------------------------------------------------------------------------------------
// Against the official code
// ---------------------------------------------------------------------------------------------

TEST(AmgOfficial, OfficialRoundingGivesTheOfficialOutputsByteForByte) {
  ASSERT_TRUE(fs::exists(shipped() / "inputs" / "inputs_MANAGEMENT.csv")) << "reference data not found under "
                                                                          << shipped();
  TempDir tmp;
  const fs::path out = tmp.path() / "out" / "nested";  // created by the driver
  run_amg_official({(shipped() / "inputs").string(), out.string(), true});
  EXPECT_EQ(files_in(out), (std::vector<std::string>{"C_SUPPLY.csv", "SOC_STOCKS.csv"}));
  const double stocks = compare(shipped() / "outputs_SOC_STOCKS.csv", out / "SOC_STOCKS.csv", 0.0);
  const double supply = compare(shipped() / "outputs_C_SUPPLY.csv", out / "C_SUPPLY.csv", 0.0);
  EXPECT_EQ(read_file(out / "SOC_STOCKS.csv"), read_file(shipped() / "outputs_SOC_STOCKS.csv"));
  EXPECT_EQ(read_file(out / "C_SUPPLY.csv"), read_file(shipped() / "outputs_C_SUPPLY.csv"));
  std::printf("[ TRIAL_1 official rounding ] max relative error: SOC_STOCKS %.2e, C_SUPPLY %.2e\n", stocks, supply);
}

TEST(AmgOfficial, WithoutRoundingMatchesTheUnroundedReference) {
  TempDir tmp;
  run_amg_official({(shipped() / "inputs").string(), tmp.path().string(), false});
  EXPECT_EQ(files_in(tmp.path()), (std::vector<std::string>{"C_SUPPLY.csv", "SOC_STOCKS.csv"}));
  const double stocks = compare(shipped() / "norounding_outputs_SOC_STOCKS.csv", tmp.path() / "SOC_STOCKS.csv", kRelTol);
  const double supply = compare(shipped() / "norounding_outputs_C_SUPPLY.csv", tmp.path() / "C_SUPPLY.csv", kRelTol);
  std::printf("[ TRIAL_1 no rounding ] max relative error: SOC_STOCKS %.2e, C_SUPPLY %.2e\n", stocks, supply);
  // The same bits as the official code, in fact.
  EXPECT_EQ(read_file(tmp.path() / "SOC_STOCKS.csv"), read_file(shipped() / "norounding_outputs_SOC_STOCKS.csv"));
  EXPECT_EQ(read_file(tmp.path() / "C_SUPPLY.csv"), read_file(shipped() / "norounding_outputs_C_SUPPLY.csv"));
}

/// Copies the official example inputs into `dir`.
void copy_inputs(const fs::path& dir) {
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(shipped() / "inputs"))
    fs::copy_file(e.path(), dir / e.path().filename(), fs::copy_options::overwrite_existing);
}

std::string latin1_to_utf8(const std::string& s) {
  std::string out;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out.push_back(ch);
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

TEST(AmgOfficial, ReadsUtf8WithBomAndCrlfTheSame) {
  TempDir tmp;
  const fs::path in = tmp.path() / "in";
  copy_inputs(in);
  for (const auto& e : fs::directory_iterator(in)) {
    std::string text = latin1_to_utf8(read_file(e.path()));
    std::string crlf = "\xEF\xBB\xBF";
    for (char c : text) {
      if (c == '\n') crlf += '\r';
      crlf += c;
    }
    write_file(e.path(), crlf);
  }
  run_amg_official({in.string(), (tmp.path() / "out").string(), true});
  EXPECT_EQ(read_file(tmp.path() / "out" / "SOC_STOCKS.csv"), read_file(shipped() / "outputs_SOC_STOCKS.csv"));
  EXPECT_EQ(read_file(tmp.path() / "out" / "C_SUPPLY.csv"), read_file(shipped() / "outputs_C_SUPPLY.csv"));
}

TEST(AmgOfficial, AFrozenYearTakesTheFrozenTemperatureFunction) {
  // 2001 at -0.5 degC: fT = 1e-6, k rounds to 1e-7 (printed as readr does), the stock hardly moves.
  TempDir tmp;
  const fs::path in = tmp.path() / "in";
  copy_inputs(in);
  std::string meteo = read_file(in / "inputs_METEO.csv");
  const std::string year = "TRIAL_1;2001;10.92;";
  ASSERT_NE(meteo.find(year), std::string::npos);
  meteo.replace(meteo.find(year), year.size(), "TRIAL_1;2001;-0.5;");
  write_file(in / "inputs_METEO.csv", meteo);
  run_amg_official({in.string(), (tmp.path() / "out").string(), true});
  const Table t = parse_csv(read_file(tmp.path() / "out" / "SOC_STOCKS.csv"));
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(t[0].begin(), t[0].end(), name) - t[0].begin());
  };
  ASSERT_GE(t.size(), 3u);
  EXPECT_EQ(t[2][col("Year")], "2001");
  EXPECT_EQ(t[2][col("T_mean")], "-0.5");
  EXPECT_EQ(t[2][col("fT")], "1e-6");
  EXPECT_EQ(t[2][col("k")], "1e-7");
  // QCA(2001) = round(QCA(2000) e^-1e-7 + h(2000)/1e-7 (1 - e^-1e-7), 4) with h(2000) = 0 (bare soil).
  EXPECT_EQ(t[2][col("QC")], "50.95");
}

TEST(AmgOfficial, PrintsNumbersAsReadr) {
  EXPECT_EQ(readr_double_text(2000.0), "2000");
  EXPECT_EQ(readr_double_text(0.0), "0");
  EXPECT_EQ(readr_double_text(0.0997996), "0.0997996");
  EXPECT_EQ(readr_double_text(17.832500000000003), "17.832500000000003");
  EXPECT_EQ(readr_double_text(4.872685714285715), "4.872685714285715");
  // Numbers Grisu3 cannot decide come out with 17 significant digits, as in the official outputs.
  EXPECT_EQ(readr_double_text(0.849134), "0.84913400000000006");
  EXPECT_EQ(readr_double_text(0.6848688), "0.68486880000000006");
  EXPECT_EQ(readr_double_text(1e-6), "1e-6");
  EXPECT_EQ(readr_double_text(1.5e-7), "1.5e-7");
  EXPECT_EQ(readr_double_text(0.0012), "0.0012");
  EXPECT_EQ(readr_double_text(100000.0), "100000");
  EXPECT_EQ(readr_double_text(1e15), "1e15");
  EXPECT_EQ(readr_double_text(-2.5), "-2.5");
  EXPECT_EQ(readr_double_text(-INFINITY), "-Inf");
}

// ---------------------------------------------------------------------------------------------
// Bad tables: a one-line message naming file, line and column; nothing written.
// ---------------------------------------------------------------------------------------------

/// Lines of a latin1 table, without line ends.
std::vector<std::string> lines_of(const fs::path& p) {
  std::vector<std::string> lines;
  std::istringstream in(read_file(p));
  std::string l;
  while (std::getline(in, l)) lines.push_back(l);
  return lines;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> f;
  std::string x;
  std::istringstream in(line);
  while (std::getline(in, x, ';')) f.push_back(x);
  if (!line.empty() && line.back() == ';') f.emplace_back();
  return f;
}

std::string join(const std::vector<std::string>& f) {
  std::string s;
  for (std::size_t i = 0; i < f.size(); ++i) s += (i ? ";" : "") + f[i];
  return s;
}

/// Sets field `column` (0-based) of line `line` (1-based) of `table`.
std::function<void(std::vector<std::string>&)> set_field(int line, int column, const std::string& value) {
  return [=](std::vector<std::string>& lines) {
    auto f = split(lines.at(line - 1));
    f.at(column) = value;
    lines[line - 1] = join(f);
  };
}

/// Runs the driver on the official example with `edit` applied to the lines of `table`; expects an
/// AmgInputError whose one-line message contains every string of `expected`, and no output at all.
void expect_rejected(const std::string& table, const std::function<void(std::vector<std::string>&)>& edit,
                     const std::vector<std::string>& expected) {
  TempDir tmp;
  const fs::path in = tmp.path() / "in";
  copy_inputs(in);
  auto lines = lines_of(in / table);
  edit(lines);
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  write_file(in / table, text);
  const fs::path out = tmp.path() / "out";
  try {
    run_amg_official({in.string(), out.string(), true});
    ADD_FAILURE() << table << ": the bad input was accepted";
  } catch (const AmgInputError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "not one line: " << msg;
    for (const auto& s : expected) EXPECT_NE(msg.find(s), std::string::npos) << "'" << s << "' not in: " << msg;
    std::printf("  rejected: %s\n", msg.c_str());
  }
  EXPECT_FALSE(fs::exists(out)) << "the output folder was created";
}

TEST(AmgOfficialBadInput, MissingColumn) {
  // Drop the Clay column (header and values) of inputs_SOIL.csv.
  expect_rejected("inputs_SOIL.csv",
                  [](std::vector<std::string>& lines) {
                    for (auto& l : lines) {
                      auto f = split(l);
                      f.erase(f.begin() + 2);
                      l = join(f);
                    }
                  },
                  {"inputs_SOIL.csv:1:", "missing column 'Clay'", "g kg-1"});
  expect_rejected("parameters_EOM.csv",
                  [](std::vector<std::string>& lines) {
                    for (auto& l : lines) {
                      auto f = split(l);
                      f.erase(f.begin() + 3);
                      l = join(f);
                    }
                  },
                  {"parameters_EOM.csv:1:", "missing column 'h_EOM'"});
}

TEST(AmgOfficialBadInput, NonNumericValue) {
  // Line 3 of inputs_MANAGEMENT.csv is TRIAL_1;FYM;2001;MC;Grain maize;10.25;...
  expect_rejected("inputs_MANAGEMENT.csv", set_field(3, 5, "ten"),
                  {"inputs_MANAGEMENT.csv:3:6 (Yield)", "'ten' is not a number", "t ha-1"});
  expect_rejected("inputs_METEO.csv", set_field(4, 2, "11,24"),
                  {"inputs_METEO.csv:4:3 (T_mean)", "not a number", "decimal point"});
  expect_rejected("parameters_MINERALIZATION.csv", set_field(3, 1, "fast"),
                  {"parameters_MINERALIZATION.csv:3:2 (Value)", "'fast' is not a number", "k0"});
  expect_rejected("inputs_SOIL.csv", set_field(2, 7, ""),
                  {"inputs_SOIL.csv:2:8 (Initial_SOC_stock)", "missing", "t C ha-1"});
}

TEST(AmgOfficialBadInput, NegativeValue) {
  expect_rejected("inputs_MANAGEMENT.csv", set_field(3, 5, "-10.25"),
                  {"inputs_MANAGEMENT.csv:3:6 (Yield)", "negative", "[0, 1000]"});
  expect_rejected("inputs_MANAGEMENT.csv", set_field(3, 9, "-38.41"),
                  {"inputs_MANAGEMENT.csv:3:10 (EOM_dose_1)", "negative"});
  expect_rejected("inputs_METEO.csv", set_field(2, 3, "-620"), {"inputs_METEO.csv:2:4 (Rainfall)", "negative"});
  expect_rejected("inputs_MANAGEMENT.csv", set_field(2, 15, "-5"),
                  {"inputs_MANAGEMENT.csv:2:16 (Irrigation)", "negative"});
  expect_rejected("parameters_EOM.csv", set_field(4, 2, "-83"),
                  {"parameters_EOM.csv:4:3 (C_conc_EOM)", "negative"});
}

TEST(AmgOfficialBadInput, WrongUnit) {
  // The tables carry no unit row; implausible magnitudes are caught by the ranges, which name the unit.
  expect_rejected("inputs_METEO.csv", set_field(2, 2, "284.8"),
                  {"inputs_METEO.csv:2:3 (T_mean)", "out of range", "degC, not K"});
  expect_rejected("inputs_SOIL.csv", set_field(2, 2, "1780"),
                  {"inputs_SOIL.csv:2:3 (Clay)", "out of range", "g kg-1"});
  expect_rejected("inputs_MANAGEMENT.csv", set_field(3, 6, "150"),
                  {"inputs_MANAGEMENT.csv:3:7 (Hum)", "out of range", "percent"});
  // A row of units below the header is not data.
  expect_rejected("inputs_SOIL.csv",
                  [](std::vector<std::string>& lines) {
                    lines.insert(lines.begin() + 1, "-;-;g/kg;g/kg;-;-;cm;t/ha;");
                  },
                  {"inputs_SOIL.csv:2:3 (Clay)", "'g/kg' is not a number"});
}

TEST(AmgOfficialBadInput, UnknownNames) {
  expect_rejected("inputs_MANAGEMENT.csv", set_field(3, 4, "Grain maiz"),
                  {"inputs_MANAGEMENT.csv:3:5 (Crop_name)", "unknown crop 'Grain maiz'", "parameters_PLANT.csv",
                   "did you mean 'Grain maize'"});
  expect_rejected("inputs_MANAGEMENT.csv", set_field(3, 8, "Cow manure"),
                  {"inputs_MANAGEMENT.csv:3:9 (EOM_name_1)", "unknown organic amendment 'Cow manure'",
                   "parameters_EOM.csv"});
  expect_rejected("inputs_MANAGEMENT.csv", set_field(3, 3, "XC"),
                  {"inputs_MANAGEMENT.csv:3:4 (Crop_type)", "unknown crop type 'XC'", "MC", "CC", "CCH"});
  expect_rejected("inputs_MANAGEMENT.csv", set_field(4, 7, "Burnt"),
                  {"inputs_MANAGEMENT.csv:4:8 (Residues)", "'Burnt'", "Returned or Exported"});
  expect_rejected("parameters_MINERALIZATION.csv", set_field(2, 0, "PS"),
                  {"parameters_MINERALIZATION.csv:2:1 (Parameter)", "unknown parameter 'PS'", "Ps"});
}

TEST(AmgOfficialBadInput, InconsistentTables) {
  // A year without weather.
  expect_rejected("inputs_METEO.csv", [](std::vector<std::string>& lines) { lines.erase(lines.begin() + 5); },
                  {"inputs_MANAGEMENT.csv:", ":3 (Year)", "no row for trial 'TRIAL_1', year 2004", "inputs_METEO.csv"});
  // A treatment without soil.
  expect_rejected("inputs_SOIL.csv", [](std::vector<std::string>& lines) { lines.erase(lines.begin() + 2); },
                  {"inputs_MANAGEMENT.csv:23:2 (Treatment)", "treatment 'CON'", "inputs_SOIL.csv"});
  // Two main crops in one year.
  expect_rejected("inputs_MANAGEMENT.csv", set_field(4, 2, "2001"),
                  {"inputs_MANAGEMENT.csv:4:4 (Crop_type)", "a second MC crop", "2001"});
  // An amendment dose without a name, a name without a dose.
  expect_rejected("inputs_MANAGEMENT.csv", set_field(4, 11, "12"),
                  {"inputs_MANAGEMENT.csv:4:12 (EOM_dose_2)", "without an amendment name"});
  expect_rejected("inputs_MANAGEMENT.csv", set_field(3, 9, ""),
                  {"inputs_MANAGEMENT.csv:3:10 (EOM_dose_1)", "dose of 'Bovine manure' is missing"});
  // A parameter out of its bounds, a parameter missing.
  expect_rejected("parameters_MINERALIZATION.csv", set_field(3, 1, "-0.29"),
                  {"parameters_MINERALIZATION.csv:3:2 (Value)", "k0", "negative"});
  expect_rejected("parameters_MINERALIZATION.csv",
                  [](std::vector<std::string>& lines) { lines.erase(lines.begin() + 4); },
                  {"parameters_MINERALIZATION.csv:1", "missing parameter row 'cT'"});
  // More fields than columns.
  expect_rejected("inputs_METEO.csv", [](std::vector<std::string>& lines) { lines[2] += ";extra;fields"; },
                  {"inputs_METEO.csv:3:", "fields but the header has 6"});
}

TEST(AmgOfficialBadInput, MissingTableOrFolder) {
  TempDir tmp;
  const fs::path in = tmp.path() / "in";
  copy_inputs(in);
  fs::remove(in / "parameters_EOM.csv");
  try {
    run_amg_official({in.string(), (tmp.path() / "out").string(), true});
    ADD_FAILURE() << "accepted without parameters_EOM.csv";
  } catch (const AmgInputError& e) {
    EXPECT_NE(std::string(e.what()).find("parameters_EOM.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
  EXPECT_THROW(run_amg_official({(tmp.path() / "nowhere").string(), (tmp.path() / "out").string(), true}),
               AmgInputError);
}

TEST(AmgOfficialBadInput, PreviousOutputsStayUntouched) {
  TempDir tmp;
  const fs::path in = tmp.path() / "in", out = tmp.path() / "out";
  copy_inputs(in);
  run_amg_official({in.string(), out.string(), true});
  const std::string before = read_file(out / "SOC_STOCKS.csv");
  auto lines = lines_of(in / "inputs_SOIL.csv");
  set_field(2, 4, "seven")(lines);
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  write_file(in / "inputs_SOIL.csv", text);
  EXPECT_THROW(run_amg_official({in.string(), out.string(), false}), AmgInputError);
  EXPECT_EQ(read_file(out / "SOC_STOCKS.csv"), before);
  EXPECT_EQ(files_in(out), (std::vector<std::string>{"C_SUPPLY.csv", "SOC_STOCKS.csv"}));
}

}  // namespace
