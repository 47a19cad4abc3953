#pragma once
/// Text checks shared by the site readers (forcing files, site tables, data package descriptors):
/// strict decimal numbers and messages that quote input safely.
#include <cstddef>
#include <string>
#include <string_view>

namespace alamod::engine {

/// A finite decimal number, nothing else: `[+-]digits[.digits][(e|E)[+-]digits]` (`5.` and `.5` too).
/// Hexadecimal (`0x10`), `inf`, `nan`, blanks and trailing characters are refused. Returns false
/// when `text` is not such a number or it overflows a double.
bool parse_decimal(std::string_view text, double& out);

/// `s` with every control byte (0x00-0x1F, 0x7F) written as \xNN, so that a message quoting input
/// never carries a raw NUL, escape sequence or line break. Bytes >= 0x80 (UTF-8) are kept.
std::string printable(std::string_view s);

/// At most `max` bytes of `s`, then "..." when longer: quoted input in a message stays one short line.
std::string excerpt(std::string_view s, std::size_t max = 80);

}  // namespace alamod::engine
