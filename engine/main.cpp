// alamod: soil and vegetation carbon from one site to the whole of France.
//
//   alamod --help                     what alamod does and its subcommands
//   mpiexec -n 2 alamod run configs/france_default.toml --out results/france
//   alamod rothc --official-input RothC_input.dat --out results/rothc
//   alamod models show rothc
//
// main() only sets up the parallel environment and hands over to the command line.
#include "engine/cli.hpp"
#include "engine/session.hpp"

int main(int argc, char** argv) {
  alamod::engine::MpiSession mpi(argc, argv);  // first in, last out
  return alamod::engine::run_command_line(argc, argv, mpi.rank());
}
