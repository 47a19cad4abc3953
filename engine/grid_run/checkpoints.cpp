// Checkpoints of a grid run and restarts from them. A checkpoint holds the model state of every land cell
// by global land number (any rank count may restart from it); beside it, a snapshot of the output file as
// of that year replaces the working file at a restart.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <sys/stat.h>
#include <map>
#include <sstream>

#include "engine/common/collective.hpp"
#include "engine/common/provenance.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "grids/checkpoint_file.hpp"
#include "grids/input_error.hpp"
#include "grids/output_files.hpp"

namespace alamod::engine {

namespace {

std::string output_stem(const std::string& name) {
  const auto dot = name.rfind('.');
  return dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
}

/// The year of `file` when it is `prefix` + digits + `suffix`, else -1.
int year_in(const std::string& file, const std::string& prefix, const std::string& suffix) {
  if (file.size() <= prefix.size() + suffix.size() || file.compare(0, prefix.size(), prefix) != 0 ||
      file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
    return -1;
  const std::string digits = file.substr(prefix.size(), file.size() - prefix.size() - suffix.size());
  if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::atoi(digits.c_str());
}

std::vector<std::string> folder_entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d)) names.emplace_back(e->d_name);
    closedir(d);
  }
  return names;
}

}  // namespace

std::string GridRun::output_snapshot(int year) const {
  return opt_.out_dir + "/." + cfg_.output_name + ".checkpoint_" + std::to_string(year);
}

std::string GridRun::checkpoint_path(int year) const {
  return opt_.out_dir + "/" + output_stem(cfg_.output_name) + ".checkpoint_" + std::to_string(year) + ".nc";
}

std::vector<int> GridRun::checkpoint_years() const {
  // recognised by their content, not their name: a look-alike file is neither listed nor removed
  std::vector<int> years;
  const std::string prefix = output_stem(cfg_.output_name) + ".checkpoint_";
  for (const auto& name : folder_entries(opt_.out_dir))
    if (const int y = year_in(name, prefix, ".nc"); y >= 0 && is_ours(checkpoint_path(y))) years.push_back(y);
  std::sort(years.begin(), years.end());
  return years;
}

bool GridRun::is_ours(const std::string& checkpoint) const {
  const auto kind = grids::classify_checkpoint(checkpoint, cfg_.output_name);
  return kind == grids::CheckpointKind::checkpoint || kind == grids::CheckpointKind::damaged;
}

std::string GridRun::latest_checkpoint() const {
  const auto years = checkpoint_years();
  return years.empty() ? std::string() : checkpoint_path(years.back());
}

void GridRun::remove_checkpoints() const {
  // this output's checkpoints (by content), their snapshots of the output (NetCDF-4 files) and the
  // temporary files of either (regular files under alamod's temporary names; the output's lock is held)
  for (const int y : checkpoint_years()) std::remove(checkpoint_path(y).c_str());
  const std::string ckpt = output_stem(cfg_.output_name) + ".checkpoint_";
  const std::string snap = "." + cfg_.output_name + ".checkpoint_";
  for (const auto& name : folder_entries(opt_.out_dir)) {
    const std::string path = opt_.out_dir + "/" + name;
    if ((year_in(name, snap, "") >= 0 && grids::has_hdf5_signature(path)) ||
        ((year_in(name, ckpt, ".nc.incomplete") >= 0 || year_in(name, snap, ".incomplete") >= 0) &&
         grids::is_regular_file(path)))
      std::remove(path.c_str());
  }
}

void GridRun::check_temporary_names() const {
  const std::string ckpt = output_stem(cfg_.output_name) + ".checkpoint_";
  const std::string snap = "." + cfg_.output_name + ".checkpoint_";
  const std::string tmp = "." + cfg_.output_name + ".incomplete";
  for (const auto& name : folder_entries(opt_.out_dir)) {
    if (name != tmp && year_in(name, ckpt, ".nc.incomplete") < 0 && year_in(name, snap, ".incomplete") < 0) continue;
    const std::string path = opt_.out_dir + "/" + name;
    struct stat st {};
    if (lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
      throw InputError(path + ": alamod writes its temporary files under this name, but " +
                       grids::file_kind(st.st_mode) + " is there; alamod never writes through it: remove it, or "
                       "choose another --out");
  }
}

void GridRun::write_checkpoint(int year_done) {
  const std::string path = checkpoint_path(year_done);
  grids::CheckpointSlice slice{partition_->land_cells(), partition_->first_land(rank_),
                               partition_->owned_count(rank_)};
  std::map<std::string, std::vector<double>> fields;
  for (const auto& [name, values] : model_->state()) fields[name] = *values;
  grids::write_checkpoint(comm_, path, slice, fields,
                          {{"alamod_checkpoint_next_year", std::to_string(year_done + 1)},
                           {"alamod_config_science_sha256", cfg_.science_sha256},
                           {"alamod_output_file", cfg_.output_name},
                           {"alamod_input_sha256", input_sha256_},
                           {"alamod_version", alamod_version()},
                           {"alamod_mpi_ranks", std::to_string(size_)},
                           {"comment", "alamod restart checkpoint: the " + cfg_.model + " state of every land cell in "
                                       "row-major land order (model units), state at the end of the year " +
                                           std::to_string(year_done)}});
  // keep this output's two newest checkpoints
  if (rank_ == 0) {
    const auto years = checkpoint_years();
    for (size_t k = 0; k + 2 < years.size(); ++k) {
      std::remove(checkpoint_path(years[k]).c_str());
      if (grids::has_hdf5_signature(output_snapshot(years[k]))) std::remove(output_snapshot(years[k]).c_str());
    }
  }
  log("checkpoint " + path + " (state at the end of " + std::to_string(year_done) + ")");
}

void GridRun::restore_checkpoint() {
  const std::string path = restart_path();
  const int next_year = read_checkpoint(path);
  // the output as it was at the checkpoint replaces the working file, which a kill may have damaged
  restore_output_snapshot(next_year - 1, path);
  first_year_index_ = next_year - cfg_.start_year;
  restored_from_ = path;
  log("restart from " + path + ": continuing with year " + std::to_string(next_year));
}

std::string GridRun::restart_path() const {
  std::string path = opt_.restart;
  if (path != "latest") return path;
  if (rank_ == 0) path = latest_checkpoint();
  int len = static_cast<int>(path.size());
  MPI_Bcast(&len, 1, MPI_INT, 0, comm_);
  path.resize(static_cast<size_t>(len));
  MPI_Bcast(path.data(), len, MPI_CHAR, 0, comm_);
  if (path.empty())
    throw InputError(opt_.out_dir + ": no " + output_stem(cfg_.output_name) +
                     ".checkpoint_YEAR.nc to restart from (run without --restart)");
  return path;
}

int GridRun::read_checkpoint(const std::string& path) {
  std::map<std::string, std::vector<double>> f;
  std::map<std::string, std::string> attrs;
  grids::CheckpointSlice slice{partition_->land_cells(), partition_->first_land(rank_),
                               partition_->owned_count(rank_)};
  collectively(comm_, [&] {
    std::vector<std::string> names;
    for (const auto& kv : model_->state()) names.push_back(kv.first);
    grids::read_checkpoint(comm_, path, slice, names, f, attrs);
    if (attrs["alamod_config_science_sha256"] != cfg_.science_sha256)
      throw InputError(path + ": the checkpoint was made with another configuration (sha256 " +
                       attrs["alamod_config_science_sha256"].substr(0, 16) + "... vs " +
                       cfg_.science_sha256.substr(0, 16) + "...); restart with the same file and --set options");
    restored_input_sha256_ = attrs["alamod_input_sha256"];
  });
  const int next_year = std::atoi(attrs["alamod_checkpoint_next_year"].c_str());
  if (next_year <= cfg_.start_year || next_year > cfg_.end_year)
    throw InputError(path + ": its next year " + std::to_string(next_year) + " is outside this run's " +
                     std::to_string(cfg_.start_year) + "-" + std::to_string(cfg_.end_year));
  for (const auto& [name, values] : model_->state()) *values = f[name];
  model_->state_restored();
  return next_year;
}

void GridRun::restore_output_snapshot(int year_done, const std::string& checkpoint) const {
  collectively(comm_, [&] {
    if (rank_ != 0) return;
    const std::string snap = output_snapshot(year_done);
    const std::string tmp = temporary_path();
    // the working file is replaced, never written through: a link there is refused
    grids::clear_temporary(tmp);
    int error_number = 0;
    try {
      grids::copy_file_exclusive(snap, tmp, error_number);
    } catch (const std::runtime_error& e) {
      throw InputError(snap + ": the output snapshot of checkpoint " + checkpoint + " cannot be restored (" +
                       e.what() + "); start again without --restart");
    }
  });
}

void GridRun::check_inputs_unchanged() const {
  // the configuration names files, whose contents may have changed since the run started
  if (restored_input_sha256_.empty() || restored_input_sha256_ == input_sha256_) return;
  const std::vector<std::string> files = input_files();
  std::string which;
  std::istringstream was(restored_input_sha256_), now(input_sha256_);
  std::string a, b;
  for (size_t k = 0; k < files.size() && (was >> a) && (now >> b); ++k)
    if (a != b) which += (which.empty() ? "" : ", ") + files[k];
  throw InputError(restored_from_ + ": the checkpoint was made from other input files (changed since: " +
                   (which.empty() ? std::string("their list") : which) +
                   "); restart only on the inputs the run started from, or start again with --overwrite");
}

}  // namespace alamod::engine
