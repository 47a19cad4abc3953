// The years of a grid run: from the spin-up's equilibrium (or a checkpoint's state), each year reads its
// climate, steps the model on every owned cell, checks every cell's carbon balance and writes the year
// into the output, in parallel. Between years the I/O rows and the land cells move between ranks towards
// balanced times, and checkpoints are written every N years or when a stop signal arrived.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <emmintrin.h>

#include "decomposition/row_io_layout.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/number_format.hpp"
#include "engine/common/shell_quote.hpp"
#include "engine/grid_run/grid_run.hpp"
#include "engine/grid_run/vegetation_coupling.hpp"
#include "engine/grid_run/zone_variables.hpp"
#include "engine/grid_run/output_watchdog.hpp"
#include "engine/grid_run/phase_timer.hpp"
#include "engine/grid_run/year_checks.hpp"
#include "engine/grid_run/stop_signal.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "engine/model_bindings/valid_range.hpp"
#include "engine/totals/biomass_totals.hpp"
#include "engine/totals/run_totals.hpp"
#include "grids/cf_writer.hpp"
#include "grids/fast_deflate.hpp"
#include "grids/input_error.hpp"
#include "grids/output_files.hpp"

namespace alamod::engine {

void GridRun::simulate() {
  if (input_sha256_.empty()) hash_inputs();  // once, also when the scenarios' phases call simulate() again
  if (!restored_from_.empty()) check_inputs_unchanged();
  const grids::OutputFileSpec spec = describe_output();
  if (size_ > 1) {
    // rank 0 watches the output calls for a full disk; every rank watches the run's progress
    OutputWatchdog::OnStall on_stall;
    if (rank_ == 0) {
      // less room than one year of the largest variable (uncompressed, every pool) is a full disk
      size_t pools = 1;
      for (const auto& v : spec.variables)
        if (v.per_pool) pools = std::max(pools, spec.pools.size());
      output_room_bytes_ =
          8.0 * static_cast<double>(cfg_.grid.nx) * cfg_.grid.ny * static_cast<double>(pools) + 1048576.0;
      on_stall = [this](double seconds, const std::vector<std::string>& temps) { on_output_stall(seconds, temps); };
    }
    watchdog_ = std::make_unique<OutputWatchdog>(3.0, std::move(on_stall), cfg_.stall_limit_seconds,
                                                 [this](double seconds, double limit) { on_no_progress(seconds, limit); });
  }
  try {
    OutputWatchdog::Phase watched(watchdog_.get(), {temporary_path()});
    open_output(spec);
  } catch (const grids::OutputError& e) {
    fail_on_output_error(e);
  }
  start_year_loop();
  if (totals_ && first_year_index_ == 0) {
    // the observed stock of each cell: its classes' observed stocks weighted by their fractions
    std::vector<double> observed(cells_.size(), 0.0);
    for (size_t k = 0; k < tiles_.classes(); ++k)
      for (size_t i = 0; i < cells_.size(); ++i)
        if (tiles_.fraction[k][i] > 0.0) observed[i] += tiles_.fraction[k][i] * tiles_.soc[k][i];
    totals_->start(*partition_, stock_start_, observed, class_stocks());
  }
  try {
    for (int yi = first_year_index_; yi < year_count(); ++yi) {
      const int year = cfg_.start_year + yi;
      if (change_land_use(year)) add_pools(stock_start_);  // the year starts from the transitions' stocks
      read_climate(year);
      if (scenario_) apply_scenario_inputs(year);  // scenario_phases.cpp
      step_year(year);  // checks the carbon balance of every cell
      write_year(yi);
      if (totals_) totals_->add_year(yi, *partition_, stock_end_, class_stocks(), tiles_.fraction);
      balance_compute(yi);
      write_checkpoint_when_due(yi);
      report_progress(yi);
      if (watchdog_) watchdog_->mark_progress();
    }
    finish_output();
  } catch (const StoppedForRestart&) {
    throw;
  } catch (const grids::OutputError& e) {
    // this rank failed in a collective write: the others may wait in it, so no collective close
    fail_on_output_error(e);
  } catch (...) {
    close_output_after_failure();
    if (rank_ == 0) remove_orphan_snapshot(true);
    throw;
  }
  // the run is complete: its checkpoints are no longer needed
  if (rank_ == 0) remove_checkpoints();
  report_output();
  std::vector<double>().swap(grid_buf_);  // the output is complete: the totals' files and maps have the room
  std::vector<double>().swap(io_buf_);
  // biomass in the national totals, read back from the committed output, and in the report beside the soil
  BiomassTotals biomass;
  if (totals_ && vegetation_) {
    biomass = write_biomass_totals(comm_, cfg_, opt_.out_dir, out_path_, cells_);
    log("totals: France's vegetation carbon " + format_number("%.1f", biomass.start_TgC) + " Tg C at the start, " +
        format_number("%.1f", biomass.end_TgC) + " at the end; wrote " + opt_.out_dir + "/biomass_totals.csv");
  }
  if (totals_) totals_->finish(out_path_, first_year_index_, describe_provenance(), vegetation_ ? &biomass.table : nullptr);
  if (watchdog_) watchdog_->stop_progress_watch();
}

// ---- the output file

void GridRun::open_output(const grids::OutputFileSpec& spec) {
  PhaseTimer timer(times_.output);
  lay_out_output_rows();
  leaching_output_ = false;
  tile_output_ = false;
  sealing_output_ = false;
  for (const auto& v : spec.variables) {
    leaching_output_ = leaching_output_ || v.name == "fCarbonLeaching";
    tile_output_ = tile_output_ || v.name == "cSoilTile";
    sealing_output_ = sealing_output_ || v.name == "fCarbonSealing";
  }
  if (first_year_index_ > 0) {
    collectively(comm_, [&] {
      writer_ = std::make_unique<grids::CfWriter>(comm_, spec, io_->io_begin(), io_->io_end(),
                                                  grids::CfWriter::Resume{});
    });
  } else {
    writer_ = std::make_unique<grids::CfWriter>(comm_, spec, io_->io_begin(), io_->io_end());
    write_spin_up_result();
  }
  checkpointed_ = !restored_from_.empty();
}

void GridRun::lay_out_output_rows() {
  // boundaries on chunk rows, placed by an estimate of each row's output cost (compressing a sea
  // cell's fill value costs about half a land cell's value) and refined from the compression time
  // measured on each rank (balance_output_rows)
  const auto& g = cfg_.grid;
  std::vector<double> row_weight(static_cast<size_t>(g.ny), 0.0);
  for (const std::int64_t c : cells_) row_weight[static_cast<size_t>(c / g.nx)] += 1.0;
  MPI_Allreduce(MPI_IN_PLACE, row_weight.data(), g.ny, MPI_DOUBLE, MPI_SUM, comm_);
  for (double& w : row_weight) w += 0.5 * (g.nx - w);
  io_ = std::make_unique<decomposition::RowIoLayout>(*partition_, g.nx, g.ny, comm_, grids::output_chunk_rows(g),
                                                     std::move(row_weight));
}

void GridRun::write_spin_up_result() {
  if (spinup_.residual.size() != cells_.size()) {  // a scenario begun after a restart: the spin-up ran in an earlier job
    spinup_.residual.assign(cells_.size(), std::numeric_limits<double>::quiet_NaN());
    spinup_.cycles.assign(cells_.size(), std::numeric_limits<double>::quiet_NaN());
  }
  writer_->write_static("spinup_residual", to_io_rows(spinup_.residual));
  writer_->write_static("spinup_iterations", to_io_rows(spinup_.cycles));
  std::vector<double> initial;
  add_pools(initial);
  writer_->write_static("cSoilInitial", to_io_rows(initial));
  for (size_t k = 0; k < tiles_.classes(); ++k)
    writer_->write_static(!cfg_.land_use_changes() ? "area_fraction" : "area_fraction_initial", to_io_rows(tiles_.fraction[k]),
                          static_cast<int>(k));
  for (size_t k = 0; k < spinup_fraction_.size(); ++k)
    writer_->write_static("area_fraction_spinup", to_io_rows(spinup_fraction_[k]), static_cast<int>(k));
  if (tile_output_) {
    const auto& by_class = class_stocks();
    for (size_t k = 0; k < by_class.size(); ++k) {
      std::vector<double> v = by_class[k];
      for (size_t i = 0; i < v.size(); ++i)
        if (!(tiles_.fraction[k][i] > 0.0)) v[i] = std::numeric_limits<double>::quiet_NaN();  // no tile
      writer_->write_static("cSoilTileInitial", to_io_rows(v), static_cast<int>(k));
    }
  }
  if (vegetation_) {
    std::vector<double> c_veg;
    std::vector<double> kg = vegetation_->tile_carbon();
    for (double& x : kg) x *= 0.1;  // t C ha-1 -> kg m-2
    tiles_.to_cells(kg, c_veg);
    writer_->write_static("cVegInitial", to_io_rows(c_veg));
    const std::vector<std::string> classes = vegetation_->vegetated_classes();
    for (std::size_t k = 0; k < classes.size(); ++k)
      if (!classes[k].empty())
        writer_->write_static("cVegInitial_" + classes[k], to_io_rows(vegetation_->class_carbon(tiles_, k)));
  }
  writer_->write_static("cell_area", to_io_rows(std::vector<double>(cells_.size(), cfg_.grid.resolution * cfg_.grid.resolution)));
  for (const auto& layer : zone_code_layers(cfg_))
    writer_->write_static(layer.variable.name, to_io_rows(zone_codes_of_cells(cfg_, layer.raster, cells_)));
}

void GridRun::write_year(int yi) {
  PhaseTimer timer(times_.output, phase_events().output);
  OutputWatchdog::Phase watched(watchdog_.get(), {temporary_path()});
  // the multi-layer variables layer by layer, straight into the writer's buffer: one layer of doubles in the
  // I/O rows at a time (io_buf_), not all of them
  const auto io_layer = [this](const std::vector<double>& owned) -> const std::vector<double>& { return to_io_rows(owned); };
  writer_->write_layers("cSoilPools", yi, pools_.size(), [&](size_t k) -> const std::vector<double>& { return io_layer(pools_[k]); });
  writer_->write("cSoil", yi, to_io_rows(stock_end_));
  writer_->write("rh", yi, to_io_rows(fluxes_.rh));
  writer_->write("fCarbonInput", yi, to_io_rows(fluxes_.input));
  if (leaching_output_) writer_->write("fCarbonLeaching", yi, to_io_rows(fluxes_.leaching));
  if (vegetation_) {
    vegetation_->cell_values(cfg_.start_year + yi, tiles_, model_->pool_names(), tile_pools_, vegetation_values_);
    for (const auto& [name, values] : vegetation_values_) writer_->write(name, yi, to_io_rows(values));
  }
  if (cfg_.land_use_changes()) {
    writer_->write_layers("area_fraction", yi, tiles_.classes(),
                          [&](size_t k) -> const std::vector<double>& { return io_layer(tiles_.fraction[k]); });
    if (sealing_output_) writer_->write("fCarbonSealing", yi, to_io_rows(luc_loss_));
  }
  if (tile_output_) {  // every class's layer in one collective write
    const auto& by_class = class_stocks();
    writer_->write_layers("cSoilTile", yi, by_class.size(), [&](size_t k) -> const std::vector<double>& {
      tile_buf_ = by_class[k];
      for (size_t i = 0; i < tile_buf_.size(); ++i)
        if (!(tiles_.fraction[k][i] > 0.0)) tile_buf_[i] = std::numeric_limits<double>::quiet_NaN();  // no tile
      return io_layer(tile_buf_);
    });
  }
  balance_output_rows(yi);
}

void GridRun::balance_output_rows(int yi) {
  auto& s = output_rows_;
  if (++s.years != s.next || yi + 1 >= year_count()) return;
  const double now_deflate = grids::deflate_seconds();
  if (io_->rebalance(now_deflate - s.deflate_mark)) {
    writer_->set_range(io_->io_begin(), io_->io_end());
    ++s.moves;
  }
  s.deflate_mark = now_deflate;
  s.years = 0;
  s.next *= 2;
}

void GridRun::finish_output() {
  PhaseTimer timer(times_.output);
  OutputWatchdog::Phase watched(watchdog_.get(), {temporary_path()});
  char phases[256];
  std::snprintf(phases, sizeof phases,
                "rank 0 seconds: input %.2f, spin-up %.2f, compute %.2f, output %.2f, communication %.2f",
                times_.input, times_.spinup, times_.compute, times_.output, io_->seconds());
  // rank 0's times on every rank: a global attribute must be the same everywhere (parallel HDF5 allocates its
  // space on each rank; texts of other lengths left the file's attributes unreadable, now and then)
  int length = static_cast<int>(std::strlen(phases));
  MPI_Bcast(&length, 1, MPI_INT, 0, comm_);
  MPI_Bcast(phases, length + 1, MPI_CHAR, 0, comm_);
  writer_->set_global("alamod_phase_times", phases);
  if (!restored_from_.empty()) writer_->set_global("alamod_restarted_from", restored_from_);
  if (climate_reading_history_.find(", then") != std::string::npos)
    writer_->set_global("alamod_climate_reading", climate_reading_history_);
  if (size_ > 1)
    writer_->set_global("alamod_compute_repartitions", std::to_string(repartitions_) +
                                                           " (decomposition.rebalance = " +
                                                           RunConfig::name(cfg_.rebalance) + ")");
  writer_->commit();
}

void GridRun::close_output_after_failure() {
  OutputWatchdog::Phase watched(watchdog_.get(), {temporary_path()});
  // keep the partial output when checkpoints refer to it, so a restart can continue
  if (checkpointed_) writer_->detach();
  else writer_->abandon();
}

void GridRun::report_output() {
  times_.communication += io_->seconds();
  double bytes = writer_->bytes_written(), total_bytes = 0.0, out_s = times_.output, max_out_s = 0.0;
  double deflate_s = grids::deflate_seconds(), max_deflate_s = 0.0, min_deflate_s = 0.0;
  MPI_Reduce(&bytes, &total_bytes, 1, MPI_DOUBLE, MPI_SUM, 0, comm_);
  MPI_Reduce(&out_s, &max_out_s, 1, MPI_DOUBLE, MPI_MAX, 0, comm_);
  MPI_Reduce(&deflate_s, &max_deflate_s, 1, MPI_DOUBLE, MPI_MAX, 0, comm_);
  MPI_Reduce(&deflate_s, &min_deflate_s, 1, MPI_DOUBLE, MPI_MIN, 0, comm_);
  const double mib = total_bytes / 1048576.0;
  log("wrote " + out_path_ + ": " + format_number("%.1f", mib) + " MiB of variables (before compression) in " +
      format_number("%.2f", max_out_s) + " s of output phase, " +
      format_number("%.1f", mib / std::max(max_out_s, 1e-9)) + " MiB/s" +
      (max_deflate_s > 0.0 ? "; compression " + format_number("%.2f", min_deflate_s) + "-" +
                                 format_number("%.2f", max_deflate_s) + " s of it per rank (" +
                                 grids::deflate_implementation() + ")"
                           : std::string()));
  if (size_ > 1) {
    const auto& g = cfg_.grid;
    std::string rows;
    for (int r = 0; r < size_ && r < 8; ++r)
      rows += (r ? ", " : "") + std::to_string(io_->io_begin(r) / g.nx) + "-" +
              std::to_string(io_->io_begin(r + 1) / g.nx);
    log("output rows per rank " + rows + (size_ > 8 ? ", ..." : "") + " (chunks of " +
        std::to_string(grids::output_chunk_rows(g)) + " rows; boundaries moved " +
        std::to_string(output_rows_.moves) + " time(s) to balance the measured compression time)");
  }
  times_.compression = deflate_s;
}

// ---- the year loop

void GridRun::start_year_loop() {
  add_pools(stock_start_);
  compute_checks_.busy_mark = times_.compute_busy;
  output_rows_.deflate_mark = grids::deflate_seconds();
  loop_start_ = MPI_Wtime();
  last_report_ = loop_start_;
}

void GridRun::read_climate(int year) {
  PhaseTimer timer(times_.input, phase_events().input);
  collectively(comm_, [&] {
    const grids::MonthlyForcing& f = scenario_forcing_ ? *scenario_forcing_ : *forcing_;
    // by forcing cell (the cells that take one forcing cell share its values), unless a scenario's climate_delta
    // changes each cell's by its latitude
    const bool by_cell = climate_delta_active();
    if (by_cell) f.read_year(year, climate_);
    else f.read_year_by_source(year, climate_);
    apply_climate_delta(year);  // a scenario's climate_delta (scenario_phases.cpp)
    // the model's valid range (its kValidRange) before the model sees the climate
    check_climate_range(find_model(cfg_.model).info, climate_,
                        [&](std::size_t i) { return cfg_.grid.describe_cell(cells_[by_cell ? i : f.source_first_cell()[i]]); },
                        year, "");
    climate_rows(by_cell ? nullptr : &f.source_of(), tile_row_);
  });
}

void GridRun::climate_rows(const std::vector<std::int32_t>* source_of, std::vector<std::int32_t>& rows) const {
  const size_t nt = tiles_.tiles();
  rows.resize(nt);
  for (size_t t = 0; t < nt; ++t) {
    const std::int32_t c = tiles_.cell[t];
    rows[t] = source_of ? (*source_of)[static_cast<size_t>(c)] : c;
  }
}

void GridRun::step_year(int year) {
  PhaseTimer timer(times_.compute, phase_events().compute);
  const double t = MPI_Wtime();
  const CellClimate tile_climate(climate_, tile_row_);  // each tile reads its forcing cell's climate, no copy
  // the vegetation's year first: its litter is the soil's input, in a scenario's forward period with the
  // scenario's interventions on top (vegetation_with_scenario; docs/SCENARIOS.md "With vegetation")
  const InputChange* scenario = plan_ ? &scenario_change_ : nullptr;
  if (vegetation_)
    collectively(comm_, [&] {
      const InputChange change = vegetation_->vegetation_input_change(year, tile_climate, model_->input_scale());
      if (!cfg_.vegetation.litter_to_soil) return;
      // the biomass cleared by this year's land-use change, as litter, after the scenario's factors
      if (!scenario) {
        model_->set_input_change(vegetation_->with_land_use_litter(year, change));
        return;
      }
      try {
        model_->set_input_change(vegetation_->with_land_use_litter(year, vegetation_with_scenario(change, *scenario)));
      } catch (const InputError&) {
        throw;
      } catch (const std::runtime_error& e) {
        throw InputError(cfg_.path + ": scenario " + phase_ + ": model " + cfg_.model +
                         " cannot apply interventions (" + e.what() + "); run the scenarios with a model that takes them");
      }
    });
  // the year's per-cell work on each block of tiles as soon as the model has stepped it (while the block is in
  // the core's cache; GridModel::step_year_blocks): the fluxes and pools weighted to cells, the stocks per cell
  // and per tile, and the check of every cell's values and carbon balance (the first failing cell's message is
  // kept and thrown below). Each value is formed by the same operations in the same order as in separate
  // passes: the same bits.
  const size_t n = cells_.size();
  for (auto* v : {&fluxes_.input, &fluxes_.rh, &fluxes_.leaching, &stock_end_}) v->resize(n);
  tile_stock_.resize(tiles_.tiles());
  std::vector<const double*> tile_pools;
  const bool pools_held = model_->pool_arrays(tile_pools);
  const std::vector<std::string> names = model_->pool_names();
  pools_.resize(names.size());
  for (auto& p : pools_) p.resize(n);
  const YearValues values{year, &cfg_.grid, &cells_, &pools_, &names, &stock_start_, &stock_end_, &fluxes_};
  std::string failed;  // the first failing cell's message
  const bool one_tile = tiles_.tiles() == n;  // tile i is cell i
  size_t next_cell = 0;
  model_->step_year_blocks(year, tile_climate, tile_fluxes_, [&](size_t, size_t tile_end) {
    if (!pools_held && tile_pools.empty()) pool_copies(tile_pools);  // a model that hands the whole year at once
    size_t c1 = next_cell;
    if (one_tile) {
      c1 = std::min(tile_end, n);
      year_one_tile(tile_pools, next_cell, c1, values, failed);
      next_cell = c1;
      return;
    }
    while (c1 < n && static_cast<size_t>(tiles_.first[c1 + 1]) <= tile_end) ++c1;
    fluxes_to_cells(next_cell, c1);
    pools_to_cells(tile_pools, next_cell, c1, stock_end_);
    for (size_t i = next_cell; i < c1; ++i) {
      const double end = stock_end_[i];
      if (!year_values_pass(stock_start_[i], end, fluxes_.input[i], fluxes_.rh[i], fluxes_.leaching[i],
                            cfg_.balance_tolerance) &&
          failed.empty())
        failed = year_values_error(values, i, cfg_.balance_tolerance);
      stock_start_[i] = end;  // the next year's start
    }
    next_cell = c1;
  });
  if (vegetation_) model_->pools(tile_pools_);  // the vegetation's output reads the tiles' pools
  // the soil's input against the litter, where the model reports the year's whole input (not AMG's humified one)
  if (vegetation_ && cfg_.vegetation.litter_to_soil && model_->flux_meaning().input_is_total)
    collectively(comm_, [&] { vegetation_->check_soil_input(year, tile_fluxes_.input, model_->input_scale(), scenario); });
  double busy_end = 0.0;  // this rank's own work ends before the collective error check
  collectively(comm_, [&] {
    if (next_cell != n) throw std::logic_error("the model stepped " + std::to_string(next_cell) + " of " + std::to_string(n) + " cells");
    if (!failed.empty()) throw InputError(failed);
    busy_end = MPI_Wtime();
  });
  times_.compute_busy += busy_end - t;
}

void GridRun::year_one_tile(const std::vector<const double*>& tile_pools, size_t c0, size_t c1,
                            const YearValues& values, std::string& failed) {
  // one loop over the cells, two at a time (SSE2), with the operations of fluxes_to_cells, pools_to_cells and the
  // check per cell (a tile per cell: first[i] = i), every result written once. (Streaming stores past the
  // caches were slower here.)
  const double* w = tiles_.weight.data();
  const double *t_in = tile_fluxes_.input.data(), *t_rh = tile_fluxes_.rh.data(), *t_le = tile_fluxes_.leaching.data();
  double *in = fluxes_.input.data(), *rh = fluxes_.rh.data(), *le = fluxes_.leaching.data();
  double *end = stock_end_.data(), *start = stock_start_.data(), *ts = tile_stock_.data();
  const size_t np = tile_pools.size();
  const double tolerance = cfg_.balance_tolerance;
  auto check = [&](size_t i) {
    if (!year_values_pass(start[i], end[i], in[i], rh[i], le[i], tolerance) && failed.empty())
      failed = year_values_error(values, i, tolerance);
  };
  auto one = [&](size_t i) {  // the scalar form of the loop below
    in[i] = 0.0 + w[i] * t_in[i];
    rh[i] = 0.0 + w[i] * t_rh[i];
    le[i] = 0.0 + w[i] * t_le[i];
    double total = 0.0, tile = 0.0;
    for (size_t k = 0; k < np; ++k) {
      const double v = 0.0 + w[i] * tile_pools[k][i];
      pools_[k][i] = v;
      total += v;
      tile += tile_pools[k][i];
    }
    end[i] = total;
    ts[i] = tile;
    check(i);
    start[i] = total;
  };
  size_t i = c0;
  const __m128d zero = _mm_setzero_pd();
  for (; i + 2 <= c1; i += 2) {
    const __m128d wv = _mm_loadu_pd(w + i);
    const __m128d v_in = _mm_add_pd(zero, _mm_mul_pd(wv, _mm_loadu_pd(t_in + i)));
    const __m128d v_rh = _mm_add_pd(zero, _mm_mul_pd(wv, _mm_loadu_pd(t_rh + i)));
    const __m128d v_le = _mm_add_pd(zero, _mm_mul_pd(wv, _mm_loadu_pd(t_le + i)));
    _mm_storeu_pd(in + i, v_in);
    _mm_storeu_pd(rh + i, v_rh);
    _mm_storeu_pd(le + i, v_le);
    __m128d total = zero, tile = zero;
    for (size_t k = 0; k < np; ++k) {
      const __m128d p = _mm_loadu_pd(tile_pools[k] + i);
      const __m128d v = _mm_add_pd(zero, _mm_mul_pd(wv, p));
      _mm_storeu_pd(pools_[k].data() + i, v);
      total = _mm_add_pd(total, v);
      tile = _mm_add_pd(tile, p);
    }
    _mm_storeu_pd(end + i, total);
    _mm_storeu_pd(ts + i, tile);
    // the check of both cells (their start still in place for a message), then their start for the next year
    const __m128d s = _mm_loadu_pd(start + i);
    alignas(16) double e2[2], s2[2], in2[2], rh2[2], le2[2];
    _mm_store_pd(e2, total);
    _mm_store_pd(s2, s);
    _mm_store_pd(in2, v_in);
    _mm_store_pd(rh2, v_rh);
    _mm_store_pd(le2, v_le);
    for (int l = 0; l < 2; ++l)
      if (!year_values_pass(s2[l], e2[l], in2[l], rh2[l], le2[l], tolerance) && failed.empty())
        failed = year_values_error(values, i + static_cast<size_t>(l), tolerance);
    _mm_storeu_pd(start + i, total);
  }
  if (i < c1) one(i);
}

void GridRun::pool_copies(std::vector<const double*>& tile_pools) {
  model_->pools(tile_pools_);
  tile_pools.clear();
  for (const auto& p : tile_pools_) tile_pools.push_back(p.data());
}

void GridRun::fluxes_to_cells(size_t c0, size_t c1) {
  // as LandTiles::to_cells: per cell, the tiles' values times their fractions summed from 0 in tile order
  const std::int32_t* first = tiles_.first.data();
  const double* w = tiles_.weight.data();
  const double *in = tile_fluxes_.input.data(), *rh = tile_fluxes_.rh.data(), *le = tile_fluxes_.leaching.data();
  if (tiles_.tiles() == cells_.size()) {  // a tile per cell, tile i in cell i: the same sums, in vector loops
    double* __restrict out_in = fluxes_.input.data();
    double* __restrict out_rh = fluxes_.rh.data();
    double* __restrict out_le = fluxes_.leaching.data();
    for (size_t i = c0; i < c1; ++i) {
      out_in[i] = 0.0 + w[i] * in[i];
      out_rh[i] = 0.0 + w[i] * rh[i];
      out_le[i] = 0.0 + w[i] * le[i];
    }
    return;
  }
  for (size_t i = c0; i < c1; ++i) {
    double s_in = 0.0, s_rh = 0.0, s_le = 0.0;
    for (std::int32_t t = first[i]; t < first[i + 1]; ++t) {
      s_in += w[t] * in[t];
      s_rh += w[t] * rh[t];
      s_le += w[t] * le[t];
    }
    fluxes_.input[i] = s_in;
    fluxes_.rh[i] = s_rh;
    fluxes_.leaching[i] = s_le;
  }
}

void GridRun::pools_to_cells(const std::vector<const double*>& tile_pools, size_t c0, size_t c1,
                             std::vector<double>& stock) {
  // per cell, each pool weighted as LandTiles::to_cells and their sum from 0 in pool order; per tile, the sum of
  // its pools from 0 in pool order
  const std::int32_t* first = tiles_.first.data();
  const double* w = tiles_.weight.data();
  const size_t np = tile_pools.size();
  if (tiles_.tiles() == cells_.size()) {  // a tile per cell, tile i in cell i: the same sums, in vector loops
    double* __restrict st = stock.data();
    double* __restrict ts = tile_stock_.data();
    for (size_t i = c0; i < c1; ++i) st[i] = 0.0, ts[i] = 0.0;
    for (size_t k = 0; k < np; ++k) {
      const double* __restrict p = tile_pools[k];
      double* __restrict out = pools_[k].data();
      for (size_t i = c0; i < c1; ++i) {
        out[i] = 0.0 + w[i] * p[i];
        st[i] += out[i];
        ts[i] += p[i];
      }
    }
    return;
  }
  for (size_t i = c0; i < c1; ++i) {
    double total = 0.0;
    for (size_t k = 0; k < np; ++k) {
      const double* p = tile_pools[k];
      double s = 0.0;
      for (std::int32_t t = first[i]; t < first[i + 1]; ++t) s += w[t] * p[t];
      pools_[k][i] = s;
      total += s;
    }
    stock[i] = total;
    for (std::int32_t t = first[i]; t < first[i + 1]; ++t) {
      double s = 0.0;
      for (size_t k = 0; k < np; ++k) s += tile_pools[k][t];
      tile_stock_[static_cast<size_t>(t)] = s;
    }
  }
}

bool GridRun::change_land_use(int year) {
  if (!cfg_.land_use_changes()) return false;
  PhaseTimer timer(times_.compute, phase_events().compute);
  const size_t n = cells_.size(), nk = tiles_.classes();
  luc_loss_.assign(n, 0.0);
  bool in_force = luc_map_moves_.in_force(year);
  for (const auto& r : luc_rules_) in_force = in_force || (year >= r.first_year && year <= r.last_year && r.rate > 0.0);
  if (!in_force) return false;
  // where the transitions come from, for the messages
  const std::string source = cfg_.luc_rates.empty() ? cfg_.luc_maps
                             : cfg_.luc_maps.empty() ? cfg_.luc_rates
                                                     : cfg_.luc_rates + " and " + cfg_.luc_maps;
  const auto state = model_->state();
  std::vector<double> rate(nk * nk), f(nk), remain(nk), gain(nk), before_stock(nk), mixed(nk);
  std::vector<std::int32_t> tile_of(nk);
  std::vector<size_t> changed;
  std::vector<double> carbon_before, moved;
  std::vector<VegetationCoupling::LandUseMove> vegetation_moves;  // per changed cell (vegetation_coupling.hpp)
  if (vegetation_) vegetation_->start_land_use_year(year, n);
  collectively(comm_, [&] {
    for (size_t i = 0; i < n; ++i) {
      std::fill(rate.begin(), rate.end(), 0.0);
      bool here = false;
      for (size_t k = 0; k < luc_rules_.size(); ++k) {
        const auto& r = luc_rules_[k];
        if (luc_applies_[k][i] > 0.0 && year >= r.first_year && year <= r.last_year && r.rate > 0.0) {
          rate[static_cast<size_t>(r.from) * nk + static_cast<size_t>(r.to)] += r.rate;
          here = true;
        }
      }
      // the maps' moves: an area fraction of the cell per year, as a rate of the donor's current area
      for (size_t p = 0; p < luc_map_moves_.first_year.size(); ++p) {
        if (year < luc_map_moves_.first_year[p] || year > luc_map_moves_.last_year[p]) continue;
        for (size_t ab = 0; ab < nk * nk; ++ab) {
          const double m = luc_map_moves_.moved[p][ab][i];
          if (!(m > 0.0)) continue;
          const double donor = tiles_.fraction[ab / nk][i];
          rate[ab] += donor > 0.0 ? std::min(m / donor, 1.0) : 0.0;
          here = true;
        }
      }
      if (!here) continue;
      std::fill(tile_of.begin(), tile_of.end(), -1);
      for (std::int32_t t = tiles_.first[i]; t < tiles_.first[i + 1]; ++t) tile_of[static_cast<size_t>(tiles_.cls[static_cast<size_t>(t)])] = t;
      double c0 = 0.0;
      for (size_t k = 0; k < nk; ++k) {
        f[k] = tiles_.fraction[k][i];
        before_stock[k] = tile_of[k] >= 0 ? tile_stock_[static_cast<size_t>(tile_of[k])] : 0.0;
        if (f[k] > 0.0) c0 += f[k] * before_stock[k];
        gain[k] = 0.0;
      }
      for (size_t a = 0; a < nk; ++a) {
        double out = 0.0;
        for (size_t b = 0; b < nk; ++b) out += rate[a * nk + b];
        if (out > 1.0 + 1e-12)
          throw InputError(source + ": in " + std::to_string(year) + " the transitions from " +
                           cfg_.land_uses[a].name + " at land " + cfg_.grid.describe_cell(cells_[i]) + " convert " +
                           format_number("%.6g", out) + " of its area (rates summed over the rules in force): a "
                           "transition larger than the donor's area");
        remain[a] = f[a] * (1.0 - out);
        for (size_t b = 0; b < nk; ++b) gain[b] += rate[a * nk + b] * f[a];
      }
      if (vegetation_) {  // the stands and living biomass move with the area (docs/VEGETATION.md "Land-use change")
        moved.assign(nk * nk, 0.0);
        for (size_t ab = 0; ab < nk * nk; ++ab) moved[ab] = rate[ab] * f[ab / nk];
        vegetation_moves.push_back(vegetation_->change_land_use(i, tile_of, f, moved, remain));
      }
      double loss = 0.0;
      for (const auto& [name, values] : state) {
        if (name == "input_scale") continue;  // each tile keeps its own inputs
        std::vector<double>& v = *values;
        for (size_t k = 0; k < nk; ++k) mixed[k] = tile_of[k] >= 0 ? v[static_cast<size_t>(tile_of[k])] : 0.0;
        for (size_t b = 0; b < nk; ++b) {
          if (!(gain[b] > 0.0)) continue;
          const double keep = 1.0 - cfg_.land_uses[b].sealing_loss;
          double num = remain[b] * mixed[b];
          for (size_t a = 0; a < nk; ++a) num += rate[a * nk + b] * f[a] * keep * mixed[a];
          v[static_cast<size_t>(tile_of[b])] = num / (remain[b] + gain[b]);
        }
      }
      for (size_t b = 0; b < nk; ++b)
        for (size_t a = 0; a < nk; ++a) loss += rate[a * nk + b] * f[a] * cfg_.land_uses[b].sealing_loss * before_stock[a];
      for (size_t k = 0; k < nk; ++k) tiles_.fraction[k][i] = remain[k] + gain[k];
      for (std::int32_t t = tiles_.first[i]; t < tiles_.first[i + 1]; ++t)
        tiles_.weight[static_cast<size_t>(t)] =
            tiles_.fraction[static_cast<size_t>(tiles_.cls[static_cast<size_t>(t)])][i];
      luc_loss_[i] = loss;
      changed.push_back(i);
      carbon_before.push_back(c0);
    }
    model_->state_restored();
    // nothing created or lost: each changed cell's carbon after the transitions, plus the sealing loss
    model_->pools(tile_pools_);
    std::vector<double> stock(tiles_.tiles(), 0.0);
    for (const auto& pool : tile_pools_)
      for (size_t t = 0; t < stock.size(); ++t) stock[t] += pool[t];
    for (size_t j = 0; j < changed.size(); ++j) {
      const size_t i = changed[j];
      double c1 = 0.0;
      for (std::int32_t t = tiles_.first[i]; t < tiles_.first[i + 1]; ++t)
        if (tiles_.weight[static_cast<size_t>(t)] > 0.0) c1 += tiles_.weight[static_cast<size_t>(t)] * stock[static_cast<size_t>(t)];
      const double c0 = carbon_before[j];
      if (vegetation_) {
        // vegetation and soil together: nothing created or lost but the wood exported and the planting stock
        // brought in; the cleared biomass left as litter enters the soil in this year's inputs (t C ha-1 of the cell)
        const auto& v = vegetation_moves[j];
        const double in = c0 + v.before + v.planted, out = c1 + luc_loss_[i] + v.after + v.exported + v.residue;
        if (!(std::fabs(out - in) <= cfg_.luc_tolerance * std::max(1.0, std::fabs(in))))
          throw InputError(source + ": the land-use transitions of " + std::to_string(year) + " at land " +
                           cfg_.grid.describe_cell(cells_[i]) + " do not conserve the vegetation's and the soil's "
                           "carbon: soil " + format_number("%.9g", c0) + " and vegetation " +
                           format_number("%.9g", v.before) + " t ha-1 before, with the planting stock " +
                           format_number("%.9g", v.planted) + "; soil " + format_number("%.9g", c1) + " (sealed " +
                           format_number("%.9g", luc_loss_[i]) + ") and vegetation " + format_number("%.9g", v.after) +
                           " after, wood exported " + format_number("%.9g", v.exported) + ", litter to the soil " +
                           format_number("%.9g", v.residue));
      }
      if (!(std::fabs(c1 + luc_loss_[i] - c0) <= cfg_.luc_tolerance * std::max(1.0, std::fabs(c0))))
        throw InputError(source + ": the land-use transitions of " + std::to_string(year) + " at land " +
                         cfg_.grid.describe_cell(cells_[i]) + " do not conserve carbon: " + format_number("%.9g", c0) +
                         " t ha-1 before, " + format_number("%.9g", c1) + " after and " +
                         format_number("%.9g", luc_loss_[i]) + " sealed (" + cfg_.model +
                         " keeps pools outside its state that the area-weighted mixing does not move; land-use change "
                         "needs a model whose pools are its state, e.g. rothc)");
    }
  });
  return true;
}

void GridRun::add_pools(std::vector<double>& stock) {
  const size_t n = cells_.size();
  std::vector<const double*> tile_pools;
  if (!model_->pool_arrays(tile_pools)) pool_copies(tile_pools);  // without a copy where the model holds them
  pools_.resize(tile_pools.size());
  for (auto& p : pools_) p.resize(n);
  stock.resize(n);
  tile_stock_.resize(tiles_.tiles());
  pools_to_cells(tile_pools, 0, n, stock);
}

const std::vector<std::vector<double>>& GridRun::class_stocks() {
  tiles_.to_slots(tile_stock_, class_stock_);
  return class_stock_;
}

void GridRun::balance_compute(int yi) {
  // the first year is left out: it pays for first touches of memory and its times are not representative
  auto& s = compute_checks_;
  if (yi == first_year_index_) {
    s.busy_mark = times_.compute_busy;
    return;
  }
  if (++s.years != s.next || yi + 1 >= year_count()) return;
  if (rebalance_compute(times_.compute_busy - s.busy_mark, s.years, year_count() - yi - 1, cfg_.start_year + yi))
    add_pools(stock_start_);  // of the cells this rank owns now
  s.busy_mark = times_.compute_busy;
  s.years = 0;
  s.next = cfg_.rebalance_every_years;
}

void GridRun::write_checkpoint_when_due(int yi) {
  // at this year boundary: every N years, or when a signal arrived
  const int year = cfg_.start_year + yi;
  const int every = opt_.checkpoint_every >= 0 ? opt_.checkpoint_every : cfg_.checkpoint_every_years;
  const int stop = stop_signal_on_any_rank(comm_);
  const bool last = yi + 1 == year_count();
  if (last || !(stop || (every > 0 && (yi + 1) % every == 0))) return;
  OutputWatchdog::Phase watched(watchdog_.get(), {temporary_path(), output_snapshot(year) + ".incomplete",
                                                  checkpoint_path(year) + ".incomplete"});
  {
    PhaseTimer timer(times_.output);
    checkpoint_in_progress_ = year;  // its snapshot is useless without it (remove_orphan_snapshot)
    writer_->snapshot_to(output_snapshot(year));
    write_checkpoint(year);
    checkpoint_in_progress_ = -1;
    checkpointed_ = true;
  }
  if (stop) {
    writer_->detach();
    throw StoppedForRestart("stopped by " + signal_name(stop) + " after year " + std::to_string(year) +
                            "; checkpoint " + checkpoint_path(year) + "; continue with: " +
                            (opt_.resume_command.empty()
                                 ? "alamod run " + shell_word(cfg_.path) + " --out " + shell_word(opt_.out_dir) +
                                       " --restart"
                                 : opt_.resume_command));
  }
}

void GridRun::report_progress(int yi) {
  const int n_years = year_count();
  const double now = MPI_Wtime();
  if (opt_.quiet || !(now - last_report_ >= 2.0 || yi + 1 == n_years || yi == first_year_index_)) return;
  last_report_ = now;
  const double elapsed = now - loop_start_;
  const int done_here = yi + 1 - first_year_index_;
  const double rate = static_cast<double>(partition_->land_cells()) * done_here / elapsed;
  const double left = elapsed / done_here * (n_years - yi - 1);
  char line[200];
  std::snprintf(line, sizeof line, "year %d done (%d/%d), %.3g cell-years/s, elapsed %.1f s, about %.0f s left",
                cfg_.start_year + yi, yi + 1, n_years, rate, elapsed, left);
  log(line);
}

}  // namespace alamod::engine
