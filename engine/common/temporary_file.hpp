#pragma once
/// Outputs are written under a temporary name beside their target and renamed
/// when complete, so a failure never leaves a half-written file under the final name.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace alamod::engine {

/// Write `content` to a temporary file beside `target` and return its path; on failure remove it and throw
/// std::runtime_error saying which results (`what`, e.g. "RothC results") could not be written.
inline std::filesystem::path write_temporary(const std::filesystem::path& target, const std::string& content,
                                             const std::string& what) {
  const std::filesystem::path tmp = target.parent_path() / ("." + target.filename().string() + "." +
                                                            std::to_string(static_cast<long>(::getpid())) + ".tmp");
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    throw std::runtime_error(tmp.string() + ": cannot write the " + what + " (disk full or no permission?)");
  }
  return tmp;
}

}  // namespace alamod::engine
