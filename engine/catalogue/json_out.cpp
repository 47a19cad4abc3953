#include "engine/catalogue/json_out.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace alamod::engine {

Json& Json::set(const std::string& name, Json value) {
  if (type_ == Type::null) type_ = Type::object;
  if (type_ != Type::object) throw std::logic_error("Json::set on a value that is not an object");
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) {
      items_[i] = std::move(value);
      return *this;
    }
  names_.push_back(name);
  items_.push_back(std::move(value));
  return *this;
}

Json& Json::push(Json value) {
  if (type_ != Type::array) throw std::logic_error("Json::push on a value that is not an array");
  items_.push_back(std::move(value));
  return *this;
}

Json& Json::operator[](const std::string& name) {
  if (type_ == Type::null) type_ = Type::object;
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return items_[i];
  set(name, Json());
  return items_.back();
}

std::string json_quote(const std::string& s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

namespace {

/// The shortest %.Ng text that reads back to the same double (JSON has no NaN: null instead).
std::string number_text(double v) {
  if (!std::isfinite(v)) return "null";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[40];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

}  // namespace

void Json::write(std::string& out, int indent, int level) const {
  const std::string pad = indent ? "\n" + std::string(static_cast<std::size_t>(indent * (level + 1)), ' ') : "";
  const std::string end = indent ? "\n" + std::string(static_cast<std::size_t>(indent * level), ' ') : "";
  switch (type_) {
    case Type::null: out += "null"; break;
    case Type::boolean: out += boolean_ ? "true" : "false"; break;
    case Type::number: out += number_text(number_); break;
    case Type::string: out += json_quote(text_); break;
    case Type::array:
    case Type::object: {
      const bool obj = type_ == Type::object;
      out += obj ? '{' : '[';
      if (items_.empty()) {
        out += obj ? '}' : ']';
        break;
      }
      // short arrays of numbers (bounding boxes, coordinates) on one line
      bool flat = !obj && items_.size() <= 6;
      for (const auto& i : items_) flat = flat && i.type_ == Type::number;
      for (std::size_t i = 0; i < items_.size(); ++i) {
        if (i) out += flat ? ", " : ",";
        if (!flat) out += pad;
        if (obj) out += json_quote(names_[i]) + (indent ? ": " : ":");
        items_[i].write(out, indent, level + 1);
      }
      if (!flat) out += end;
      out += obj ? '}' : ']';
    }
  }
}

std::string Json::dump(int indent) const {
  std::string out;
  write(out, indent, 0);
  if (indent) out += '\n';
  return out;
}

}  // namespace alamod::engine
