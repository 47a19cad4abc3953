// The phases of a run with scenarios (docs/SCENARIOS.md): the spin-up and the years before [scenarios]
// branch_year are computed once into DIR/historical.nc; the state at the branch (the model's state, the tiles'
// fractions) is kept in memory and every scenario, the baseline first, runs from it to run.end_year into
// DIR/NAME.nc, with its interventions (an InputChange per tile and year), its climate and its land-use change.
// Cells move between ranks in the forward phases as in the historical years (rebalance.cpp): they carry the state at
// the branch, so the next scenario starts from it wherever each cell is.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <sstream>

#include "decomposition/row_io_layout.hpp"
#include "engine/climate/delta.hpp"
#include "engine/common/atomic_file.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/csv_line.hpp"
#include "engine/common/number_format.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/grid_run/model_comparison.hpp"
#include "engine/grid_run/output_lock.hpp"
#include "engine/scenario/interventions.hpp"
#include "engine/totals/output_reader.hpp"
#include "engine/totals/run_totals.hpp"
#include "engine/totals/scenario_report.hpp"
#include "engine/totals/totals_files.hpp"
#include "grids/cf_writer.hpp"
#include "grids/input_error.hpp"
#include "grids/lon_lat.hpp"
#include "grids/output_files.hpp"
#include "models/common/pet.hpp"

namespace alamod::engine {

namespace {
/// Collective: rank 0's answer on every rank.
bool rank0_says(MPI_Comm comm, const std::function<bool()>& question) {
  int rank = 0, yes = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) yes = question() ? 1 : 0;
  MPI_Bcast(&yes, 1, MPI_INT, 0, comm);
  return yes != 0;
}
}  // namespace


std::vector<char> scenario_luc_receivers(const RunConfig& cfg) {
  std::vector<char> any(cfg.land_uses.size(), 0);
  for (const auto& s : cfg.scenarios.scenarios) {
    if (!s.luc_maps.empty()) any.assign(any.size(), 1);  // maps: any class may gain anywhere
    if (s.luc_rates.empty()) continue;
    RunConfig c = cfg;
    c.luc_rates = s.luc_rates;
    const auto r = luc_receivers(c, read_luc_rules(c));
    for (size_t k = 0; k < any.size(); ++k) any[k] = any[k] || r[k];
  }
  return any;
}

void GridRun::check_scenario_outputs() {
  const std::string keep = cfg_.output_name;
  for (const auto& s : cfg_.scenarios.scenarios) {
    cfg_.output_name = s.name + ".nc";
    check_output_folder();
  }
  cfg_.output_name = keep;
  check_output_folder();  // the historical output's lock, held during its phase
}

void GridRun::keep_branch_state() {
  branch_ = std::make_unique<BranchState>();
  for (auto& [name, values] : state_by_cell()) branch_->fields[name] = std::move(values);
  branch_->luc_rules = luc_rules_;
  branch_->luc_applies = luc_applies_;
  branch_->luc_map_moves = luc_map_moves_;
}

void GridRun::restore_branch_state() {
  // as a restart restores a checkpoint: the fractions, the tiles from them, then the model's state
  std::map<std::string, std::vector<double>> fields = branch_->fields;
  model_->set_input_change(InputChange{});
  restore_state_by_cell(fields);
}

int GridRun::phase_state(const std::string& output_name) const {
  int state = 0;
  if (rank_ == 0) state = output_state(opt_.out_dir, output_name);
  MPI_Bcast(&state, 1, MPI_INT, 0, comm_);
  return state;
}

void GridRun::run_scenarios() {
  const auto& set = cfg_.scenarios;
  const int first = cfg_.start_year, last = cfg_.end_year, branch = set.branch_year;
  spinup_first_year_ = cfg_.spinup_start();
  std::string names;
  for (const auto& s : set.scenarios) names += (names.empty() ? "" : ", ") + s.name;
  shared_note_ = "spin-up and " + std::to_string(first) + (branch - 1 > first ? "-" + std::to_string(branch - 1) : "") +
                 " computed once, shared by " + std::to_string(set.scenarios.size()) + " scenario(s) (" + names + ")";
  log("scenarios: " + names + " from " + std::to_string(branch) + " to " + std::to_string(last) + "; " + shared_note_);
  // a model that cannot take the interventions is refused before anything is computed
  bool interventions = false;
  for (const auto& s : set.scenarios) interventions = interventions || !s.interventions.empty();
  if (interventions) {
    InputChange probe;
    probe.plant_factor.assign(tiles_.tiles(), 1.0);
    apply_change(probe, "the scenarios");
    model_->set_input_change(InputChange{});
  }
  // every scenario's interventions on the tiles, before anything is computed: an area target larger than the
  // eligible area is refused here
  plans_.clear();
  for (const auto& s : set.scenarios)
    plans_.push_back(s.interventions.empty() ? nullptr
                                             : std::make_unique<scenario::InterventionPlan>(
                                                   comm_, cfg_, s, scenario::TileView{&cells_, &tiles_.cls,
                                                                                      &tiles_.cell, &tiles_.fraction}));
  // every scenario's climate file, opened and checked for its variables and years
  forcings_.clear();
  for (const auto& s : set.scenarios) {
    forcings_.emplace_back();
    if (s.climate.empty()) continue;
    collectively(comm_, [&] {
      forcings_.back() = std::make_unique<grids::MonthlyForcing>(
          s.climate, cfg_.grid, cells_,
          std::vector<grids::ForcingVariable>{{cfg_.var_tas, grids::ForcingQuantity::temperature},
                                              {cfg_.var_pr, grids::ForcingQuantity::precipitation},
                                              {cfg_.var_pet, grids::ForcingQuantity::water_amount}});
      if (const std::string month = forcings_.back()->first_missing_month(branch, last); !month.empty())
        throw InputError(s.climate + ": scenario " + s.name + ": key climate: the time axis has no value for " + month +
                         " (it holds " + forcings_.back()->time_span() + "), but the scenario needs every month of " +
                         std::to_string(branch) + "-" + std::to_string(last));
    });
    forcings_.back().reset();  // opened again on the cells of its phase (cells move in the historical years)
  }
  std::vector<std::string> phases = {"historical"};
  // the years before the branch, once; a restart continues them, or reads the state at the branch they left
  phase_ = "historical";
  cfg_.end_year = branch - 1;
  const double t0 = MPI_Wtime();
  const bool restart = !opt_.restart.empty();
  // the historical phase's checkpoints: the state at the branch (its last year), or an unfinished phase's
  int newest = -1;
  if (restart && rank_ == 0) {
    const auto years = checkpoint_years();
    if (!years.empty()) newest = years.back();
  }
  MPI_Bcast(&newest, 1, MPI_INT, 0, comm_);
  const int historical = restart ? phase_state(cfg_.output_name) : 0;
  if (newest == branch - 1 || historical == 2) {
    read_branch_checkpoint();
  } else {
    if (restart && historical == 0) {  // nothing of the historical years yet: from the spin-up
      opt_.restart.clear();
      check_output_folder();
      spin_up();
    } else if (restart) {
      check_output_folder();
      restore_checkpoint();
    }
    if (cfg_.totals) {
      const std::string dir = opt_.out_dir + "/historical";
      grids::on_rank0(comm_, [&] { create_output_folder(dir); });
      totals_ = std::make_unique<RunTotals>(comm_, cfg_, dir, *partition_, cells_, tiles_.fraction);
      totals_->set_silent(opt_.silent);
    }
    simulate();
    write_branch_checkpoint();
    // the scenarios' files of an earlier run in this folder belong to another state at the branch: removed
    const std::string keep = cfg_.output_name;
    if (rank_ == 0)
      for (const auto& s : set.scenarios) {
        cfg_.output_name = s.name + ".nc";
        remove_checkpoints();
        std::remove((opt_.out_dir + "/" + cfg_.output_name).c_str());
      }
    cfg_.output_name = keep;
    log("historical " + std::to_string(first) + "-" + std::to_string(branch - 1) + " done in " +
        format_number("%.2f", MPI_Wtime() - t0) + " s; the state at 1 January " + std::to_string(branch) +
        " is kept for every scenario");
  }
  carry_spin_up_result();
  keep_branch_state();
  cfg_.start_year = branch;
  cfg_.end_year = last;
  for (size_t k = 0; k < set.scenarios.size(); ++k) {
    const auto& s = set.scenarios[k];
    const double t = MPI_Wtime();
    plans_[k].reset();  // made again on the tiles of the branch (a restart may have indexed them anew)
    const int state = restart ? phase_state(s.name + ".nc") : 0;
    if (state == 2) {
      log("scenario " + s.name + ": complete, kept (" + opt_.out_dir + "/" + s.name + ".nc)");
      phases.push_back(s.name);
      continue;
    }
    run_scenario(s, state == 1);
    phases.push_back(s.name);
    log("scenario " + s.name + " " + std::to_string(branch) + "-" + std::to_string(last) + " done in " +
        format_number("%.2f", MPI_Wtime() - t) + " s");
  }
  scenario_ = nullptr;
  if (cfg_.totals) merge_scenario_totals(phases);
  if (cfg_.totals && cfg_.totals_report)  // DIR/scenarios.html: the scenarios against the baseline
    collectively(comm_, [&] {
      if (rank_ != 0) return;
      write_scenario_comparison(opt_.out_dir, phases, cfg_.gsocseq_maps);
      if (!opt_.quiet) log("wrote " + opt_.out_dir + "/scenarios.html (every scenario against the baseline)");
    });
  // every scenario is complete: the state at the branch is no longer needed
  phase_ = "historical";
  cfg_.output_name = "historical.nc";
  if (rank_ == 0) remove_checkpoints();
}

void GridRun::write_branch_checkpoint() {
  // a checkpoint of historical.nc at its last year (its output snapshot: a copy of the complete file), kept until
  // every scenario is complete: a restart reads the state at the branch from it
  const int year = cfg_.end_year;
  collectively(comm_, [&] {
    if (rank_ != 0) return;
    std::error_code ec;
    std::filesystem::copy_file(out_path_, output_snapshot(year), std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) throw InputError(output_snapshot(year) + ": cannot write the copy of " + out_path_ + " (" + ec.message() + ")");
  });
  write_checkpoint(year);
}

void GridRun::carry_spin_up_result() {
  // a restart after the spin-up: its residual and length per cell, as historical.nc holds them, for every
  // scenario's file
  if (spinup_.residual.size() == cells_.size() && spinup_.cycles.size() == cells_.size()) return;
  const std::string path = opt_.out_dir + "/historical.nc";
  collectively(comm_, [&] {
    spinup_.residual = StockReader(path, "cSoil", "spinup_residual").read_cells(-1, cfg_.grid, cells_);
    spinup_.cycles = StockReader(path, "cSoil", "spinup_iterations").read_cells(-1, cfg_.grid, cells_);
  });
  if (spinup_.method.empty()) {  // the first part of historical.nc's alamod_spinup, as an uninterrupted run has it
    std::string note;
    collectively(comm_, [&] { note = StockReader(path).attribute("alamod_spinup"); });
    spinup_.method = note.substr(0, note.find(';'));
  }
}

void GridRun::read_branch_checkpoint() {
  const int year = cfg_.end_year;  // the last historical year
  const std::string path = checkpoint_path(year);
  if (!rank0_says(comm_, [&] { return grids::is_regular_file(path) && is_ours(path); }))
    throw InputError(path + ": historical.nc is complete but its state at the branch (this checkpoint) is missing; "
                     "start again with --overwrite");
  if (input_sha256_.empty()) hash_inputs();
  cfg_.end_year = year + 1;  // the checkpoint's next year is the branch
  int next = 0;
  const std::string why = read_checkpoint(path, next);
  cfg_.end_year = year;
  if (!why.empty()) throw InputError(why + "; start again with --overwrite");
  restored_from_ = path;  // named when the inputs changed since
  check_inputs_unchanged();
  restored_from_.clear();
  log("restart: historical.nc is complete; the state at 1 January " + std::to_string(year + 1) + " read from " + path);
}

void GridRun::run_scenario(const scenario::Scenario& s, bool resume) {
  restore_branch_state();
  phase_ = s.name;
  scenario_ = &s;
  cfg_.output_name = s.name + ".nc";
  opt_.restart = resume ? "latest" : "";
  check_output_folder();
  first_year_index_ = 0;
  restored_from_.clear();
  if (resume) restore_checkpoint();  // its state, the year it continues with, its output as of then
  output_rows_ = OutputRowSchedule{};
  compute_checks_ = ComputeSchedule{};
  checkpointed_ = false;
  // land-use change: the baseline's transitions, then the scenario's from the branch year
  luc_rules_ = branch_->luc_rules;
  luc_applies_ = branch_->luc_applies;
  luc_map_moves_ = branch_->luc_map_moves;
  if (!s.luc_maps.empty()) {
    // the scenario's class maps from the branch year: the first is the land cover at the branch (the kept state's
    // fractions, also after a restart in the forward period)
    RunConfig c = cfg_;
    c.luc_maps = s.luc_maps;
    std::vector<std::vector<double>> at_branch;
    for (const auto& u : cfg_.land_uses) at_branch.push_back(branch_->fields.at("area_fraction__" + u.name));
    LucMapMoves moves;
    collectively(comm_, [&] { moves = luc_map_moves(c, read_luc_maps(c), cells_, statics_.land_class, at_branch); });
    for (size_t p = 0; p < moves.first_year.size(); ++p) {
      luc_map_moves_.first_year.push_back(moves.first_year[p]);
      luc_map_moves_.last_year.push_back(moves.last_year[p]);
      luc_map_moves_.moved.push_back(std::move(moves.moved[p]));
    }
    if (cfg_.luc_maps.empty()) cfg_.luc_maps = s.luc_maps;  // named in the transitions' messages
  }
  if (!s.luc_rates.empty()) {
    RunConfig c = cfg_;
    c.luc_rates = s.luc_rates;
    std::vector<LucRule> rules;
    std::vector<std::vector<double>> applies;
    collectively(comm_, [&] {
      rules = read_luc_rules(c);
      for (auto& r : rules) r.first_year = std::max(r.first_year, cfg_.start_year);
      rules.erase(std::remove_if(rules.begin(), rules.end(), [](const LucRule& r) { return r.last_year < r.first_year; }),
                  rules.end());
      applies = luc_applies(c, rules, cells_);
    });
    if (cfg_.luc_rates.empty()) cfg_.luc_rates = s.luc_rates;  // named in the transitions' messages
    luc_rules_.insert(luc_rules_.end(), rules.begin(), rules.end());
    luc_applies_.insert(luc_applies_.end(), applies.begin(), applies.end());
  }
  // the interventions on the tiles as they are now (the same tiles a restart indexes from the same fractions)
  plan_.reset();
  if (!s.interventions.empty())
    plan_ = std::make_unique<scenario::InterventionPlan>(
        comm_, cfg_, s, scenario::TileView{&cells_, &tiles_.cls, &tiles_.cell, &tiles_.fraction});
  // the climate from the branch year (opened and checked before the historical years)
  scenario_forcing_ = std::move(forcings_[static_cast<size_t>(&s - cfg_.scenarios.scenarios.data())]);
  if (!scenario_forcing_ && !s.climate.empty()) {
    collectively(comm_, [&] {
      scenario_forcing_ = std::make_unique<grids::MonthlyForcing>(
          s.climate, cfg_.grid, cells_,
          std::vector<grids::ForcingVariable>{{cfg_.var_tas, grids::ForcingQuantity::temperature},
                                              {cfg_.var_pr, grids::ForcingQuantity::precipitation},
                                              {cfg_.var_pet, grids::ForcingQuantity::water_amount}});
      if (const std::string month = scenario_forcing_->first_missing_month(cfg_.start_year, cfg_.end_year);
          !month.empty())
        throw InputError(s.climate + ": scenario " + s.name + ": key climate: the time axis has no value for " + month +
                         " (it holds " + scenario_forcing_->time_span() + "), but the scenario needs every month of " +
                         std::to_string(cfg_.start_year) + "-" + std::to_string(cfg_.end_year));
    });
    scenario_forcing_->set_reading(comm_, cfg_.climate_reading);
  }
  if (!s.climate_delta.empty() && s.climate_delta != "none" && cell_latitude_.size() != cells_.size()) {
    cell_latitude_.assign(cells_.size(), 0.0);
    collectively(comm_, [&] {
      try {
        if (!cells_.empty()) {
          const auto ll = grids::cell_lon_lat(cfg_.grid, cells_.front(), cells_.back() + 1);
          for (size_t i = 0; i < cells_.size(); ++i) cell_latitude_[i] = ll.lat[static_cast<size_t>(cells_[i] - cells_.front())];
        }
      } catch (const std::runtime_error& e) {
        throw InputError(cfg_.path + ": scenario " + s.name + ": key climate_delta: the grid's cells have no latitude "
                         "for Oudin's PET (" + e.what() + ")");
      }
    });
  }
  if (cfg_.totals) {
    const std::string dir = opt_.out_dir + "/" + s.name;
    grids::on_rank0(comm_, [&] { create_output_folder(dir); });
    totals_ = std::make_unique<RunTotals>(comm_, cfg_, dir, *partition_, cells_, tiles_.fraction);
    totals_->set_silent(opt_.silent);
  }
  simulate();
  plan_.reset();
  scenario_change_ = InputChange{};
  scenario_forcing_.reset();
}

void GridRun::apply_scenario_inputs(int year) {
  if (!plan_) return;
  InputChange change;
  plan_->change_for(year, change);
  // with the vegetation's litter as the soil's input, step_year sets the two composed (vegetation_with_scenario)
  if (vegetation_ && cfg_.vegetation.litter_to_soil) scenario_change_ = std::move(change);
  else apply_change(change, "scenario " + phase_);
}

void GridRun::apply_change(const InputChange& change, const std::string& what) {
  collectively(comm_, [&] {
    try {
      model_->set_input_change(change);
    } catch (const InputError&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw InputError(cfg_.path + ": " + what + ": model " + cfg_.model + " cannot apply interventions (" + e.what() +
                       "); run the scenarios with a model that takes them");
    }
  });
}

bool GridRun::climate_delta_active() const {
  return scenario_ && !scenario_->climate_delta.empty() && scenario_->climate_delta != "none";
}

void GridRun::apply_climate_delta(int year) {
  if (!climate_delta_active()) return;
  ClimateDeltaOptions o;
  o.preset = scenario_->climate_delta;
  const double dt = delta_warming(o, year);
  const size_t n = cells_.size();
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int before = 0;
  for (int m = 0; m < 12; ++m) {
    const int days = kDays[m] + (m == 1 && leap ? 1 : 0);
    const double doy = before + 15.0;
    before += days;
    const double dtm = dt * delta_temperature_factor(m + 1);
    const double kp = 1.0 + delta_precipitation_per_degree(m + 1) * dt;
    for (size_t i = 0; i < n; ++i) {
      double& t = climate_[0][static_cast<size_t>(m) * n + i];
      double& p = climate_[1][static_cast<size_t>(m) * n + i];
      double& e = climate_[2][static_cast<size_t>(m) * n + i];
      const double warmed = t + dtm;
      const double ra = models::pet::extraterrestrial_radiation(cell_latitude_[i], doy);
      e = std::max(0.0, e + (models::pet::oudin(ra, warmed) - models::pet::oudin(ra, t)) * days);
      t = warmed;
      p = std::max(p * kp, 0.0);
    }
  }
}

void GridRun::merge_scenario_totals(const std::vector<std::string>& phases) const {
  // every phase's rows with its name in the scenario column; a scenario's gsocseq_rsr_t_ha_yr filled with its
  // density minus the baseline's of the same year, zone and land cover, over the years since the branch
  collectively(comm_, [&] {
    if (rank_ != 0) return;
    std::string out, header;
    std::map<std::string, double> baseline;  // year,kind,code,land_cover -> soc_t_ha
    auto key = [](const std::vector<std::string>& f) { return f[2] + "," + f[3] + "," + f[4] + "," + f[6]; };
    for (const auto& phase : phases) {
      const std::string path = opt_.out_dir + "/" + phase + "/totals.csv";
      std::ifstream in(path);
      if (!in) throw InputError(path + ": cannot be read (the phase " + phase + " wrote no totals)");
      std::string line;
      bool first = true;
      while (std::getline(in, line)) {
        if (first) {
          first = false;
          if (header.empty()) out += line + "\n", header = line;
          continue;
        }
        std::vector<std::string> f = csv_fields(line);
        if (f.size() != 16) throw InputError(path + ": a row without the 16 columns of totals.csv");
        f[0] = phase;
        if (phase == "baseline") baseline[key(f)] = std::strtod(f[9].c_str(), nullptr);
        else if (phase != "historical") {
          const auto b = baseline.find(key(f));
          const double e = std::atoi(f[2].c_str()) - cfg_.scenarios.branch_year + 1.0;
          if (b != baseline.end() && e > 0) f[15] = shortest_number((std::strtod(f[9].c_str(), nullptr) - b->second) / e);
        }
        for (size_t k = 0; k < f.size(); ++k) out += (k ? "," : "") + csv_field(f[k]);
        out += "\n";
      }
    }
    write_output_atomically(opt_.out_dir + "/totals.csv", out);
    if (!opt_.quiet)
      std::printf("wrote %s/totals.csv (the historical years and every scenario, with GSOCseq's relative rate against "
                  "the baseline; each phase's own totals and report in DIR/NAME/)\n",
                  opt_.out_dir.c_str());
  });
}

}  // namespace alamod::engine
