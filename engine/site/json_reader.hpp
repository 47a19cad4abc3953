#pragma once
/// A small strict JSON reader (RFC 8259) for the descriptors of the site datasets (datapackage.json):
/// UTF-8 only (a byte-order mark is skipped), no comments, no trailing commas, no NaN or Infinity, no
/// duplicate member names, at most 64 levels of nesting. A syntax error is one alamod::InputError
/// line `FILE:LINE:COLUMN: invalid JSON: found ..., expected ...` (COLUMN counts bytes from 1).
///
///   const JsonValue doc = read_json_file("data/sites/broadbalk/datapackage.json");
///   const JsonValue* resources = doc.member("resources");
#include <cstddef>
#include <string>
#include <vector>

namespace alamod::engine {

/// One JSON value and where it starts in its file (for messages).
struct JsonValue {
  enum class Type { null, boolean, number, string, array, object };
  Type type = Type::null;
  bool boolean = false;
  double number = 0.0;
  std::string text;                ///< a string's value (UTF-8, escapes resolved)
  std::vector<JsonValue> items;    ///< an array's elements, or an object's member values
  std::vector<std::string> names;  ///< an object's member names, in file order (same index as items)
  int line = 0, column = 0;        ///< 1-based position of the value's first character

  bool is(Type t) const { return type == t; }
  /// An object's member called `name`, or null when absent (or when this is not an object).
  const JsonValue* member(const std::string& name) const;
};

/// "null", "a boolean", "a number", "a string", "an array" or "an object".
const char* json_type_name(JsonValue::Type t);

/// Parse `text`; `file` names it in messages. Throws alamod::InputError (see the header comment).
JsonValue parse_json(const std::string& text, const std::string& file);

/// Largest JSON file read (bytes).
inline constexpr std::size_t kMaxJsonBytes = 16u << 20;

/// Read and parse a file. Throws alamod::InputError when it is missing, not a regular file, larger
/// than kMaxJsonBytes or not valid JSON.
JsonValue read_json_file(const std::string& path);

}  // namespace alamod::engine
