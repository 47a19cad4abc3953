#pragma once
/// Unit strings of the site packages read with UDUNITS-2 (the library CF and the catalogue notes use):
/// a field's `unit` must parse, and a column the site format knows must hold a quantity of its kind
/// (a SOC concentration a mass fraction, a stock a mass per area...). Conversions between convertible
/// units come from UDUNITS too (`alamod sites complete` harmonises %, g kg-1 and g (100 g)-1 this way).
///
///   const Units& u = Units::get();
///   u.parses("t ha-1");                        // true
///   u.convertible("g C kg-1", "1");            // false: UDUNITS reads C as the coulomb
///   u.convert(2.5, "percent", "g kg-1");       // 25
/// Plain C++ over libudunits2; the unit database is the one the library was built with (or
/// UDUNITS2_XML_PATH). Not thread-safe (nothing in alamod calls it from threads).
#include <memory>
#include <string>

namespace alamod::engine {

class Units {
 public:
  /// The unit system, read once. Throws std::runtime_error when the UDUNITS database cannot be read.
  static const Units& get();
  ~Units();

  /// Whether UDUNITS parses `unit` (UTF-8; blanks around it ignored). "" is not a unit.
  bool parses(const std::string& unit) const;
  /// Whether both parse and a value in `from` converts to `to`.
  bool convertible(const std::string& from, const std::string& to) const;
  /// `value` in `from` expressed in `to`. Throws std::invalid_argument when they are not convertible.
  double convert(double value, const std::string& from, const std::string& to) const;
  /// The factor f with value_in_to = f * value_in_from (units without offset). Throws like convert.
  double factor(const std::string& from, const std::string& to) const;

 private:
  Units();
  struct System;
  std::unique_ptr<System> system_;
};

}  // namespace alamod::engine
