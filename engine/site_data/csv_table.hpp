#pragma once
/// The CSV files of a site package read as the descriptor's dialect says (data/sites/FORMAT.md,
/// "Site packages"): RFC 4180 quoting (a quoted field may hold the delimiter, "" and line breaks), the
/// header on physical line `header_row`, the lines before it and the `comment_rows` skipped, as are the
/// lines starting with `comment_char` (when given). Every record keeps the physical line it starts on,
/// so that each problem names FILE:LINE:COLUMN. Problems of the text itself (a record with more or
/// fewer fields than the header, an unterminated quote, a blank line inside the data) are collected,
/// not thrown: the validator prints every one of them.
#include <cstddef>
#include <string>

#include "engine/common/csv_line.hpp"
#include <vector>

namespace alamod::engine {

/// One problem of a site package: where (file, physical line, 1-based column number of the field, 0
/// when the whole line or file is meant) and what.
struct Problem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  /// `file:line:column: message` (line and column left out when 0); control bytes and bytes that are
  /// not UTF-8 written \xNN, so that a problem is always one printable line.
  std::string text() const;
};

/// How a CSV resource is laid out (its Frictionless `dialect`).
struct CsvDialect {
  char delimiter = ',';
  int header_row = 1;             ///< physical line of the column names (1-based); 0: no header
  std::vector<int> comment_rows;  ///< physical lines skipped after the header (e.g. a units row)
  char comment_char = '\0';       ///< lines starting with it are skipped; '\0': none
};

struct CsvRecord {
  int line = 0;                     ///< physical line the record starts on
  std::vector<std::string> fields;  ///< as many as the header (ragged records are reported, not kept)
};

struct CsvTable {
  std::string path;
  std::vector<std::string> header;
  std::vector<CsvRecord> records;
};

/// Largest table read (bytes): a site table is small; the forcing reader has its own limit.
inline constexpr std::size_t kMaxTableBytes = 256u << 20;

/// Read `path`. Problems of the text go to `problems`; the records kept are those with the header's
/// field count. Throws alamod::InputError when the file cannot be read at all (missing, not a regular
/// file, too large, an I/O error): the caller reports it as unreadable input.
CsvTable read_csv_table(const std::string& path, const CsvDialect& dialect, std::vector<Problem>& problems);


}  // namespace alamod::engine
