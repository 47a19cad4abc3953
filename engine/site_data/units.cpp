#include "engine/site_data/units.hpp"

#include <udunits2.h>

#include <stdexcept>

namespace alamod::engine {

struct Units::System {
  ut_system* system = nullptr;
  ~System() {
    if (system) ut_free_system(system);
  }
  /// The parsed unit (the caller frees it), or null.
  ut_unit* parse(const std::string& text) const {
    const auto b = text.find_first_not_of(" \t");
    if (b == std::string::npos) return nullptr;
    const auto e = text.find_last_not_of(" \t");
    const std::string t = text.substr(b, e - b + 1);
    return ut_parse(system, t.c_str(), UT_UTF8);
  }
};

namespace {
/// Both units parsed, freed on scope exit.
struct Pair {
  ut_unit* a = nullptr;
  ut_unit* b = nullptr;
  ~Pair() {
    ut_free(a);
    ut_free(b);
  }
};
}  // namespace

Units::Units() : system_(std::make_unique<System>()) {
  ut_set_error_message_handler(ut_ignore);  // messages go to stderr otherwise; the callers say what failed
  system_->system = ut_read_xml(nullptr);
  if (!system_->system)
    throw std::runtime_error("cannot read the UDUNITS-2 unit database (set UDUNITS2_XML_PATH to udunits2.xml)");
}

Units::~Units() = default;

const Units& Units::get() {
  static const Units units;
  return units;
}

bool Units::parses(const std::string& unit) const {
  ut_unit* u = system_->parse(unit);
  const bool ok = u != nullptr;
  ut_free(u);
  return ok;
}

bool Units::convertible(const std::string& from, const std::string& to) const {
  Pair p{system_->parse(from), system_->parse(to)};
  return p.a && p.b && ut_are_convertible(p.a, p.b) != 0;
}

double Units::convert(double value, const std::string& from, const std::string& to) const {
  Pair p{system_->parse(from), system_->parse(to)};
  if (!p.a || !p.b || !ut_are_convertible(p.a, p.b))
    throw std::invalid_argument("'" + from + "' does not convert to '" + to + "'");
  cv_converter* c = ut_get_converter(p.a, p.b);
  const double out = cv_convert_double(c, value);
  cv_free(c);
  return out;
}

double Units::factor(const std::string& from, const std::string& to) const {
  return convert(1.0, from, to) - convert(0.0, from, to);
}

}  // namespace alamod::engine
