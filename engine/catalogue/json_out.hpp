#pragma once
/// A JSON value built in code and written out (the catalogue's STAC, DCAT and JSON-LD files): objects keep
/// their members in the order they were set, numbers are written as the shortest text that reads back to
/// the same double, strings are escaped per RFC 8259 (UTF-8 kept as is, control bytes as \u00XX).
///
///   Json item = Json::object();
///   item.set("type", "Feature").set("bbox", Json::array({-1.0, 43.0, 7.5, 51.0}));
///   std::string text = item.dump();   // two-space indentation, a newline at the end
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace alamod::engine {

class Json {
 public:
  enum class Type { null, boolean, number, string, array, object };

  Json() = default;                                                  ///< null
  Json(bool b) : type_(Type::boolean), boolean_(b) {}                // NOLINT: implicit on purpose
  Json(double v) : type_(Type::number), number_(v) {}                // NOLINT
  Json(int v) : type_(Type::number), number_(v) {}                   // NOLINT
  Json(const char* s) : type_(Type::string), text_(s) {}             // NOLINT
  Json(std::string s) : type_(Type::string), text_(std::move(s)) {}  // NOLINT

  static Json object() {
    Json j;
    j.type_ = Type::object;
    return j;
  }
  static Json array(std::initializer_list<Json> items = {}) {
    Json j;
    j.type_ = Type::array;
    j.items_.assign(items.begin(), items.end());
    return j;
  }
  /// An array of strings.
  static Json strings(const std::vector<std::string>& items) {
    Json j = array();
    for (const auto& s : items) j.push(s);
    return j;
  }

  /// Sets (or replaces) an object's member (a null becomes an object); returns *this to chain.
  Json& set(const std::string& name, Json value);
  /// Appends to an array; returns *this to chain.
  Json& push(Json value);
  /// An object's member, created as null when absent.
  Json& operator[](const std::string& name);

  Type type() const { return type_; }
  bool empty() const { return items_.empty(); }

  /// The text: `indent` spaces per level (0: one line), a newline at the end when indented.
  std::string dump(int indent = 2) const;

 private:
  void write(std::string& out, int indent, int level) const;

  Type type_ = Type::null;
  bool boolean_ = false;
  double number_ = 0.0;
  std::string text_;
  std::vector<std::string> names_;  ///< an object's member names (same index as items_)
  std::vector<Json> items_;
};

/// `s` as a JSON string literal, quotes included.
std::string json_quote(const std::string& s);

}  // namespace alamod::engine
