#include "engine/site/site_text.hpp"

#include <cmath>
#include <cstdlib>

namespace alamod::engine {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool parse_decimal(std::string_view text, double& out) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  std::size_t digits = 0;
  while (i < n && is_digit(text[i])) ++i, ++digits;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && is_digit(text[i])) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    std::size_t exponent = 0;
    while (i < n && is_digit(text[i])) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  if (i != n) return false;
  // strtod needs a terminated string; numbers are short, so a small buffer does
  char buf[128];
  std::string long_text;
  const char* s = buf;
  if (n < sizeof buf) {
    text.copy(buf, n);
    buf[n] = '\0';
  } else {
    long_text.assign(text);
    s = long_text.c_str();
  }
  char* end = nullptr;
  out = std::strtod(s, &end);
  return end == s + n && std::isfinite(out);
}

std::string printable(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size());
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string excerpt(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  return std::string(s.substr(0, max)) + "...";
}

}  // namespace alamod::engine
