#pragma once
/// The alamod command line: every subcommand and option declared once, with its help text and default
/// (in cli.cpp, the only translation unit that includes CLI11).
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace alamod::engine {

struct Commands;  ///< alamod's subcommands and the values their options received (cli.cpp)

class CommandLine {
 public:
  CommandLine();  ///< declares every subcommand and option
  ~CommandLine();
  CommandLine(const CommandLine&) = delete;
  CommandLine& operator=(const CommandLine&) = delete;

  /// Parses the command line, before MPI starts. Returns the exit code of what is answered without MPI
  /// (printed by the launcher's rank 0 only): 0 after --help, --version, `run --config-help`, `models`
  /// or no command; 1 for an unknown model in `models show`; 2 for a bad command line; `sites validate`
  /// and `sites complete` (run here, on rank 0: 0, 1 or 5, docs/SITES.md). Returns nothing
  /// when the chosen command computes: start MPI and PETSc, then call run().
  std::optional<int> parse(int argc, char** argv);

  /// Whether the parsed command is serial (`rothc`, `amg`, `site`): it runs without MPI or PETSc, on
  /// the launcher's rank 0 (the other ranks return 0), and starts PETSc on demand where it needs it
  /// (engine/common/petsc_on_demand.hpp).
  bool serial() const;

  /// This process's rank as the launcher numbered it (0 without a launcher), before MPI starts.
  static int launcher_rank();

  /// The options meant for PETSc (-log_view, -tao_*...), with their values.
  const std::vector<std::string>& petsc_options() const;

  /// Runs the parsed command on MPI_COMM_WORLD; `rank` is this process's rank there. Returns the exit
  /// code: 0 done, 1 bad input (rank 0 says why), 75 stopped by SIGTERM/SIGINT/SIGUSR1 after writing a
  /// checkpoint. Any other error is thrown, on the ranks that met it only.
  int run(int rank);

 private:
  std::unique_ptr<Commands> commands_;
};

}  // namespace alamod::engine
