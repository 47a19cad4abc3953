// NonlinearSpinup in the light `alamod` executable. The model bindings it links name the SNES spin-up of
// the grid runs (CellGrid::spin_up of Millennial and MIMICS); no command the light executable runs
// constructs one today (`alamod site` cycles a nonlinear model to its equilibrium), but should one do so,
// the command is handed to the engine, which runs it from the start with PETSc
// (engine/spinup/nonlinear_spinup.cpp). A spin-up comes before any output is written, and the site
// commands write through temporaries renamed into place, so nothing would be left half-written.
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "engine/command_line/engine_handover.hpp"
#include "engine/spinup/spinup.hpp"

namespace alamod::engine::spinup {

NonlinearSpinup::NonlinearSpinup(int n, NonlinearOptions /*options*/) : impl_(nullptr) {
  if (n < 1 || n > kMaxPools)
    throw std::invalid_argument("NonlinearSpinup: " + std::to_string(n) + " pools (expected 1.." +
                                std::to_string(kMaxPools) + ")");
  hand_over_to_engine();
  std::exit(3);  // the exec failed (hand_over_to_engine said why)
}

// Never reached: the constructor does not return.
NonlinearSpinup::~NonlinearSpinup() = default;
std::string NonlinearSpinup::method() const { throw std::logic_error("NonlinearSpinup: not in this executable"); }
NonlinearSteadyState NonlinearSpinup::solve(const CycleMap&, const double*) {
  throw std::logic_error("NonlinearSpinup: not in this executable");
}
NonlinearSteadyState NonlinearSpinup::solve(const CycleWithJacobian&, const CycleMap&, const double*) {
  throw std::logic_error("NonlinearSpinup: not in this executable");
}

}  // namespace alamod::engine::spinup
