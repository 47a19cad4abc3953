#include "engine/command_line/engine_handover.hpp"

#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifndef ALAMOD_ENGINE_RELATIVE_DIR
#define ALAMOD_ENGINE_RELATIVE_DIR "../libexec/alamod"
#endif

namespace alamod::engine {

namespace {
char** g_argv = nullptr;
std::string g_engine;
}  // namespace

void remember_command_line(int /*argc*/, char** argv) { g_argv = argv; }

namespace {

/// Where the engine may be, beside this executable first (/proc/self/exe: a symlink to alamod resolved).
std::vector<std::string> engine_candidates() {
  char self[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return {};
  self[n] = '\0';
  std::string dir(self);
  dir.erase(dir.find_last_of('/') + 1);
  return {dir + "alamod-engine", dir + ALAMOD_ENGINE_RELATIVE_DIR "/alamod-engine"};
}

}  // namespace

const char* engine_path() {
  if (!g_engine.empty()) return g_engine.c_str();
  for (const std::string& candidate : engine_candidates())
    if (access(candidate.c_str(), X_OK) == 0) return (g_engine = candidate).c_str();
  return "";
}

void hand_over_to_engine() {
  std::fflush(stdout);
  std::fflush(stderr);
  const char* engine = engine_path();
  if (*engine == '\0') {
    // one that is there but cannot be started is named: the fix is its permissions, not a reinstall
    for (const std::string& candidate : engine_candidates())
      if (access(candidate.c_str(), F_OK) == 0) {
        std::fprintf(stderr, "alamod: internal error: cannot start the engine %s: not executable by this user\n",
                     candidate.c_str());
        return;
      }
    std::fprintf(stderr,
                 "alamod: internal error: the engine (alamod-engine) is neither beside this executable nor in "
                 "%s from it; reinstall alamod\n",
                 ALAMOD_ENGINE_RELATIVE_DIR);
    return;
  }
  execv(engine, g_argv);
  std::fprintf(stderr, "alamod: internal error: cannot start %s: %s\n", engine, std::strerror(errno));
}

}  // namespace alamod::engine
