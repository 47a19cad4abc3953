#include "engine/official/amg_official.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/common/atomic_file.hpp"
#include "engine/official/field_range.hpp"
#include "models/amg/amg.hpp"

namespace alamod::engine {

namespace amg = models::amg;
namespace fs = std::filesystem;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// =============================================================================================
// Number formatting of readr::write_delim (vroom): Grisu3 (Loitsch 2010) shortest digits, with the
// 17-significant-digit fallback when Grisu3 cannot decide, and vroom's layout of digits + exponent.
// =============================================================================================

namespace grisu {

/// A "do-it-yourself" floating point number f 2^e with a 64-bit significand.
struct DiyFp {
  std::uint64_t f;
  int e;
};

/// f of a times f of b, rounded to the upper 64 bits (half up), exponents added.
DiyFp multiply(DiyFp a, DiyFp b) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a.f) * b.f + (static_cast<unsigned __int128>(1) << 63);
  return {static_cast<std::uint64_t>(p >> 64), a.e + b.e + 64};
}

DiyFp normalized(DiyFp x) {
  while (!(x.f & (std::uint64_t{1} << 63))) {
    x.f <<= 1;
    --x.e;
  }
  return x;
}

/// 10^k for k = -348, -340, ..., 340: the 64-bit significand rounded to nearest and the binary
/// exponent (10^k ~ f 2^e). Generated with exact integer arithmetic.
struct CachedPower {
  std::uint64_t f;
  int e;
};
constexpr int kFirstCachedDecimal = -348;
constexpr int kCachedDecimalStep = 8;
constexpr CachedPower kCachedPowers[] = {
    {0xfa8fd5a0081c0288ULL, -1220}, {0xbaaee17fa23ebf76ULL, -1193}, {0x8b16fb203055ac76ULL, -1166},
    {0xcf42894a5dce35eaULL, -1140}, {0x9a6bb0aa55653b2dULL, -1113}, {0xe61acf033d1a45dfULL, -1087},
    {0xab70fe17c79ac6caULL, -1060}, {0xff77b1fcbebcdc4fULL, -1034}, {0xbe5691ef416bd60cULL, -1007},
    {0x8dd01fad907ffc3cULL, -980},  {0xd3515c2831559a83ULL, -954},  {0x9d71ac8fada6c9b5ULL, -927},
    {0xea9c227723ee8bcbULL, -901},  {0xaecc49914078536dULL, -874},  {0x823c12795db6ce57ULL, -847},
    {0xc21094364dfb5637ULL, -821},  {0x9096ea6f3848984fULL, -794},  {0xd77485cb25823ac7ULL, -768},
    {0xa086cfcd97bf97f4ULL, -741},  {0xef340a98172aace5ULL, -715},  {0xb23867fb2a35b28eULL, -688},
    {0x84c8d4dfd2c63f3bULL, -661},  {0xc5dd44271ad3cdbaULL, -635},  {0x936b9fcebb25c996ULL, -608},
    {0xdbac6c247d62a584ULL, -582},  {0xa3ab66580d5fdaf6ULL, -555},  {0xf3e2f893dec3f126ULL, -529},
    {0xb5b5ada8aaff80b8ULL, -502},  {0x87625f056c7c4a8bULL, -475},  {0xc9bcff6034c13053ULL, -449},
    {0x964e858c91ba2655ULL, -422},  {0xdff9772470297ebdULL, -396},  {0xa6dfbd9fb8e5b88fULL, -369},
    {0xf8a95fcf88747d94ULL, -343},  {0xb94470938fa89bcfULL, -316},  {0x8a08f0f8bf0f156bULL, -289},
    {0xcdb02555653131b6ULL, -263},  {0x993fe2c6d07b7facULL, -236},  {0xe45c10c42a2b3b06ULL, -210},
    {0xaa242499697392d3ULL, -183},  {0xfd87b5f28300ca0eULL, -157},  {0xbce5086492111aebULL, -130},
    {0x8cbccc096f5088ccULL, -103},  {0xd1b71758e219652cULL, -77},   {0x9c40000000000000ULL, -50},
    {0xe8d4a51000000000ULL, -24},   {0xad78ebc5ac620000ULL, 3},     {0x813f3978f8940984ULL, 30},
    {0xc097ce7bc90715b3ULL, 56},    {0x8f7e32ce7bea5c70ULL, 83},    {0xd5d238a4abe98068ULL, 109},
    {0x9f4f2726179a2245ULL, 136},   {0xed63a231d4c4fb27ULL, 162},   {0xb0de65388cc8ada8ULL, 189},
    {0x83c7088e1aab65dbULL, 216},   {0xc45d1df942711d9aULL, 242},   {0x924d692ca61be758ULL, 269},
    {0xda01ee641a708deaULL, 295},   {0xa26da3999aef774aULL, 322},   {0xf209787bb47d6b85ULL, 348},
    {0xb454e4a179dd1877ULL, 375},   {0x865b86925b9bc5c2ULL, 402},   {0xc83553c5c8965d3dULL, 428},
    {0x952ab45cfa97a0b3ULL, 455},   {0xde469fbd99a05fe3ULL, 481},   {0xa59bc234db398c25ULL, 508},
    {0xf6c69a72a3989f5cULL, 534},   {0xb7dcbf5354e9beceULL, 561},   {0x88fcf317f22241e2ULL, 588},
    {0xcc20ce9bd35c78a5ULL, 614},   {0x98165af37b2153dfULL, 641},   {0xe2a0b5dc971f303aULL, 667},
    {0xa8d9d1535ce3b396ULL, 694},   {0xfb9b7cd9a4a7443cULL, 720},   {0xbb764c4ca7a44410ULL, 747},
    {0x8bab8eefb6409c1aULL, 774},   {0xd01fef10a657842cULL, 800},   {0x9b10a4e5e9913129ULL, 827},
    {0xe7109bfba19c0c9dULL, 853},   {0xac2820d9623bf429ULL, 880},   {0x80444b5e7aa7cf85ULL, 907},
    {0xbf21e44003acdd2dULL, 933},   {0x8e679c2f5e44ff8fULL, 960},   {0xd433179d9c8cb841ULL, 986},
    {0x9e19db92b4e31ba9ULL, 1013},  {0xeb96bf6ebadf77d9ULL, 1039},  {0xaf87023b9bf0ee6bULL, 1066},
};

/// The cached power c ~ 10^mk that brings the product w c of a normalised w (binary exponent w_e)
/// into the target binary exponent range [-60, -32]; returns mk and sets c.
int cached_power_for(int w_e, DiyFp& c) {
  constexpr int kMinTargetExp = -60;
  constexpr double kLog10Of2 = 0.30102999566398114;
  const int min_exp = kMinTargetExp - 64 - w_e;
  const int k = static_cast<int>(std::ceil((min_exp + 63) * kLog10Of2));
  const int index = (k - kFirstCachedDecimal - 1) / kCachedDecimalStep + 1;
  c = {kCachedPowers[index].f, kCachedPowers[index].e};
  return kFirstCachedDecimal + index * kCachedDecimalStep;
}

/// Steps the last digit down while that brings the number closer to w; false when the digits are
/// not provably the shortest correct ones.
bool round_weed(std::string& digits, std::uint64_t distance_too_high_w, std::uint64_t unsafe_interval,
                std::uint64_t rest, std::uint64_t ten_kappa, std::uint64_t unit) {
  const std::uint64_t small_distance = distance_too_high_w - unit;
  const std::uint64_t big_distance = distance_too_high_w + unit;
  while (rest < small_distance && unsafe_interval - rest >= ten_kappa &&
         (rest + ten_kappa < small_distance || small_distance - rest >= rest + ten_kappa - small_distance)) {
    --digits.back();
    rest += ten_kappa;
  }
  if (rest < big_distance && unsafe_interval - rest >= ten_kappa &&
      (rest + ten_kappa < big_distance || big_distance - rest > rest + ten_kappa - big_distance))
    return false;
  return 2 * unit <= rest && rest <= unsafe_interval - 4 * unit;
}

/// Digits of the scaled number between the scaled boundaries; kappa as in the paper.
bool generate_digits(DiyFp low, DiyFp w, DiyFp high, std::string& digits, int& kappa) {
  std::uint64_t unit = 1;
  const DiyFp too_low{low.f - unit, low.e};
  const DiyFp too_high{high.f + unit, high.e};
  std::uint64_t unsafe_interval = too_high.f - too_low.f;
  const int shift = -w.e;
  const std::uint64_t one = std::uint64_t{1} << shift;
  std::uint32_t integral = static_cast<std::uint32_t>(too_high.f >> shift);
  std::uint64_t fractional = too_high.f & (one - 1);
  // Decimal length of the integral part, estimated from its bit length and corrected once.
  static constexpr std::uint32_t kPow10[] = {0,      1,       10,       100,       1000,      10000,
                                             100000, 1000000, 10000000, 100000000, 1000000000};
  const int bits = 64 - shift;
  int guess = ((bits + 1) * 1233 >> 12) + 1;
  if (integral < kPow10[guess]) --guess;
  std::uint32_t divisor = kPow10[guess];
  kappa = guess;
  digits.clear();
  while (kappa > 0) {
    digits.push_back(static_cast<char>('0' + integral / divisor));
    integral %= divisor;
    --kappa;
    const std::uint64_t rest = (static_cast<std::uint64_t>(integral) << shift) + fractional;
    if (rest < unsafe_interval)
      return round_weed(digits, too_high.f - w.f, unsafe_interval, rest, static_cast<std::uint64_t>(divisor) << shift,
                        unit);
    divisor /= 10;
  }
  for (;;) {
    fractional *= 10;
    unit *= 10;
    unsafe_interval *= 10;
    digits.push_back(static_cast<char>('0' + (fractional >> shift)));
    fractional &= one - 1;
    --kappa;
    if (fractional < unsafe_interval)
      return round_weed(digits, (too_high.f - w.f) * unit, unsafe_interval, fractional, one, unit);
  }
}

/// Shortest digits and decimal exponent of v > 0 (v = digits 10^exponent); false if Grisu3 fails.
bool shortest(double v, std::string& digits, int& exponent) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  constexpr std::uint64_t kExpMask = 0x7FF0000000000000ULL, kFracMask = 0x000FFFFFFFFFFFFFULL;
  constexpr std::uint64_t kHidden = 0x0010000000000000ULL;
  constexpr int kExpBias = 1075;
  DiyFp raw;
  if (!(bits & kExpMask)) {
    raw = {bits & kFracMask, 1 - kExpBias};
  } else {
    raw = {(bits & kFracMask) + kHidden, static_cast<int>((bits & kExpMask) >> 52) - kExpBias};
  }
  DiyFp w = normalized(raw);
  DiyFp plus = normalized({(raw.f << 1) + 1, raw.e - 1});
  DiyFp minus;
  if (!(bits & kFracMask) && (bits & kExpMask)) {
    minus = {(raw.f << 2) - 1, raw.e - 2};  // the lower neighbour is closer
  } else {
    minus = {(raw.f << 1) - 1, raw.e - 1};
  }
  minus.f <<= minus.e - plus.e;
  minus.e = plus.e;
  DiyFp c;
  const int mk = cached_power_for(w.e, c);
  w = multiply(w, c);
  minus = multiply(minus, c);
  plus = multiply(plus, c);
  int kappa = 0;
  const bool ok = generate_digits(minus, w, plus, digits, kappa);
  exponent = kappa - mk;
  return ok;
}

}  // namespace grisu

// =============================================================================================
// Reading the tables: bytes -> UTF-8 text -> fields, with line numbers
// =============================================================================================

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= s.size() && extra > 0) return false;
    for (std::size_t k = 1; k <= extra; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += 1 + extra;
  }
  return true;
}

std::string latin1_to_utf8(const std::string& s) {
  std::string out;
  out.reserve(s.size());
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

/// One field as read: its text (outer whitespace trimmed, quotes removed) and whether it is
/// missing ("" or NA, as readr's defaults).
struct Field {
  std::string text;
  bool missing = false;
};

struct CsvRow {
  int line = 0;  ///< 1-based line where the row starts
  std::vector<Field> fields;
};

/// A semicolon-separated table: the header (first non-blank row) and the data rows.
struct CsvTable {
  std::string path;  ///< as given, for messages
  std::string name;  ///< file name, for messages
  int header_line = 1;
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
};

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

CsvTable read_table(const fs::path& path) {
  CsvTable t;
  t.path = path.string();
  t.name = path.filename().string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const std::string why = fs::exists(path) ? "cannot be read" : "does not exist";
    throw AmgInputError(t.path + ": the official AMG table " + why + "; expected the six tables " +
                        "inputs_MANAGEMENT.csv, inputs_SOIL.csv, inputs_METEO.csv, parameters_PLANT.csv, "
                        "parameters_EOM.csv, parameters_MINERALIZATION.csv in the inputs folder");
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Encoding: a UTF-8 BOM or valid UTF-8 is read as UTF-8, anything else as latin1 (the official files).
  std::string text;
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    text = bytes.substr(3);
  } else if (valid_utf8(bytes)) {
    text = std::move(bytes);
  } else {
    text = latin1_to_utf8(bytes);
  }

  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool quoted = false, in_quotes = false, row_has_content = false;
  int line = 1;
  row.line = 1;
  auto end_field = [&]() {
    Field f;
    f.text = quoted ? field : trim(field);
    f.missing = (!quoted && f.text.empty()) || f.text == "NA";
    if (!f.text.empty() || quoted) row_has_content = true;
    row.fields.push_back(std::move(f));
    field.clear();
    quoted = false;
  };
  auto end_row = [&]() {
    end_field();
    if (row_has_content) rows.push_back(std::move(row));
    row = CsvRow();
    row_has_content = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && trim(field).empty() && !quoted) {
      in_quotes = true;
      quoted = true;
      field.clear();
    } else if (c == ';') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
      row.line = line;
    } else if (!quoted) {
      field.push_back(c);
    } else if (c != ' ' && c != '\t') {
      throw AmgInputError(t.path + ":" + std::to_string(line) + ":" + std::to_string(row.fields.size() + 1) +
                          ": text after the closing quote of a field; expected ';' after a quoted field");
    }
  }
  if (in_quotes)
    throw AmgInputError(t.path + ":" + std::to_string(row.line) + ": a quoted field is not closed before the end "
                        "of the file; expected a closing '\"'");
  end_row();

  if (rows.empty())
    throw AmgInputError(t.path + ":1: the table is empty; expected a header line of semicolon-separated column names");
  t.header_line = rows.front().line;
  for (const auto& f : rows.front().fields) t.header.push_back(f.text);
  t.rows.assign(std::make_move_iterator(rows.begin() + 1), std::make_move_iterator(rows.end()));
  return t;
}

// =============================================================================================
// Typed access to the fields, with the one error format `FILE:LINE:COLUMN (NAME): ...`
// =============================================================================================

/// What a numeric column holds and its admissible range.
struct NumberSpec {
  const char* meaning;  ///< with its unit
  FieldRange range;
};

/// The double readr (vroom's strtod) makes of a decimal number, for the same bits as the official
/// run: the first 18 significant digits (leading zeros count) as two 9-digit integers combined in
/// double, then one division or multiplication by 10^|e| built from the factors 10^(2^i). For up
/// to 15 digits and |e| <= 22 this is the correctly rounded value; beyond, it can differ by an ulp.
double vroom_decimal_value(const std::string& s) {
  static constexpr double kPowersOf10[] = {1e1, 1e2, 1e4, 1e8, 1e16, 1e32, 1e64, 1e128, 1e256};
  constexpr int kMaxDigits = 18, kMaxExponent = 307;
  std::size_t i = 0;
  bool negative = false;
  if (s[i] == '+' || s[i] == '-') negative = s[i++] == '-';
  std::string digits;
  int before_point = -1;
  for (; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits.push_back(s[i]);
    } else if (s[i] == '.' && before_point < 0) {
      before_point = static_cast<int>(digits.size());
    } else {
      break;
    }
  }
  if (before_point < 0) before_point = static_cast<int>(digits.size());
  const int used = std::min(static_cast<int>(digits.size()), kMaxDigits);
  int exponent = before_point - used;
  long high = 0, low = 0;
  for (int k = 0; k < used - 9; ++k) high = high * 10 + (digits[k] - '0');
  for (int k = std::max(0, used - 9); k < used; ++k) low = low * 10 + (digits[k] - '0');
  double value = 1e9 * static_cast<double>(high) + static_cast<double>(low);
  if (i < s.size()) {  // exponent part, e.g. e-7
    ++i;
    bool exp_negative = false;
    if (s[i] == '+' || s[i] == '-') exp_negative = s[i++] == '-';
    int e = 0;
    for (; i < s.size(); ++i) e = std::min(e * 10 + (s[i] - '0'), 100000);
    exponent += exp_negative ? -e : e;
  }
  int magnitude = std::min(std::abs(exponent), kMaxExponent);
  double scale = 1.0;
  for (int bit = 0; magnitude; magnitude >>= 1, ++bit)
    if (magnitude & 1) scale *= kPowersOf10[bit];
  value = exponent < 0 ? value / scale : value * scale;
  return negative ? -value : value;
}

/// A decimal number as readr reads it: optional sign, digits with an optional '.', optional
/// exponent (no inf, nan, hex or thousands separators); its value as vroom_decimal_value.
bool parse_decimal(const std::string& s, double& v) {
  if (s.empty()) return false;
  std::size_t i = 0;
  if (s[0] == '+' || s[0] == '-') ++i;
  bool digits = false;
  std::size_t j = i;
  while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j, digits = true;
  if (j < s.size() && s[j] == '.') {
    ++j;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j, digits = true;
  }
  if (!digits) return false;
  if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
    ++j;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    bool exp_digits = false;
    while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j, exp_digits = true;
    if (!exp_digits) return false;
  }
  if (j != s.size()) return false;
  v = vroom_decimal_value(s);
  return std::isfinite(v);
}

/// One table with its columns located by name.
class TableView {
 public:
  explicit TableView(const CsvTable& t) : t_(t) {}

  /// Index of the column `name`; throws naming the header line if it is missing.
  int column(const std::string& name, const char* meaning) const {
    int found = -1;
    for (std::size_t k = 0; k < t_.header.size(); ++k) {
      if (t_.header[k] != name) continue;
      if (found >= 0)
        throw AmgInputError(t_.path + ":" + std::to_string(t_.header_line) + ":" + std::to_string(k + 1) + " (" +
                            name + "): the column '" + name + "' appears twice (columns " +
                            std::to_string(found + 1) + " and " + std::to_string(k + 1) + "); expected it once");
      found = static_cast<int>(k);
    }
    if (found < 0) {
      std::string have;
      for (const auto& h : t_.header) have += (have.empty() ? "" : ";") + h;
      throw AmgInputError(t_.path + ":" + std::to_string(t_.header_line) + ": missing column '" + name + "' (" +
                          meaning + "); the header has: " + have);
    }
    return found;
  }

  /// Rows may have fewer fields than the header (missing values) but not more, except empty ones
  /// (a trailing ';').
  void check_widths() const {
    for (const auto& r : t_.rows) {
      std::size_t used = r.fields.size();
      while (used > t_.header.size() && r.fields[used - 1].text.empty()) --used;
      if (used > t_.header.size())
        throw AmgInputError(t_.path + ":" + std::to_string(r.line) + ":" + std::to_string(t_.header.size() + 1) +
                            ": the row has " +
                            std::to_string(r.fields.size()) + " fields but the header has " +
                            std::to_string(t_.header.size()) +
                            "; expected one value per column, separated by ';' (decimal point '.')");
    }
  }

  const Field& field(const CsvRow& r, int col) const {
    static const Field kMissing{"", true};
    return static_cast<std::size_t>(col) < r.fields.size() ? r.fields[col] : kMissing;
  }

  std::string where(const CsvRow& r, int col) const {
    return t_.path + ":" + std::to_string(r.line) + ":" + std::to_string(col + 1) + " (" + t_.header[col] + ")";
  }

  [[noreturn]] void fail(const CsvRow& r, int col, const std::string& what) const {
    throw AmgInputError(where(r, col) + ": " + what);
  }

  /// A required text field.
  std::string text(const CsvRow& r, int col, const char* meaning) const {
    const Field& f = field(r, col);
    if (f.missing) fail(r, col, "the value is missing; expected " + std::string(meaning));
    return f.text;
  }

  /// An optional numeric field (nullopt if missing), parsed and range-checked.
  std::optional<double> optional_number(const CsvRow& r, int col, const NumberSpec& s) const {
    const Field& f = field(r, col);
    if (f.missing) return std::nullopt;
    double v = 0.0;
    if (!parse_decimal(f.text, v)) {
      std::string hint;
      if (f.text.find(',') != std::string::npos) hint = " (use a decimal point, not a comma)";
      fail(r, col, "'" + f.text + "' is not a number" + hint + "; expected " + s.meaning + ", " + s.range.text());
    }
    if (!s.range.admits(v)) {
      const std::string what = v < 0.0 && s.range.lower >= 0.0 ? "negative" : "out of range";
      fail(r, col, f.text + " is " + what + "; expected " + s.meaning + ", " + s.range.text());
    }
    return v;
  }

  /// A required numeric field.
  double number(const CsvRow& r, int col, const NumberSpec& s) const {
    const auto v = optional_number(r, col, s);
    if (!v) fail(r, col, "the value is missing; expected " + std::string(s.meaning) + ", " + s.range.text());
    return *v;
  }

 private:
  const CsvTable& t_;
};

// =============================================================================================
// The six tables, checked
// =============================================================================================

const NumberSpec kYear{"the year", {-9999, 9999, true}};

struct SoilRecord {
  int line = 0;
  std::string trial, treatment;
  amg::Soil soil;
  double depth_cm = 0;  ///< Considered_depth (cm)
  double soc0 = 0;      ///< Initial_SOC_stock (t C ha-1)
};

struct MeteoRecord {
  int line = 0;
  double t_mean_c = 0, rainfall_mm = 0, pet_mm = 0;
};

struct Amendment {
  std::string name;
  double dose = 0;  ///< t FW ha-1
  const amg::AmendmentParameters* params = nullptr;
};

struct ManagementRecord {
  int line = 0;
  std::string trial, treatment, crop_type, crop_name;
  double year = 0;
  amg::CropType type = amg::CropType::main;
  double yield = 0, water_pct = 0;
  bool residues_returned = true;
  std::vector<Amendment> amendments;  ///< the EOM_name_i given, in order 1..3
  double tillage_cm = kNaN;           ///< NaN if missing
  double irrigation_mm = kNaN;        ///< NaN if missing
  const amg::CropParameters* crop = nullptr;
  const SoilRecord* soil = nullptr;
  const MeteoRecord* meteo = nullptr;
};

/// parameters_PLANT.csv: Bolinder coefficients by (Crop_type, Crop_name). Only the crops the
/// management table uses are checked (cover crops carry HI = 0, unused by their formulas).
struct PlantTable {
  CsvTable table;
  int c_beta, c_hi, c_sr, c_pss, c_hag, c_hbg, c_cag, c_cbg;
  std::map<std::pair<std::string, std::string>, const CsvRow*> rows;  ///< (Crop_type, Crop_name)
  std::map<const CsvRow*, amg::CropParameters> checked;

  /// The coefficients of the crop on `row`, range-checked for crops of type `type`.
  const amg::CropParameters& parameters(const CsvRow* row, amg::CropType type) {
    const auto done = checked.find(row);
    if (done != checked.end()) return done->second;
    const TableView v(table);
    const NumberSpec share{"a share (1)", {0, 1}};
    const NumberSpec conc{"a C content (g C g-1 DM)", {0, 1}};
    amg::CropParameters c;
    c.beta = v.number(*row, c_beta, {"the root distribution coefficient Beta (1)", {0, 1, false, true}});
    if (type == amg::CropType::cover) {
      c.hi = v.number(*row, c_hi, {"the harvest index HI (1; unused for cover crops)", {-kInf, kInf}});
    } else {
      c.hi = v.number(*row, c_hi, {"the harvest index HI (1)", {0, 1, false, true}});
    }
    c.sr = v.number(*row, c_sr, {"the shoot-to-root ratio SR (1)", {0, kInf, false, true}});
    c.pss = v.number(*row, c_pss, share);
    c.h_ag = v.number(*row, c_hag, share);
    c.h_bg = v.number(*row, c_hbg, share);
    c.c_conc_ag = v.number(*row, c_cag, conc);
    c.c_conc_bg = v.number(*row, c_cbg, conc);
    return checked.emplace(row, c).first->second;
  }
};

/// Everything read, checked and cross-referenced (records point into each other: not copyable).
struct Inputs {
  Inputs() = default;
  Inputs(const Inputs&) = delete;
  Inputs& operator=(const Inputs&) = delete;
  amg::Parameters params;
  PlantTable plant;                                                          ///< parameters_PLANT.csv
  std::map<std::string, amg::AmendmentParameters> amendments;               ///< EOM_name
  std::map<std::pair<std::string, std::string>, SoilRecord> soils;          ///< (Trial, Treatment)
  std::map<std::pair<std::string, double>, MeteoRecord> meteo;              ///< (Trial, Year)
  std::vector<ManagementRecord> management;                                 ///< file order
};

/// parameters_MINERALIZATION.csv: one row per parameter, Parameter;Value.
amg::Parameters read_mineralization(const fs::path& dir) {
  const CsvTable t = read_table(dir / "parameters_MINERALIZATION.csv");
  const TableView v(t);
  v.check_widths();
  const int c_name = v.column("Parameter", "parameter name, e.g. k0");
  const int c_value = v.column("Value", "parameter value");
  // The official names and the model's parameters they set.
  static const std::pair<const char*, double amg::Parameters::*> kOfficial[] = {
      {"Ps", &amg::Parameters::ps},   {"k0", &amg::Parameters::k0},     {"aT", &amg::Parameters::a_t},
      {"cT", &amg::Parameters::c_t},  {"Tref", &amg::Parameters::t_ref}, {"aH", &amg::Parameters::a_h},
      {"bH", &amg::Parameters::b_h},  {"am", &amg::Parameters::a_m},    {"cm", &amg::Parameters::c_m},
      {"apH", &amg::Parameters::a_ph}, {"bpH", &amg::Parameters::b_ph}, {"aCN", &amg::Parameters::a_cn},
      {"bCN", &amg::Parameters::b_cn},
  };
  std::string names;
  for (const auto& o : kOfficial) names += (names.empty() ? "" : ", ") + std::string(o.first);
  amg::Parameters p;
  std::map<std::string, int> seen;
  for (const auto& r : t.rows) {
    const std::string name = v.text(r, c_name, ("a parameter name: " + names).c_str());
    const auto* official = std::find_if(std::begin(kOfficial), std::end(kOfficial),
                                        [&](const auto& o) { return name == o.first; });
    if (official == std::end(kOfficial))
      v.fail(r, c_name, "unknown parameter '" + name + "'; expected one of " + names);
    if (seen.count(name))
      v.fail(r, c_name, "parameter '" + name + "' is given twice (lines " + std::to_string(seen[name]) + " and " +
                            std::to_string(r.line) + "); expected it once");
    seen[name] = r.line;
    const auto* info = std::find_if(amg::kParameterInfo.begin(), amg::kParameterInfo.end(),
                                    [&](const auto& i) { return i.member == official->second; });
    const std::string meaning = "the value of " + name + " (" + std::string(info->description) + ", " +
                                std::string(info->unit) + ")";
    NumberSpec spec{meaning.c_str(), {info->lower, info->upper}};
    p.*(official->second) = v.number(r, c_value, spec);
  }
  for (const auto& o : kOfficial)
    if (!seen.count(o.first))
      throw AmgInputError(t.path + ":" + std::to_string(t.header_line) + ": missing parameter row '" + o.first +
                          "'; expected one row for each of " + names);
  try {
    amg::validate(p);
  } catch (const std::invalid_argument& e) {
    throw AmgInputError(t.path + ": " + e.what());
  }
  return p;
}

void read_plant(const fs::path& dir, PlantTable& plant) {
  plant.table = read_table(dir / "parameters_PLANT.csv");
  const CsvTable& t = plant.table;
  const TableView v(t);
  v.check_widths();
  const int c_type = v.column("Crop_type", "MC main crop, CC cover crop, CCH harvested cover crop");
  const int c_name = v.column("Crop_name", "crop name");
  plant.c_beta = v.column("Beta", "root distribution coefficient");
  plant.c_hi = v.column("HI", "harvest index");
  plant.c_sr = v.column("SR", "shoot-to-root ratio");
  plant.c_pss = v.column("PSS", "share of straw and stubble returned");
  plant.c_hag = v.column("h_AG", "humification coefficient of aboveground residues");
  plant.c_hbg = v.column("h_BG", "humification coefficient of belowground residues");
  plant.c_cag = v.column("C_conc_AG", "C content of aboveground residues, g C g-1 DM");
  plant.c_cbg = v.column("C_conc_BG", "C content of belowground residues, g C g-1 DM");
  for (const auto& r : t.rows) {
    const std::string type = v.text(r, c_type, "a crop type MC, CC or CCH");
    const std::string name = v.text(r, c_name, "a crop name");
    const auto key = std::make_pair(type, name);
    if (plant.rows.count(key))
      v.fail(r, c_name, "crop '" + name + "' of type " + type + " is listed twice (lines " +
                            std::to_string(plant.rows[key]->line) + " and " + std::to_string(r.line) +
                            "); expected it once");
    plant.rows[key] = &r;
  }
}

/// parameters_EOM.csv: C content and humification coefficient by EOM_name.
void read_eom(const fs::path& dir, Inputs& in) {
  const CsvTable t = read_table(dir / "parameters_EOM.csv");
  const TableView v(t);
  v.check_widths();
  const int c_name = v.column("EOM_name", "name of the organic amendment");
  const int c_conc = v.column("C_conc_EOM", "C content, kg C t-1 FW");
  const int c_h = v.column("h_EOM", "humification coefficient");
  const NumberSpec conc{"the C content of the amendment (kg C t-1 fresh weight)", {0, 1000}};
  const NumberSpec h{"the humification coefficient of the amendment (1)", {0, 1}};
  std::map<std::string, int> seen;
  for (const auto& r : t.rows) {
    const std::string name = v.text(r, c_name, "an amendment name");
    if (seen.count(name))
      v.fail(r, c_name, "amendment '" + name + "' is listed twice (lines " + std::to_string(seen[name]) + " and " +
                            std::to_string(r.line) + "); expected it once");
    seen[name] = r.line;
    in.amendments[name] = {v.number(r, c_conc, conc), v.number(r, c_h, h)};
  }
}

/// inputs_SOIL.csv: one row per (Trial, Treatment).
void read_soil(const fs::path& dir, Inputs& in) {
  const CsvTable t = read_table(dir / "inputs_SOIL.csv");
  const TableView v(t);
  v.check_widths();
  const int c_trial = v.column("Trial", "trial name");
  const int c_treat = v.column("Treatment", "treatment name");
  const int c_clay = v.column("Clay", "clay content, g kg-1");
  const int c_caco3 = v.column("CaCO3", "CaCO3 content, g kg-1");
  const int c_ph = v.column("pH", "pH in water");
  const int c_cn = v.column("CN_ratio", "soil C:N ratio");
  const int c_depth = v.column("Considered_depth", "depth of the SOC stock, cm");
  const int c_soc = v.column("Initial_SOC_stock", "initial SOC stock, t C ha-1");
  for (const auto& r : t.rows) {
    SoilRecord s;
    s.line = r.line;
    s.trial = v.text(r, c_trial, "a trial name");
    s.treatment = v.text(r, c_treat, "a treatment name");
    s.soil.clay_g_kg = v.number(r, c_clay, {"the clay content (g kg-1, not percent)", {0, 1000}});
    s.soil.caco3_g_kg = v.number(r, c_caco3, {"the CaCO3 content (g kg-1, not percent)", {0, 1000}});
    s.soil.ph = v.number(r, c_ph, {"the soil pH in water (1)", {0, 14}});
    s.soil.cn_ratio = v.number(r, c_cn, {"the soil C:N ratio (1)", {0, 200, false, true}});
    s.depth_cm = v.number(r, c_depth, {"the depth of the SOC stock (cm)", {0, 500, false, true}});
    s.soc0 = v.number(r, c_soc, {"the initial SOC stock (t C ha-1)", {0, 2000}});
    const auto key = std::make_pair(s.trial, s.treatment);
    if (in.soils.count(key))
      v.fail(r, c_treat, "trial '" + s.trial + "', treatment '" + s.treatment + "' is given twice (lines " +
                             std::to_string(in.soils[key].line) + " and " + std::to_string(r.line) +
                             "); expected one row per trial and treatment");
    in.soils[key] = s;
  }
}

/// inputs_METEO.csv: one row per (Trial, Year).
void read_meteo(const fs::path& dir, Inputs& in) {
  const CsvTable t = read_table(dir / "inputs_METEO.csv");
  const TableView v(t);
  v.check_widths();
  const int c_trial = v.column("Trial", "trial name");
  const int c_year = v.column("Year", "year");
  const int c_t = v.column("T_mean", "annual mean air temperature, degC");
  const int c_rain = v.column("Rainfall", "annual rainfall, mm");
  const int c_pet = v.column("PET", "annual potential evapotranspiration, mm");
  for (const auto& r : t.rows) {
    MeteoRecord m;
    m.line = r.line;
    const std::string trial = v.text(r, c_trial, "a trial name");
    const double year = v.number(r, c_year, kYear);
    m.t_mean_c = v.number(r, c_t, {"the annual mean air temperature (degC, not K)", {-60, 60}});
    m.rainfall_mm = v.number(r, c_rain, {"the annual rainfall (mm)", {0, 20000}});
    m.pet_mm = v.number(r, c_pet, {"the annual potential evapotranspiration (mm)", {0, 5000}});
    const auto key = std::make_pair(trial, year);
    if (in.meteo.count(key))
      v.fail(r, c_year, "trial '" + trial + "', year " + number_text(year) + " is given twice (lines " +
                            std::to_string(in.meteo[key].line) + " and " + std::to_string(r.line) +
                            "); expected one row per trial and year");
    in.meteo[key] = m;
  }
}

/// Up to three known names close to `name` (same letters ignoring case, or sharing its first word).
template <class Names>
std::string suggestions(const std::string& name, const Names& names) {
  auto lower = [](std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  const std::string l = lower(name);
  const std::string first_word = l.substr(0, l.find(' '));
  std::vector<std::string> out;
  for (const auto& n : names)
    if (lower(n) == l) out.push_back(n);
  for (const auto& n : names) {
    if (out.size() >= 3) break;
    const std::string ln = lower(n);
    if (ln != l && !first_word.empty() && (ln.find(first_word) != std::string::npos))
      out.push_back(n);
  }
  if (out.empty()) return "";
  std::string s = " (did you mean ";
  for (std::size_t i = 0; i < out.size(); ++i) s += (i ? ", '" : "'") + out[i] + "'";
  return s + "?)";
}

/// inputs_MANAGEMENT.csv: one row per crop (main, cover, harvested cover) and year.
void read_management(const fs::path& dir, Inputs& in) {
  const CsvTable t = read_table(dir / "inputs_MANAGEMENT.csv");
  const TableView v(t);
  v.check_widths();
  const int c_trial = v.column("Trial", "trial name");
  const int c_treat = v.column("Treatment", "treatment name");
  const int c_year = v.column("Year", "year");
  const int c_type = v.column("Crop_type", "MC main crop, CC cover crop, CCH harvested cover crop");
  const int c_name = v.column("Crop_name", "crop name as in parameters_PLANT.csv");
  const int c_yield = v.column("Yield", "yield, t FW ha-1");
  const int c_hum = v.column("Hum", "water content of the harvested organ, percent");
  const int c_res = v.column("Residues", "Returned or Exported");
  int c_eom_name[3], c_eom_dose[3];
  for (int k = 0; k < 3; ++k) {
    const std::string n = std::to_string(k + 1);
    c_eom_name[k] = v.column("EOM_name_" + n, "name of an organic amendment as in parameters_EOM.csv");
    c_eom_dose[k] = v.column("EOM_dose_" + n, "dose of the organic amendment, t FW ha-1");
  }
  const int c_till = v.column("Tillage_depth", "maximum tillage depth, cm");
  const int c_irr = v.column("Irrigation", "irrigation, mm");

  std::map<std::tuple<std::string, std::string, double, std::string>, int> seen;
  for (const auto& r : t.rows) {
    ManagementRecord m;
    m.line = r.line;
    m.trial = v.text(r, c_trial, "a trial name");
    m.treatment = v.text(r, c_treat, "a treatment name");
    m.year = v.number(r, c_year, kYear);
    m.crop_type = v.text(r, c_type, "a crop type MC, CC or CCH");
    if (m.crop_type == "MC") {
      m.type = amg::CropType::main;
    } else if (m.crop_type == "CC") {
      m.type = amg::CropType::cover;
    } else if (m.crop_type == "CCH") {
      m.type = amg::CropType::harvested_cover;
    } else {
      v.fail(r, c_type, "unknown crop type '" + m.crop_type +
                            "'; expected MC (main crop), CC (cover crop) or CCH (harvested cover crop)");
    }
    m.crop_name = v.text(r, c_name, "a crop name as in parameters_PLANT.csv");
    const auto crop = in.plant.rows.find({m.crop_type, m.crop_name});
    if (crop == in.plant.rows.end()) {
      std::vector<std::string> same_type;
      for (const auto& c : in.plant.rows)
        if (c.first.first == m.crop_type) same_type.push_back(c.first.second);
      v.fail(r, c_name, "unknown crop '" + m.crop_name + "' of type " + m.crop_type + " in parameters_PLANT.csv" +
                            suggestions(m.crop_name, same_type) + "; expected one of the " +
                            std::to_string(same_type.size()) + " " + m.crop_type +
                            " crops of parameters_PLANT.csv (Crop_type, Crop_name)");
    }
    m.crop = &in.plant.parameters(crop->second, m.type);
    m.yield = v.number(r, c_yield, {"the yield (t ha-1 fresh weight; for CC the aboveground biomass)", {0, 1000}});
    m.water_pct = v.number(r, c_hum, {"the water content of the harvested organ (percent of fresh weight)", {0, 100}});
    const Field& res = v.field(r, c_res);
    if (res.missing || res.text == "Returned") {
      m.residues_returned = true;
    } else if (res.text == "Exported") {
      m.residues_returned = false;
    } else {
      v.fail(r, c_res, "unknown residue management '" + res.text + "'; expected Returned or Exported");
    }
    for (int k = 0; k < 3; ++k) {
      const Field& name = v.field(r, c_eom_name[k]);
      const auto dose = v.optional_number(
          r, c_eom_dose[k], {"the dose of the organic amendment (t ha-1 fresh weight)", {0, 10000}});
      if (name.missing) {
        if (dose && *dose != 0.0)
          v.fail(r, c_eom_dose[k], "a dose is given without an amendment name in " + t.header[c_eom_name[k]] +
                                       "; expected the name of the amendment as in parameters_EOM.csv");
        continue;
      }
      const auto a = in.amendments.find(name.text);
      if (a == in.amendments.end()) {
        std::vector<std::string> known;
        for (const auto& e : in.amendments) known.push_back(e.first);
        v.fail(r, c_eom_name[k], "unknown organic amendment '" + name.text + "' in parameters_EOM.csv" +
                                     suggestions(name.text, known) + "; expected one of the " +
                                     std::to_string(known.size()) + " EOM_name of parameters_EOM.csv");
      }
      if (!dose)
        v.fail(r, c_eom_dose[k], "the dose of '" + name.text +
                                     "' is missing; expected the dose of the organic amendment (t ha-1 fresh weight)");
      m.amendments.push_back({name.text, *dose, &a->second});
    }
    if (const auto till = v.optional_number(r, c_till, {"the maximum tillage depth (cm)", {0, 500}})) m.tillage_cm = *till;
    if (const auto irr = v.optional_number(r, c_irr, {"the irrigation (mm)", {0, 20000}})) m.irrigation_mm = *irr;

    const auto soil = in.soils.find({m.trial, m.treatment});
    if (soil == in.soils.end())
      v.fail(r, c_treat, "no row for trial '" + m.trial + "', treatment '" + m.treatment +
                             "' in inputs_SOIL.csv; expected one soil row per trial and treatment");
    m.soil = &soil->second;
    const auto meteo = in.meteo.find({m.trial, m.year});
    if (meteo == in.meteo.end())
      v.fail(r, c_year, "no row for trial '" + m.trial + "', year " + number_text(m.year) +
                            " in inputs_METEO.csv; expected one weather row per trial and year");
    m.meteo = &meteo->second;
    const auto key = std::make_tuple(m.trial, m.treatment, m.year, m.crop_type);
    if (seen.count(key))
      v.fail(r, c_type, "a second " + m.crop_type + " crop for trial '" + m.trial + "', treatment '" +
                            m.treatment + "', year " + number_text(m.year) + " (first on line " +
                            std::to_string(seen[key]) + "); expected at most one crop of each type per year");
    seen[key] = r.line;
    in.management.push_back(std::move(m));
  }
  if (in.management.empty())
    throw AmgInputError(t.path + ":" + std::to_string(t.header_line + 1) +
                        ": the management table has no rows; expected one row per crop and year");
}

void read_inputs(const fs::path& dir, Inputs& in) {
  if (!fs::is_directory(dir))
    throw AmgInputError(dir.string() + ": the inputs folder does not exist; expected a folder holding the six "
                        "official AMG tables (inputs_*.csv, parameters_*.csv)");
  in.params = read_mineralization(dir);
  read_plant(dir, in.plant);
  read_eom(dir, in);
  read_soil(dir, in);
  read_meteo(dir, in);
  read_management(dir, in);
}

// =============================================================================================
// The official computation
// =============================================================================================

/// One row of C_SUPPLY.csv.
struct SupplyRow {
  const ManagementRecord* m;
  amg::CropInputs crop;
  double c_eom = 0, c_eom_hum = 0;  ///< t C ha-1
  double c_tot = 0, c_tot_hum = 0;  ///< t C ha-1
};

/// One row of SOC_STOCKS.csv.
struct StockRow {
  std::string trial, treatment;
  double year = 0;
  double time = 0;
  std::vector<const ManagementRecord*> crops;  ///< management rows of this year, file order
  const SoilRecord* soil = nullptr;
  const MeteoRecord* meteo = nullptr;
  double tillage_cm = -kInf;     ///< max of the rows (-Inf if none given, as R's max)
  double irrigation_mm = 0;      ///< sum of the rows
  double c_tot_hum = 0;          ///< sum of the rows (t C ha-1 yr-1)
  amg::RateModifiers rates{};
  amg::Stocks stocks{};
};

/// Sum as R's sum() of one vector: accumulated in long double, rounded to double once.
double r_sum(const std::vector<double>& xs) {
  long double s = 0.0L;
  for (double x : xs)
    if (!std::isnan(x)) s += x;
  return static_cast<double>(s);
}

bool key_less(const std::string& ta, const std::string& ra, double ya, const std::string& tb, const std::string& rb,
              double yb) {
  if (int c = ta.compare(tb)) return c < 0;
  if (int c = ra.compare(rb)) return c < 0;
  return ya < yb;
}

struct Results {
  std::vector<SupplyRow> supply;
  std::vector<StockRow> stocks;
  std::vector<std::string> crop_types;  ///< in order of first appearance in the management table
};

Results compute(const Inputs& in, amg::Rounding rounding) {
  Results res;
  const amg::Parameters& p = in.params;

  // Carbon inputs, one row per management row (file order).
  for (const auto& m : in.management) {
    SupplyRow s;
    s.m = &m;
    s.crop = amg::crop_inputs(p, *m.crop, m.type, m.yield, m.water_pct, m.residues_returned, m.soil->depth_cm);
    for (const auto& a : m.amendments) {
      const amg::AmendmentInputs c = amg::amendment_inputs(*a.params, a.dose);
      s.c_eom += c.c;  // sum(C_EOM_1, C_EOM_2, C_EOM_3, na.rm = TRUE): one value per argument
      s.c_eom_hum += c.c_hum;
    }
    s.c_tot = s.crop.c_plant + s.c_eom;
    s.c_tot_hum = s.crop.c_plant_hum + s.c_eom_hum;
    res.supply.push_back(s);
    if (std::find(res.crop_types.begin(), res.crop_types.end(), m.crop_type) == res.crop_types.end())
      res.crop_types.push_back(m.crop_type);
  }
  std::stable_sort(res.supply.begin(), res.supply.end(), [](const SupplyRow& a, const SupplyRow& b) {
    return key_less(a.m->trial, a.m->treatment, a.m->year, b.m->trial, b.m->treatment, b.m->year);
  });

  // One stock row per (Trial, Treatment, Year), in order of first appearance, then sorted.
  std::map<std::tuple<std::string, std::string, double>, std::size_t> index;
  for (const auto& m : in.management) {
    const auto key = std::make_tuple(m.trial, m.treatment, m.year);
    auto it = index.find(key);
    if (it == index.end()) {
      StockRow r;
      r.trial = m.trial;
      r.treatment = m.treatment;
      r.year = m.year;
      r.soil = m.soil;
      r.meteo = m.meteo;
      it = index.emplace(key, res.stocks.size()).first;
      res.stocks.push_back(std::move(r));
    }
    res.stocks[it->second].crops.push_back(&m);
  }
  // The humified inputs of each year, in the order of the (sorted) C_SUPPLY rows.
  std::vector<std::vector<double>> hum(res.stocks.size());
  for (const auto& s : res.supply)
    hum[index.at(std::make_tuple(s.m->trial, s.m->treatment, s.m->year))].push_back(s.c_tot_hum);
  for (std::size_t i = 0; i < res.stocks.size(); ++i) {
    StockRow& r = res.stocks[i];
    std::vector<double> irrigation;
    for (const ManagementRecord* m : r.crops) {
      if (!std::isnan(m->tillage_cm)) r.tillage_cm = std::max(r.tillage_cm, m->tillage_cm);
      irrigation.push_back(m->irrigation_mm);
    }
    r.irrigation_mm = r_sum(irrigation);
    r.c_tot_hum = r_sum(hum[i]);
  }
  std::stable_sort(res.stocks.begin(), res.stocks.end(), [](const StockRow& a, const StockRow& b) {
    return key_less(a.trial, a.treatment, a.year, b.trial, b.treatment, b.year);
  });

  // The stocks, year by year; each treatment starts from its initial stock.
  for (std::size_t i = 0; i < res.stocks.size(); ++i) {
    StockRow& r = res.stocks[i];
    const bool first = i == 0 || res.stocks[i - 1].trial != r.trial || res.stocks[i - 1].treatment != r.treatment;
    r.time = first ? 0.0 : res.stocks[i - 1].time + 1.0;
    const amg::Climate climate{r.meteo->t_mean_c, r.meteo->rainfall_mm, r.irrigation_mm, r.meteo->pet_mm};
    r.rates = amg::mineralisation_rate(p, r.soil->soil, climate, rounding);
    if (first) {
      r.stocks = amg::initial_stocks(p, r.soil->soc0, rounding);
    } else {
      r.stocks = res.stocks[i - 1].stocks;
      amg::step_year(r.rates.k, res.stocks[i - 1].c_tot_hum, r.stocks, rounding);
    }
  }
  return res;
}

// =============================================================================================
// Writing, as readr::write_delim(delim = ";")
// =============================================================================================

/// A string field: quoted (quotes doubled) if it holds ';', '"', CR or LF or, except in the header,
/// starts with "NA" (readr's na = "NA").
std::string text_field(const std::string& s, bool header = false) {
  const bool quote =
      (!header && s.compare(0, 2, "NA") == 0) || s.find_first_of(";\"\r\n") != std::string::npos;
  if (!quote) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  return q + "\"";
}

std::string num(double v) { return readr_double_text(v); }

std::string supply_csv(const Results& res) {
  std::string out =
      "Trial;Treatment;Year;Crop_type;Crop_name;Considered_depth;CAG;CBG;CPLT;CAG_hum;CBG_hum;CPLT_hum;CEOM;"
      "CEOM_hum;CTOT;CTOT_hum\n";
  for (const auto& s : res.supply) {
    const ManagementRecord& m = *s.m;
    out += text_field(m.trial) + ";" + text_field(m.treatment) + ";" + num(m.year) + ";" + text_field(m.crop_type) +
           ";" + text_field(m.crop_name) + ";" + num(m.soil->depth_cm) + ";" + num(s.crop.c_ag) + ";" +
           num(s.crop.c_bg) + ";" + num(s.crop.c_plant) + ";" + num(s.crop.c_ag_hum) + ";" + num(s.crop.c_bg_hum) +
           ";" + num(s.crop.c_plant_hum) + ";" + num(s.c_eom) + ";" + num(s.c_eom_hum) + ";" + num(s.c_tot) + ";" +
           num(s.c_tot_hum) + "\n";
  }
  return out;
}

std::string stocks_csv(const Results& res) {
  std::string out = "Trial;Treatment;Year;Time";
  for (const auto& t : res.crop_types) out += ";" + text_field("Crop_name_" + t, true);
  out += ";T_mean;Rainfall;PET;Clay;CaCO3;pH;CN_ratio;Considered_depth;Initial_SOC_stock;Tillage_depth_year;"
         "Irrigation_year;CTOT_hum_year;fT;fH;fA;fC;fpH;fCN;k;QC;QCS;QCA\n";
  for (const auto& r : res.stocks) {
    out += text_field(r.trial) + ";" + text_field(r.treatment) + ";" + num(r.year) + ";" + num(r.time);
    for (const auto& t : res.crop_types) {
      std::string name = "NA";
      for (const ManagementRecord* m : r.crops)
        if (m->crop_type == t) name = text_field(m->crop_name);
      out += ";" + name;
    }
    const amg::Soil& s = r.soil->soil;
    const amg::RateModifiers& k = r.rates;
    out += ";" + num(r.meteo->t_mean_c) + ";" + num(r.meteo->rainfall_mm) + ";" + num(r.meteo->pet_mm) + ";" +
           num(s.clay_g_kg) + ";" + num(s.caco3_g_kg) + ";" + num(s.ph) + ";" + num(s.cn_ratio) + ";" +
           num(r.soil->depth_cm) + ";" + num(r.soil->soc0) + ";" + num(r.tillage_cm) + ";" + num(r.irrigation_mm) +
           ";" + num(r.c_tot_hum) + ";" + num(k.f_t) + ";" + num(k.f_h) + ";" + num(k.f_a) + ";" + num(k.f_c) + ";" +
           num(k.f_ph) + ";" + num(k.f_cn) + ";" + num(k.k) + ";" + num(r.stocks.total) + ";" +
           num(r.stocks.stable) + ";" + num(r.stocks.active) + "\n";
  }
  return out;
}

void write_results(const Results& res, const std::string& out_dir) {
  const fs::path dir = create_output_folder(out_dir);
  const std::string stocks = stocks_csv(res), supply = supply_csv(res);
  write_files_atomically({{dir / "SOC_STOCKS.csv", stocks}, {dir / "C_SUPPLY.csv", supply}});
}

}  // namespace

std::string readr_double_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Inf" : "-Inf";
  std::string out;
  if (std::signbit(v)) {
    out = "-";
    v = -v;
  }
  if (v == 0.0) return out + "0";
  std::string digits;
  int exponent = 0;
  if (!grisu::shortest(v, digits, exponent)) {
    char buf[40];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 17);
    return out + std::string(buf, r.ptr);
  }
  const int len = static_cast<int>(digits.size());
  if (exponent >= 0 && exponent <= std::max(2, 15 - len)) return out + digits + std::string(exponent, '0');
  if (exponent < 0 && len + exponent > -3 && len <= -exponent)
    return out + "0." + std::string(-exponent - len, '0') + digits;
  if (exponent < 0 && len > 1) {
    const int decimals = std::min(-exponent, len - 1);
    std::string s = digits.substr(0, len - decimals) + "." + digits.substr(len - decimals);
    exponent += decimals;
    if (exponent != 0) s += "e" + std::to_string(exponent);
    return out + s;
  }
  return out + digits + "e" + std::to_string(exponent);
}

void run_amg_official(const AmgOfficialOptions& opt) {
  Inputs in;
  read_inputs(opt.inputs_dir, in);
  const Results res = compute(in, opt.official_rounding ? amg::Rounding::official : amg::Rounding::none);
  write_results(res, opt.out_dir);
}

}  // namespace alamod::engine
