#pragma once
/// Errors caused by what a user supplied (files, variables, values, config).
/// The message is one line that names the file, the variable and the position
/// (cell, row, line) and says what was expected.
#include <stdexcept>
#include <string>

namespace alamod {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace alamod
