#include "engine/site/json_reader.hpp"

#include <sys/stat.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "engine/site/site_text.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(const std::string& text, const std::string& file) : t_(text), file_(file) {
    if (t_.compare(0, 3, "\xEF\xBB\xBF") == 0) p_ = col_base_ = 3;  // UTF-8 byte-order mark
  }

  JsonValue document() {
    skip_blanks();
    JsonValue v = value(0);
    skip_blanks();
    if (p_ < t_.size()) fail("found " + here() + " after the end of the document, expected nothing more");
    return v;
  }

 private:
  const std::string& t_;
  const std::string& file_;
  std::size_t p_ = 0;
  int line_ = 1;
  std::size_t col_base_ = 0;  // offset of the current line's first byte

  int column() const { return static_cast<int>(p_ - col_base_) + 1; }

  /// What is at the current position, for messages.
  std::string here() const {
    if (p_ >= t_.size()) return "the end of the file";
    return "'" + excerpt(t_.substr(p_, 1)) + "'";
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(printable(file_ + ":" + std::to_string(line_) + ":" + std::to_string(column()) +
                               ": invalid JSON: " + what));
  }

  void skip_blanks() {
    while (p_ < t_.size()) {
      const char c = t_[p_];
      if (c == '\n') {
        ++p_;
        ++line_;
        col_base_ = p_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++p_;
      } else {
        break;
      }
    }
  }

  bool literal(const char* word) {
    const std::string w(word);
    if (t_.compare(p_, w.size(), w) != 0) return false;
    p_ += w.size();
    return true;
  }

  JsonValue value(int depth) {
    JsonValue v;
    v.line = line_;
    v.column = column();
    if (p_ >= t_.size()) fail("found the end of the file, expected a value");
    const char c = t_[p_];
    if ((c == '{' || c == '[') && depth >= kMaxDepth)
      fail("more than " + std::to_string(kMaxDepth) + " nested arrays or objects, expected fewer");
    if (c == '{') {
      v.type = JsonValue::Type::object;
      ++p_;
      skip_blanks();
      if (p_ < t_.size() && t_[p_] == '}') {
        ++p_;
        return v;
      }
      for (;;) {
        skip_blanks();
        if (p_ >= t_.size() || t_[p_] != '"')
          fail("found " + here() + ", expected a member name in double quotes");
        const int name_line = line_, name_column = column();
        std::string name = string_body();
        for (const auto& n : v.names)
          if (n == name) {
            line_ = name_line;
            p_ = col_base_ + static_cast<std::size_t>(name_column - 1);
            fail("member name \"" + excerpt(name) + "\" repeated, expected each name once in an object");
          }
        skip_blanks();
        if (p_ >= t_.size() || t_[p_] != ':') fail("found " + here() + ", expected ':' after the member name");
        ++p_;
        skip_blanks();
        v.names.push_back(std::move(name));
        v.items.push_back(value(depth + 1));
        skip_blanks();
        if (p_ < t_.size() && t_[p_] == ',') {
          ++p_;
          continue;
        }
        if (p_ < t_.size() && t_[p_] == '}') {
          ++p_;
          return v;
        }
        fail("found " + here() + ", expected ',' or '}' in an object");
      }
    }
    if (c == '[') {
      v.type = JsonValue::Type::array;
      ++p_;
      skip_blanks();
      if (p_ < t_.size() && t_[p_] == ']') {
        ++p_;
        return v;
      }
      for (;;) {
        skip_blanks();
        v.items.push_back(value(depth + 1));
        skip_blanks();
        if (p_ < t_.size() && t_[p_] == ',') {
          ++p_;
          continue;
        }
        if (p_ < t_.size() && t_[p_] == ']') {
          ++p_;
          return v;
        }
        fail("found " + here() + ", expected ',' or ']' in an array");
      }
    }
    if (c == '"') {
      v.type = JsonValue::Type::string;
      v.text = string_body();
      return v;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      v.type = JsonValue::Type::number;
      v.number = number();
      return v;
    }
    if (literal("true")) {
      v.type = JsonValue::Type::boolean;
      v.boolean = true;
      return v;
    }
    if (literal("false")) {
      v.type = JsonValue::Type::boolean;
      return v;
    }
    if (literal("null")) return v;
    fail("found " + here() + ", expected a value (an object, array, string, number, true, false or null)");
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  double number() {
    const std::size_t start = p_;
    if (t_[p_] == '-') ++p_;
    if (p_ < t_.size() && t_[p_] == '0') {
      ++p_;
    } else if (p_ < t_.size() && digit(t_[p_])) {
      while (p_ < t_.size() && digit(t_[p_])) ++p_;
    } else {
      fail("found " + here() + ", expected a digit in a number");
    }
    if (p_ < t_.size() && t_[p_] == '.') {
      ++p_;
      if (p_ >= t_.size() || !digit(t_[p_])) fail("found " + here() + ", expected a digit after the decimal point");
      while (p_ < t_.size() && digit(t_[p_])) ++p_;
    }
    if (p_ < t_.size() && (t_[p_] == 'e' || t_[p_] == 'E')) {
      ++p_;
      if (p_ < t_.size() && (t_[p_] == '+' || t_[p_] == '-')) ++p_;
      if (p_ >= t_.size() || !digit(t_[p_])) fail("found " + here() + ", expected a digit in the exponent");
      while (p_ < t_.size() && digit(t_[p_])) ++p_;
    }
    if (p_ < t_.size() && (digit(t_[p_]) || t_[p_] == '.' || t_[p_] == 'x' || t_[p_] == 'X'))
      fail("found " + here() + " in a number, expected a decimal number without leading zeros");
    const std::string text = t_.substr(start, p_ - start);
    const double v = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(v)) {
      p_ = start;
      fail("number " + excerpt(text) + " is too large, expected a finite number");
    }
    return v;
  }

  unsigned hex4() {
    unsigned u = 0;
    for (int k = 0; k < 4; ++k, ++p_) {
      const char h = p_ < t_.size() ? t_[p_] : '\0';
      u <<= 4;
      if (h >= '0' && h <= '9') u |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f') u |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') u |= static_cast<unsigned>(h - 'A' + 10);
      else fail("found " + here() + ", expected four hexadecimal digits after \\u");
    }
    return u;
  }

  static void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  /// Length of the well-formed UTF-8 sequence at p_ (first byte >= 0x80), 0 when malformed.
  std::size_t utf8_length() const {
    const auto b = [&](std::size_t k) { return p_ + k < t_.size() ? static_cast<unsigned char>(t_[p_ + k]) : 0u; };
    const unsigned c = b(0);
    const auto cont = [&](std::size_t k) { return (b(k) & 0xC0u) == 0x80u; };
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(1) || !cont(2)) return 0;
      if (c == 0xE0 && b(1) < 0xA0) return 0;   // overlong
      if (c == 0xED && b(1) >= 0xA0) return 0;  // surrogate
      return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(1) || !cont(2) || !cont(3)) return 0;
      if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
      if (c == 0xF4 && b(1) >= 0x90) return 0;  // beyond U+10FFFF
      return 4;
    }
    return 0;
  }

  /// A string from its opening quote; leaves p_ after the closing one.
  std::string string_body() {
    ++p_;
    std::string out;
    for (;;) {
      if (p_ >= t_.size()) fail("found the end of the file inside a string, expected its closing '\"'");
      const auto c = static_cast<unsigned char>(t_[p_]);
      if (c == '"') {
        ++p_;
        return out;
      }
      if (c < 0x20) fail("found a control character (" + printable(std::string(1, static_cast<char>(c))) +
                         ") inside a string, expected it escaped (\\n, \\t, \\u0000...)");
      if (c == '\\') {
        ++p_;
        const char e = p_ < t_.size() ? t_[p_] : '\0';
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            ++p_;
            unsigned cp = hex4();
            if (cp >= 0xDC00 && cp <= 0xDFFF) fail("found a lone low surrogate (\\uDC00-\\uDFFF), expected a high one first");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
              if (t_.compare(p_, 2, "\\u") != 0) fail("found " + here() + ", expected the low surrogate \\uDC00-\\uDFFF of a pair");
              p_ += 2;
              const unsigned lo = hex4();
              if (lo < 0xDC00 || lo > 0xDFFF) fail("found a \\u escape that is not a low surrogate, expected \\uDC00-\\uDFFF");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            append_utf8(out, cp);
            continue;  // hex4 moved past the digits
          }
          default: fail("found " + here() + " after a backslash, expected one of \" \\ / b f n r t u");
        }
        ++p_;
        continue;
      }
      if (c < 0x80) {
        out += static_cast<char>(c);
        ++p_;
        continue;
      }
      const std::size_t n = utf8_length();
      if (n == 0) fail("found a byte that is not UTF-8 inside a string, expected UTF-8 text");
      out.append(t_, p_, n);
      p_ += n;
    }
  }
};

}  // namespace

const JsonValue* JsonValue::member(const std::string& name) const {
  if (type != Type::object) return nullptr;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return &items[i];
  return nullptr;
}

const char* json_type_name(JsonValue::Type t) {
  switch (t) {
    case JsonValue::Type::null: return "null";
    case JsonValue::Type::boolean: return "a boolean";
    case JsonValue::Type::number: return "a number";
    case JsonValue::Type::string: return "a string";
    case JsonValue::Type::array: return "an array";
    case JsonValue::Type::object: return "an object";
  }
  return "?";
}

JsonValue parse_json(const std::string& text, const std::string& file) { return Parser(text, file).document(); }

JsonValue read_json_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(printable(path + ": file not found or not readable"));
  if (!S_ISREG(st.st_mode))
    throw InputError(printable(path + ": not a regular file (a folder, pipe or device), expected a JSON file"));
  if (static_cast<std::size_t>(st.st_size) > kMaxJsonBytes)
    throw InputError(printable(path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                               std::to_string(kMaxJsonBytes >> 20) + " MiB a JSON descriptor may have"));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(printable(path + ": file not found or not readable"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_json(text, path);
}

}  // namespace alamod::engine
