// Checkpoints of a grid run and restarts from them. A checkpoint holds the model state of every land cell
// by global land number (any rank count may restart from it); beside it, a snapshot of the output file as
// of that year replaces the working file at a restart.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <sys/stat.h>
#include <limits>
#include <map>
#include <sstream>

#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/provenance.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/grid_run/vegetation_coupling.hpp"
#include "grids/checkpoint_file.hpp"
#include "grids/input_error.hpp"
#include "grids/output_files.hpp"
#include "grids/sha256.hpp"

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

std::string file_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void broadcast(MPI_Comm comm, std::string& s, int root = 0) {
  int len = static_cast<int>(s.size());
  MPI_Bcast(&len, 1, MPI_INT, root, comm);
  s.resize(static_cast<size_t>(len));
  MPI_Bcast(s.data(), len, MPI_CHAR, root, comm);
}

/// The message of the lowest rank whose `local` is not empty, on every rank ("" when none has one).
std::string first_message(MPI_Comm comm, const std::string& local) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int mine = local.empty() ? size : rank, first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) return "";
  std::string message = local;
  broadcast(comm, message, first);
  return message;
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
         grids::is_regular_file(path)) ||
        // checkpoints set aside as damaged by a restart (set_aside_damaged), and their snapshots
        (year_in(name, ckpt, ".nc.damaged") >= 0 && is_ours(path)) ||
        (year_in(name, snap, ".damaged") >= 0 && grids::has_hdf5_signature(path)))
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
  for (auto& [name, values] : state_by_cell()) fields[name] = std::move(values);
  // what a restart verifies: the checksum of the state (the same on any rank count) and of the output
  // snapshot written beside the checkpoint just before it
  std::string snapshot_sha256;
  collectively(comm_, [&] {
    if (rank_ == 0) snapshot_sha256 = grids::sha256_file(output_snapshot(year_done));
  });
  broadcast(comm_, snapshot_sha256);
  const std::string state_sha256 = grids::state_sha256(comm_, slice, fields);
  grids::write_checkpoint(comm_, path, slice, fields,
                          {{"alamod_checkpoint_next_year", std::to_string(year_done + 1)},
                           {"alamod_model", cfg_.model},
                           {"alamod_config_science_sha256", cfg_.science_sha256},
                           {"alamod_output_file", cfg_.output_name},
                           {"alamod_input_sha256", input_sha256_},
                           {"alamod_state_sha256", state_sha256},
                           {"alamod_output_snapshot", file_name(output_snapshot(year_done))},
                           {"alamod_output_snapshot_sha256", snapshot_sha256},
                           {"alamod_version", alamod_version()},
                           {"alamod_mpi_ranks", std::to_string(size_)},
                           {"comment", "alamod restart checkpoint: the " + cfg_.model + " state of every land cell in "
                                       "row-major land order (model units), one variable STATE__CLASS per state "
                                       "variable and land-cover class (0 where the cell has no tile of the class) "
                                       "and the tiles' fractions area_fraction__CLASS, state at the end of the year " +
                                           std::to_string(year_done) + "; alamod_state_sha256: SHA-256 of the "
                                       "state (grids/checkpoint_file.hpp, state_sha256), alamod_output_snapshot_sha256: "
                                       "SHA-256 of the file alamod_output_snapshot (sha256sum)"}});
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
  // the checkpoint --restart names, or with "latest" the newest intact one of this output
  const auto candidates = restart_candidates();
  std::vector<std::string> damaged;  // why each newer checkpoint was passed over
  for (size_t k = 0; k < candidates.size(); ++k) {
    const std::string& path = candidates[k].second;
    int next_year = 0;
    const std::string why = read_checkpoint(path, next_year);
    if (!why.empty()) {
      damaged.push_back(why);
      continue;
    }
    // the output as it was at the checkpoint replaces the working file, which a kill may have damaged
    restore_output_snapshot(next_year - 1, path);
    first_year_index_ = next_year - cfg_.start_year;
    restored_from_ = path;
    if (!damaged.empty()) set_aside_damaged(candidates, k, damaged);
    log("restart from " + path + ": continuing with year " + std::to_string(next_year));
    return;
  }
  std::string all;
  for (const auto& why : damaged) all += (all.empty() ? "" : "; ") + why;
  if (opt_.restart != "latest")
    throw InputError(all + "; restart from another checkpoint (--restart FILE) or start again with --overwrite");
  throw InputError(opt_.out_dir + ": no intact checkpoint to restart from: " + all + "; start again with --overwrite");
}

std::vector<std::pair<int, std::string>> GridRun::restart_candidates() const {
  if (opt_.restart != "latest") return {{-1, opt_.restart}};
  std::vector<int> years;
  if (rank_ == 0) years = checkpoint_years();
  int n = static_cast<int>(years.size());
  MPI_Bcast(&n, 1, MPI_INT, 0, comm_);
  years.resize(static_cast<size_t>(n));
  MPI_Bcast(years.data(), n, MPI_INT, 0, comm_);
  if (years.empty())
    throw InputError(opt_.out_dir + ": no " + output_stem(cfg_.output_name) +
                     ".checkpoint_YEAR.nc to restart from (run without --restart)");
  std::vector<std::pair<int, std::string>> newest_first;
  for (auto y = years.rbegin(); y != years.rend(); ++y) newest_first.emplace_back(*y, checkpoint_path(*y));
  return newest_first;
}

std::string GridRun::read_checkpoint(const std::string& path, int& next_year) {
  std::map<std::string, std::vector<double>> f;
  std::map<std::string, std::string> attrs;
  grids::CheckpointSlice slice{partition_->land_cells(), partition_->first_land(rank_),
                               partition_->owned_count(rank_)};
  std::string damage;
  collectively(comm_, [&] {
    const std::vector<std::string> names = state_by_cell_names();
    try {
      grids::read_checkpoint(comm_, path, slice, names, f, attrs,
                             [&](const std::map<std::string, std::string>& a) { check_checkpoint_identity(path, a); });
    } catch (const grids::DamagedCheckpoint& e) {
      damage = e.what();
    }
  });
  if (damage = first_message(comm_, damage); !damage.empty()) return damage;
  const auto state_sum = attrs.find("alamod_state_sha256");
  if (state_sum != attrs.end()) {
    const std::string now = grids::state_sha256(comm_, slice, f);
    if (now != state_sum->second)
      return path + ": the checkpoint is damaged: its state does not match the SHA-256 checksum it records (" +
             state_sum->second.substr(0, 16) + "..., the state read now gives " + now.substr(0, 16) + "...)";
  }
  next_year = std::atoi(attrs["alamod_checkpoint_next_year"].c_str());
  if (next_year <= cfg_.start_year || next_year > cfg_.end_year)
    throw InputError(path + ": its next year " + std::to_string(next_year) + " is outside this run's " +
                     std::to_string(cfg_.start_year) + "-" + std::to_string(cfg_.end_year));
  const std::string snapshot = output_snapshot(next_year - 1);
  const auto snapshot_sum = attrs.find("alamod_output_snapshot_sha256");
  std::string snapshot_damage;
  if (rank_ == 0) {
    struct stat st {};
    if (stat(snapshot.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      snapshot_damage = path + ": the checkpoint's output snapshot " + snapshot + " is missing (damaged checkpoint)";
    } else if (snapshot_sum != attrs.end()) {
      try {
        if (grids::sha256_file(snapshot) != snapshot_sum->second)
          snapshot_damage = path + ": the checkpoint's output snapshot " + snapshot +
                            " is damaged: it does not match the SHA-256 checksum recorded in the checkpoint";
      } catch (const InputError& e) {
        snapshot_damage = path + ": the checkpoint's output snapshot cannot be read (damaged): " + e.what();
      }
    }
  }
  if (snapshot_damage = first_message(comm_, snapshot_damage); !snapshot_damage.empty()) return snapshot_damage;
  if (state_sum == attrs.end() || snapshot_sum == attrs.end())
    log("note: " + path + " records no checksums (written by an earlier alamod): its state and output snapshot "
        "are not verified");
  restored_input_sha256_ = attrs["alamod_input_sha256"];
  collectively(comm_, [&] {
    check_restored_fractions(path, f);
    restore_state_by_cell(f);
  });
  check_restored_state(path);
  return "";
}

void GridRun::check_restored_fractions(const std::string& path,
                                       const std::map<std::string, std::vector<double>>& fields) const {
  // the land-cover fractions of each cell: each 0 to 1, summing to 1 (a checksum that matches does not say so)
  const size_t nk = cfg_.land_uses.size();
  for (size_t c = 0; c < cells_.size(); ++c) {
    double sum = 0.0;
    for (size_t k = 0; k < nk; ++k) {
      const std::string name = "area_fraction__" + cfg_.land_uses[k].name;
      const double v = fields.at(name)[c];
      if (!(v >= 0.0 && v <= 1.0))
        throw InputError(path + ": the checkpoint's variable '" + name + "' is " + short_number(v) + " at land " +
                         cfg_.grid.describe_cell(cells_[c]) + ", expected an area fraction from 0 to 1; restart from "
                         "another checkpoint (--restart FILE) or start again with --overwrite");
      sum += v;
    }
    if (std::fabs(sum - 1.0) > 1e-6)
      throw InputError(path + ": the checkpoint's area fractions of land " + cfg_.grid.describe_cell(cells_[c]) +
                       " sum to " + short_number(sum) + ", expected 1; restart from another checkpoint (--restart FILE) "
                       "or start again with --overwrite");
  }
}

void GridRun::check_checkpoint_identity(const std::string& path, const std::map<std::string, std::string>& attrs) const {
  const auto model = attrs.find("alamod_model");
  if (model != attrs.end() && model->second != cfg_.model)
    throw InputError(path + ": the checkpoint is of a run of the model " + model->second + ", this run's model is " +
                     cfg_.model + "; restart with the configuration that wrote it, or start again with --overwrite");
  const auto science = attrs.find("alamod_config_science_sha256");
  if (science == attrs.end())
    throw InputError(path + ": not an alamod checkpoint (no alamod_config_science_sha256 attribute)");
  if (science->second != cfg_.science_sha256)
    throw InputError(path + ": the checkpoint was made with another configuration (sha256 " +
                     science->second.substr(0, 16) + "... in the checkpoint, " + cfg_.science_sha256.substr(0, 16) +
                     "... for this run); restart with the same file and --set options");
}

void GridRun::check_restored_state(const std::string& path) {
  // a checkpoint whose checksums match may still hold what no run should continue from
  collectively(comm_, [&] {
    const std::string advice = "; restart from another checkpoint (--restart FILE) or start again with --overwrite";
    // (per tile: the checkpoint's variable of a value is NAME__CLASS, CLASS the tile's class)
    auto variable = [&](const std::string& name, size_t t) {
      return name + "__" + cfg_.land_uses[static_cast<size_t>(tiles_.cls[t])].name;
    };
    for (const auto& [name, values] : model_->state())
      for (size_t i = 0; i < values->size(); ++i)
        if (!std::isfinite((*values)[i]))
          throw InputError(path + ": the checkpoint's variable '" + variable(name, i) + "' is " +
                           short_number((*values)[i]) + " at land " + describe_tile(i) + ", expected a finite number" +
                           advice);
    model_->pools(tile_pools_);
    const auto names = model_->pool_names();
    for (size_t k = 0; k < tile_pools_.size(); ++k)
      for (size_t i = 0; i < tile_pools_[k].size(); ++i)
        if (!(tile_pools_[k][i] >= 0.0)) {
          std::string held;  // the checkpoint's variable that holds this value, where one does
          for (const auto& [name, values] : model_->state())
            if ((*values)[i] == tile_pools_[k][i] && held.empty())
              held = " (checkpoint variable '" + variable(name, i) + "')";
          throw InputError(path + ": the restored pool " + (k < names.size() ? names[k] : std::to_string(k)) +
                           " is negative (" + short_number(tile_pools_[k][i]) + " t ha-1) at land " +
                           describe_tile(i) + held + ", expected a non-negative stock" + advice);
        }
  });
}

std::vector<std::pair<std::string, std::vector<double>*>> GridRun::run_state() {
  auto s = model_->state();
  if (vegetation_)
    for (auto& v : vegetation_->state()) s.push_back(v);
  return s;
}

std::vector<std::string> GridRun::state_by_cell_names() {
  std::vector<std::string> names;
  for (const auto& u : cfg_.land_uses) names.push_back("area_fraction__" + u.name);
  for (const auto& kv : run_state())
    for (const auto& u : cfg_.land_uses) names.push_back(kv.first + "__" + u.name);
  return names;
}

std::vector<std::pair<std::string, std::vector<double>>> GridRun::state_by_cell() {
  std::vector<std::pair<std::string, std::vector<double>>> out;
  for (size_t k = 0; k < tiles_.classes(); ++k)
    out.emplace_back("area_fraction__" + cfg_.land_uses[k].name, tiles_.fraction[k]);
  std::vector<std::vector<double>> slots;
  for (const auto& [name, values] : run_state()) {
    tiles_.to_slots(*values, slots);
    for (size_t k = 0; k < slots.size(); ++k) out.emplace_back(name + "__" + cfg_.land_uses[k].name, std::move(slots[k]));
  }
  return out;
}

void GridRun::restore_state_by_cell(std::map<std::string, std::vector<double>>& fields) {
  const size_t nk = cfg_.land_uses.size();
  for (size_t k = 0; k < nk; ++k) tiles_.fraction[k] = std::move(fields.at("area_fraction__" + cfg_.land_uses[k].name));
  build_tiles();  // the model's per-tile constants; its state is set below
  std::vector<std::vector<double>> slots(nk);
  for (const auto& [name, values] : run_state()) {
    for (size_t k = 0; k < nk; ++k) slots[k] = std::move(fields.at(name + "__" + cfg_.land_uses[k].name));
    tiles_.from_slots(slots, *values);
  }
  model_->state_restored();
}

void GridRun::set_aside_damaged(const std::vector<std::pair<int, std::string>>& candidates, size_t restored,
                                const std::vector<std::string>& damaged) const {
  // the damaged checkpoints are newer than the one restored: the run writes them again as it goes on
  std::string kept;
  if (rank_ == 0)
    for (size_t k = 0; k < restored; ++k) {
      const std::string& path = candidates[k].second;
      if (std::rename(path.c_str(), (path + ".damaged").c_str()) == 0) kept += (kept.empty() ? "" : ", ") + path + ".damaged";
      const std::string snapshot = output_snapshot(candidates[k].first);
      std::rename(snapshot.c_str(), (snapshot + ".damaged").c_str());
    }
  if (rank_ != 0) return;
  std::string why;
  for (const auto& w : damaged) why += (why.empty() ? "" : "; ") + w;
  std::fprintf(stderr, "alamod: warning: %s; restarting from the newest intact checkpoint %s%s\n", why.c_str(),
               candidates[restored].second.c_str(),
               kept.empty() ? "" : (" (the damaged one is kept as " + kept + " until the run completes)").c_str());
  std::fflush(stderr);
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
  // the key that names a file, where it is a scenario's or the spin-up's (the run's own keys need no telling)
  auto role = [this](const std::string& f) -> std::string {
    if (f == cfg_.spinup_climate) return " (key spinup.climate)";
    if (f == cfg_.spinup_land_cover_map) return " (key spinup.land_cover_map)";
    for (const auto& s : cfg_.scenarios.scenarios) {
      const std::string who = " (scenario " + s.name + ", key ";
      if (f == s.climate) return who + "climate)";
      if (f == s.luc_rates) return who + "land_use_change_rates)";
      if (f == s.luc_maps) return who + "land_use_change_maps)";
      for (const auto& i : s.interventions) {
        if (f == i.mask) return who + "mask)";
        if (f == i.adoption_raster) return who + "adoption_raster)";
      }
    }
    for (const auto& s : cfg_.scenarios.scenarios) {
      if (s.luc_maps.empty()) continue;
      RunConfig c = cfg_;
      c.luc_maps = s.luc_maps;
      c.start_year = std::numeric_limits<int>::min() / 2;
      c.end_year = std::numeric_limits<int>::max() / 2;
      try {
        for (const auto& m : read_luc_maps(c))
          if (f == m.path) return " (a map of scenario " + s.name + "'s land_use_change_maps)";
      } catch (const InputError&) {
      }
    }
    return "";
  };
  for (size_t k = 0; k < files.size() && (was >> a) && (now >> b); ++k)
    if (a != b) which += (which.empty() ? "" : ", ") + files[k] + role(files[k]);
  throw InputError(restored_from_ + ": the checkpoint was made from other input files (changed since: " +
                   (which.empty() ? std::string("their list") : which) +
                   "); restart only on the inputs the run started from, or start again with --overwrite");
}

}  // namespace alamod::engine
