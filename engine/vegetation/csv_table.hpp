#pragma once
/// A small CSV table for the vegetation inputs: a header, rows of fields (double quotes stripped), and
/// values converted with errors that name the file, the column and the line.
#include <string>
#include <vector>

namespace alamod::engine::vegetation {

class CsvTable {
 public:
  /// Reads `path` (comma-separated, first line the header); InputError if it cannot be read or a row has a
  /// different number of fields than the header.
  explicit CsvTable(std::string path);
  const std::string& path() const { return path_; }
  std::size_t rows() const { return rows_.size(); }
  bool has(const std::string& column) const;
  /// The column's index; InputError naming the file and the missing column.
  std::size_t column(const std::string& name) const;
  const std::string& text(std::size_t row, std::size_t col) const { return rows_[row][col]; }
  /// The field as a number; InputError "FILE line N, column C: 'x' is not a number" (NA is not a number).
  double number(std::size_t row, std::size_t col) const;
  bool is_na(std::size_t row, std::size_t col) const;
  /// The 1-based line of a row in the file (for messages).
  std::size_t line(std::size_t row) const { return lines_[row]; }
  const std::vector<std::string>& header() const { return header_; }
  /// "FILE line N, column C" for messages.
  std::string where(std::size_t row, std::size_t col) const;

 private:
  std::string path_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> lines_;
};

}  // namespace alamod::engine::vegetation
