#pragma once
/// Spectra from a CSV file (plain or gzip-compressed, recognised by its bytes): one row per sample, one
/// column per wavelength or wavenumber, the sample's other columns (identifiers, measured properties,
/// folds) beside them. docs/SPECTRA.md, "Input".
///
///   id,train,Ciso,1100,1102,...          <- header: band columns are PREFIX + a decimal number
///   1,1,0.22,0.3386885,0.3384545,...     <- every band value a finite number; other columns any text
///
/// Fields may be double-quoted (RFC 4180, "" inside quotes is one quote), so R's write.csv output reads
/// as is. Every row has as many fields as the header. A problem is one alamod::InputError line
/// `FILE:LINE:COLUMN (NAME): found ..., expected ...` (COLUMN: the field's character position).
#include <cstddef>
#include <string>
#include <vector>

namespace alamod::engine::spectra {

/// A dense row-major matrix (rows = spectra).
struct Matrix {
  std::size_t rows = 0, cols = 0;
  std::vector<double> v;
  Matrix() = default;
  Matrix(std::size_t r, std::size_t c, double fill = 0.0) : rows(r), cols(c), v(r * c, fill) {}
  double& operator()(std::size_t i, std::size_t j) { return v[i * cols + j]; }
  double operator()(std::size_t i, std::size_t j) const { return v[i * cols + j]; }
  const double* row(std::size_t i) const { return v.data() + i * cols; }
  double* row(std::size_t i) { return v.data() + i * cols; }
};

/// What a spectra file holds.
struct SpectraTable {
  std::string file;                         ///< as given (for messages)
  std::vector<std::string> header;          ///< every column name, in file order
  std::vector<std::size_t> band_columns;    ///< header indices of the band columns, in file order
  std::vector<std::string> band_names;      ///< their names as written
  std::vector<double> axis;                 ///< their wavelength / wavenumber (the name less the prefix)
  std::vector<std::size_t> other_columns;   ///< header indices of the other columns
  std::vector<std::vector<std::string>> other;  ///< other[k][row]: the text of other_columns[k] (quotes removed)
  std::vector<long> lines;                  ///< the file line of each data row
  Matrix x;                                 ///< rows x bands

  /// Index into `other` of the column called `name`, or -1.
  int other_index(const std::string& name) const;
};

/// Largest spectra file read (bytes after decompression).
inline constexpr std::size_t kMaxSpectraBytes = std::size_t(1) << 30;

/// Read `path`. Band columns are those whose name is `band_prefix` followed by a decimal number; at
/// least 3 are required, strictly increasing or strictly decreasing. Throws alamod::InputError naming the
/// file, line and column: a missing or unreadable file, no band columns (with the names seen), a
/// repeated column name, a row with more or fewer fields than the header (ragged), a band value that is
/// not a finite decimal number (NA included: spectra must be complete).
SpectraTable read_spectra_csv(const std::string& path, const std::string& band_prefix);

/// Parse a decimal number (blanks around it allowed); false if `text` is anything else ("NA", "", "1,5",
/// "inf", "0x10").
bool parse_decimal(const std::string& text, double& value);

/// Whether a property value is missing ("", "NA", "NaN", "nan", "null").
bool is_missing(const std::string& text);

}  // namespace alamod::engine::spectra
