// Atomic text outputs (engine/common/atomic_file), and AtomicOutputPath for a library that writes by name: the
// content arrives whole under the final name, no temporary is left behind, a symbolic link or folder at the
// target is refused (and what the link points to is left untouched), and an unwritable folder gives an error
// naming the path and the reason.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/atomic_file.hpp"
#include "tests/unit/test_files.hpp"

namespace fs = std::filesystem;
using alamod::engine::AtomicFileError;
using alamod::engine::AtomicOutputPath;
using alamod::engine::write_file_atomically;
using alamod::engine::write_files_atomically;
using alamod::test::read_file;
using alamod::test::TempDir;
using alamod::test::write_file;

namespace {

/// The names in a folder, sorted.
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// The message and step of the AtomicFileError that f throws ("" if it throws none).
template <class F>
std::pair<std::string, AtomicFileError::Step> error_of(F&& f) {
  try {
    f();
  } catch (const AtomicFileError& e) {
    return {e.what(), e.step()};
  }
  return {"", AtomicFileError::Step::create};
}

/// Root passes every permission check: drop to an unprivileged effective user while alive.
class Unprivileged {
 public:
  Unprivileged() {
    if (::geteuid() != 0) return;
    constexpr uid_t kNobody = 65534;
    dropped_ = ::seteuid(kNobody) == 0;
    failed_ = !dropped_;
  }
  ~Unprivileged() {
    if (dropped_) (void)::seteuid(0);
  }
  bool failed() const { return failed_; }

 private:
  bool dropped_ = false, failed_ = false;
};

TEST(AtomicFile, WritesTheContentAndLeavesNoTemporary) {
  TempDir dir;
  const fs::path target = dir.path() / "metrics.csv";
  const std::string text = "model,site\nrothc,broadbalk\n";
  write_file_atomically(target, text);
  EXPECT_EQ(read_file(target), text);
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"metrics.csv"});
  // mode 0644 less the umask
  const mode_t mask = ::umask(0);
  ::umask(mask);
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);

  // an existing file is replaced whole
  write_file_atomically(target, "short\n");
  EXPECT_EQ(read_file(target), "short\n");
  // an empty text gives an empty file
  write_file_atomically(dir.path() / "empty.txt", "");
  EXPECT_TRUE(fs::is_regular_file(dir.path() / "empty.txt"));
  EXPECT_EQ(fs::file_size(dir.path() / "empty.txt"), 0u);
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"empty.txt", "metrics.csv"}));
}

TEST(AtomicFile, RefusesASymbolicLinkAndLeavesWhatItPointsTo) {
  TempDir dir;
  const fs::path victim = dir.path() / "victim.txt";
  write_file(victim, "precious\n");
  const fs::path target = dir.path() / "out.csv";
  fs::create_symlink(victim, target);
  const auto [message, step] = error_of([&] { write_file_atomically(target, "overwritten\n"); });
  std::printf("  message: %s\n", message.c_str());
  ASSERT_FALSE(message.empty());
  EXPECT_EQ(step, AtomicFileError::Step::commit);
  EXPECT_NE(message.find(target.string()), std::string::npos) << message;
  EXPECT_NE(message.find("symbolic link"), std::string::npos) << message;
  EXPECT_TRUE(fs::is_symlink(target));
  EXPECT_EQ(read_file(victim), "precious\n");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"out.csv", "victim.txt"}));
}

TEST(AtomicFile, RefusesAFolder) {
  TempDir dir;
  const fs::path target = dir.path() / "report.html";
  fs::create_directory(target);
  const auto [message, step] = error_of([&] { write_file_atomically(target, "<html>\n"); });
  ASSERT_FALSE(message.empty());
  EXPECT_EQ(step, AtomicFileError::Step::commit);
  EXPECT_NE(message.find(target.string()), std::string::npos) << message;
  EXPECT_NE(message.find("a folder"), std::string::npos) << message;
  EXPECT_TRUE(fs::is_directory(target));
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"report.html"});
}

TEST(AtomicFile, ReadOnlyFolderGivesAClearErrorAndLeavesNothing) {
  TempDir dir;
  fs::permissions(dir.path(), fs::perms(0755));  // reachable by the unprivileged user below
  const fs::path folder = dir.path() / "read_only";
  fs::create_directory(folder);
  fs::permissions(folder, fs::perms(0555));
  const fs::path target = folder / "out.csv";
  std::pair<std::string, AtomicFileError::Step> error;
  {
    Unprivileged user;
    if (user.failed()) GTEST_SKIP() << "running as root and cannot drop to an unprivileged user";
    error = error_of([&] { write_file_atomically(target, "x\n"); });
  }
  const auto& [message, step] = error;
  std::printf("  message: %s\n", message.c_str());
  ASSERT_FALSE(message.empty());
  EXPECT_EQ(step, AtomicFileError::Step::create);
  EXPECT_NE(message.find(target.string()), std::string::npos) << message;
  EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
  EXPECT_TRUE(names_in(folder).empty());
}

TEST(AtomicFile, MissingFolderNamesThePath) {
  TempDir dir;
  const fs::path target = dir.path() / "no" / "such" / "out.csv";
  const auto [message, step] = error_of([&] { write_file_atomically(target, "x\n"); });
  EXPECT_EQ(step, AtomicFileError::Step::create);
  EXPECT_NE(message.find(target.string()), std::string::npos) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(AtomicFile, SeveralFilesAreCommittedTogether) {
  TempDir dir;
  const fs::path a = dir.path() / "month_results.csv", b = dir.path() / "year_results.csv";
  write_files_atomically({{a, "months\n"}, {b, "years\n"}});
  EXPECT_EQ(read_file(a), "months\n");
  EXPECT_EQ(read_file(b), "years\n");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"month_results.csv", "year_results.csv"}));

  // one target refused: no file changes, no temporary left
  const fs::path victim = dir.path() / "victim.txt";
  write_file(victim, "precious\n");
  fs::remove(b);
  fs::create_symlink(victim, b);
  const auto [message, step] = error_of([&] { write_files_atomically({{a, "new months\n"}, {b, "new years\n"}}); });
  EXPECT_EQ(step, AtomicFileError::Step::commit);
  EXPECT_NE(message.find(b.string()), std::string::npos) << message;
  EXPECT_EQ(read_file(a), "months\n");
  EXPECT_EQ(read_file(victim), "precious\n");
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"month_results.csv", "victim.txt", "year_results.csv"}));
}

// A file a library writes by name (netCDF): the temporary exists, empty, beside the target; written and committed,
// it is renamed into place; abandoned (an error thrown before commit), it is removed and the target kept.
TEST(AtomicFile, OutputPathForALibraryCommitsOrLeavesNothing) {
  TempDir dir;
  const fs::path target = dir.path() / "results.nc";
  {
    AtomicOutputPath out(target);
    EXPECT_EQ(out.temporary().parent_path(), dir.path());
    EXPECT_EQ(out.temporary().filename().string().rfind(".results.nc.", 0), 0u) << out.temporary();
    ASSERT_TRUE(fs::is_regular_file(out.temporary()));
    EXPECT_EQ(fs::file_size(out.temporary()), 0u);
    write_file(out.temporary(), "first\n");  // what the library writes by name
    out.commit();
  }
  EXPECT_EQ(read_file(target), "first\n");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"results.nc"});
  {  // abandoned: the temporary removed, the earlier output whole
    AtomicOutputPath out(target);
    write_file(out.temporary(), "half");
  }
  EXPECT_EQ(read_file(target), "first\n");
  EXPECT_EQ(names_in(dir.path()), std::vector<std::string>{"results.nc"});
  // a folder at the target is refused at commit, the temporary removed
  const fs::path folder = dir.path() / "folder.nc";
  fs::create_directory(folder);
  const auto [message, step] = error_of([&] {
    AtomicOutputPath out(folder);
    write_file(out.temporary(), "x");
    out.commit();
  });
  EXPECT_EQ(step, AtomicFileError::Step::commit);
  EXPECT_NE(message.find("a folder"), std::string::npos) << message;
  EXPECT_EQ(names_in(dir.path()), (std::vector<std::string>{"folder.nc", "results.nc"}));
  // a missing folder: refused at creation, naming the path
  const auto [missing, missing_step] = error_of([&] { AtomicOutputPath out(dir.path() / "no" / "x.nc"); });
  EXPECT_EQ(missing_step, AtomicFileError::Step::create);
  EXPECT_NE(missing.find("x.nc"), std::string::npos) << missing;
}

}  // namespace
