#pragma once
/// Numbers in messages, notes and text outputs, written one way everywhere.
#include <cstdio>
#include <string>

namespace alamod::engine {

/// One number through a printf format ("%g", "%.2f", "%.3e"...).
inline std::string format_number(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

/// 10 significant digits: messages, notes and tables people read.
inline std::string short_number(double v) { return format_number("%.10g", v); }

/// 17 significant digits: reads back to the same double (outputs, provenance, parameter files).
inline std::string exact_number(double v) { return format_number("%.17g", v); }

}  // namespace alamod::engine
