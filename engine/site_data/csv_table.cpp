#include "engine/site_data/csv_table.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "engine/site/site_text.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  if (n == 2 && c < 0xC2) return 0;  // overlong
  return n;
}

/// `s` with every byte that is not part of valid UTF-8 written \xNN (then control bytes, by printable).
std::string utf8_safe(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      const auto c = static_cast<unsigned char>(s[i]);
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return printable(out);
}

}  // namespace

std::string Problem::text() const {
  if (file.empty()) return utf8_safe(message);  // a message that names its own place (a JSON syntax error)
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return utf8_safe(out + ": " + message);
}

namespace {

std::string read_whole(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(path + ": not found, expected a readable file");
  if (!S_ISREG(st.st_mode)) throw InputError(path + ": not a regular file, expected a CSV file");
  if (static_cast<std::size_t>(st.st_size) > kMaxTableBytes)
    throw InputError(path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                     std::to_string(kMaxTableBytes >> 20) + " MiB a site table may have");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot be opened for reading");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path + ": read error");
  return text;
}

}  // namespace

CsvTable read_csv_table(const std::string& path, const CsvDialect& dialect, std::vector<Problem>& problems) {
  CsvTable table;
  table.path = path;
  const std::string text = read_whole(path);
  std::size_t p = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  // UTF-8 only: the first invalid byte is a problem of its line (the text is still read)
  for (std::size_t i = p, l = 1; i < text.size();) {
    if (text[i] == '\n') ++l;
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      const std::size_t bol = text.rfind('\n', i);
      problems.push_back({path, static_cast<int>(l), 0,
                          "byte " + std::to_string(i - (bol == std::string::npos ? 0 : bol + 1) + 1) +
                              " of the line is not UTF-8, expected UTF-8 text"});
      break;
    }
    i += n;
  }
  const std::size_t n = text.size();
  int line = 1;
  bool have_header = dialect.header_row == 0;
  int blank_line = 0;  // a blank line seen inside the data (an error unless only blank lines follow)
  while (p < n) {
    const int start = line;
    const std::size_t eol = text.find('\n', p);
    const std::size_t line_end = eol == std::string::npos ? n : eol;
    std::string_view raw(text.data() + p, line_end - p);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const bool before_header = !have_header && start < dialect.header_row;
    const bool comment_row =
        std::find(dialect.comment_rows.begin(), dialect.comment_rows.end(), start) != dialect.comment_rows.end();
    const bool comment_line = dialect.comment_char != '\0' && !raw.empty() && raw[0] == dialect.comment_char &&
                              start != dialect.header_row;
    if (before_header || comment_row || comment_line) {
      p = line_end + (eol == std::string::npos ? 0 : 1);
      ++line;
      continue;
    }
    if (raw.empty()) {
      if (!blank_line && have_header) blank_line = start;
      p = line_end + (eol == std::string::npos ? 0 : 1);
      ++line;
      continue;
    }
    if (blank_line) {
      problems.push_back({path, blank_line, 0, "blank line inside the data, expected one record per line (blank "
                                               "lines only at the end)"});
      blank_line = 0;
    }
    // one record, possibly over several physical lines (quoted line breaks)
    std::vector<std::string> fields(1);
    bool quoted = false, after_quote = false, bad_quote = false;
    for (; p < n; ++p) {
      const char c = text[p];
      if (quoted) {
        if (c == '"') {
          if (p + 1 < n && text[p + 1] == '"') {
            fields.back() += '"';
            ++p;
          } else {
            quoted = false;
            after_quote = true;
          }
        } else {
          if (c == '\n') ++line;
          fields.back() += c;
        }
        continue;
      }
      if (c == '\n') break;
      if (c == '\r' && (p + 1 == n || text[p + 1] == '\n')) continue;
      if (c == dialect.delimiter) {
        fields.emplace_back();
        after_quote = false;
      } else if (c == '"' && fields.back().empty() && !after_quote) {
        quoted = true;
      } else {
        if (after_quote) bad_quote = true;
        fields.back() += c;
      }
    }
    if (p < n) ++p;  // the line break
    ++line;
    if (quoted) {
      problems.push_back({path, start, static_cast<int>(fields.size()),
                          "quoted field not closed before the end of the file, expected a closing '\"'"});
      break;
    }
    if (bad_quote)
      problems.push_back({path, start, static_cast<int>(fields.size()),
                          "text after a closing quote, expected the delimiter (a quote inside a quoted field is "
                          "written \"\")"});
    if (!have_header) {
      table.header = std::move(fields);
      have_header = true;
      continue;
    }
    if (fields.size() != table.header.size()) {
      const bool more = fields.size() > table.header.size();
      problems.push_back({path, start, static_cast<int>(std::min(fields.size(), table.header.size()) + (more ? 1 : 0)),
                          std::to_string(fields.size()) + " fields, expected " + std::to_string(table.header.size()) +
                              " (one per column of the header: " +
                              excerpt([&] {
                                std::string h;
                                for (const auto& f : table.header) h += (h.empty() ? "" : ",") + f;
                                return h;
                              }()) +
                              ")"});
      continue;
    }
    table.records.push_back({start, std::move(fields)});
  }
  if (!have_header)
    problems.push_back({path, 0, 0, "no header row (line " + std::to_string(dialect.header_row) +
                                        "), expected the column names"});
  return table;
}

}  // namespace alamod::engine
