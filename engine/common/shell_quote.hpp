#pragma once
/// Commands printed for people to paste into a POSIX shell (the `continue with:` hint, the output's
/// history): every argument comes back as one word, whatever spaces, quotes or $ it holds.
#include <string>

namespace alamod::engine {

/// `s` in single quotes, each ' written '\'' (always quoted).
inline std::string single_quoted(const std::string& s) {
  std::string q = "'";
  for (const char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// `s` as it is when the shell reads it as one word unchanged (letters, digits and _ - . / , : = + @ %),
/// else single_quoted(s).
inline std::string shell_word(const std::string& s) {
  if (s.empty()) return "''";
  for (const char c : s) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string("_-./,:=+@%").find(c) != std::string::npos;
    if (!plain) return single_quoted(s);
  }
  return s;
}

}  // namespace alamod::engine
