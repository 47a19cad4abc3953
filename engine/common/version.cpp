#include "engine/common/version.hpp"

#include <ctime>

namespace alamod::engine {

std::string alamod_version() { return ALAMOD_VERSION; }
std::string alamod_git_commit() { return ALAMOD_GIT_COMMIT; }

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace alamod::engine
