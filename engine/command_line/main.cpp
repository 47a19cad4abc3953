// alamod: soil and vegetation carbon from one site to the whole of France.
//
//   alamod --help                     what alamod does and its subcommands
//   mpiexec -n 2 alamod run configs/france_default.toml --out results/france
//   alamod rothc --official-input RothC_input.dat --out results/rothc
//   alamod models show rothc
//
// main() hands over to the command line, which starts MPI for the commands that compute.
#include "engine/command_line/cli.hpp"

int main(int argc, char** argv) { return alamod::engine::run_command_line(argc, argv); }
