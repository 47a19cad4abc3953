#pragma once
// Files for the unit tests: a fresh folder removed at scope exit, whole files read and written, tables split.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace alamod::test {

/// A fresh folder under the system temp dir (TMPDIR/alamod_test_XXXXXX), removed with what it holds at
/// scope exit, folders a test made read-only included.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "alamod_test_XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed in " + templ);
    path_ = templ;
  }
  ~TempDir() {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(path_, ec))
      if (e.is_directory(ec) && !e.is_symlink(ec))
        fs::permissions(e.path(), fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/// The bytes of a file (a missing file fails the test and reads as "").
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  EXPECT_TRUE(in.good()) << p;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// The rows of a delimited text (CSV with `separator`), each split into its fields; CRLF line ends and a
/// trailing empty field kept as such. No quoting.
inline std::vector<std::vector<std::string>> split_table(const std::string& text, char separator) {
  std::vector<std::vector<std::string>> table;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::vector<std::string> row;
    std::string field;
    std::istringstream fields(line);
    while (std::getline(fields, field, separator)) row.push_back(field);
    if (!line.empty() && line.back() == separator) row.emplace_back();
    table.push_back(row);
  }
  return table;
}

/// Write `text` to p, replacing it.
inline void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace alamod::test
