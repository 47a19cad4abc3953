#pragma once
/// What a grid run asks of a model: per-cell constants from the static layers, the spin-up from
/// the mean year of the first forcing years, one simulated year from the monthly climate, the pools
/// in t ha-1 and the state a checkpoint must hold. One implementation per registered model, chosen
/// once by name (make_grid_model, engine/model_bindings/model_binding.hpp); the calls work on all the rank's cells at once, so there is no
/// virtual call per cell or step.
///
/// Inputs every model receives (models/*/README.md "Grid runs" says how each model uses them):
///   monthly climate of each cell: tas (degC), pr and pet (mm month-1);
///   per cell: land-use class ([land_use.*] of the configuration), clay (percent), plant carbon input
///   (t ha-1 yr-1, spread over the months by the class's input_share, plus the class's manure), the
///   observed SOC stock (t ha-1; RothC's IOM, AMG's stable pool, the inverse spin-up's target).
#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/configuration/config.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

/// Per-cell arrays of a model: room for n cells, n copies of `value`, or a copy of `from`. When an array that already
/// had cells must grow (cells moved to this rank, GridRun::rebalance_compute) it is reallocated with 1/8
/// to spare and without copying its old values, so that later moves grow it in place: a reallocation
/// touches fresh memory, a page fault per 4 KiB on first touch. The first allocation is exact.
template <class T>
void room_for_cells(std::vector<T>& v, std::size_t n) {
  if (v.capacity() < n) {
    const bool regrow = v.capacity() > 0;
    v.clear();
    v.reserve(regrow ? n + n / 8 : n);
  }
}
template <class T>
void fill_cells(std::vector<T>& v, std::size_t n, const T& value) {
  room_for_cells(v, n);
  v.assign(n, value);
}
template <class T>
void copy_cells(std::vector<T>& v, const std::vector<T>& from) {
  room_for_cells(v, from.size());
  v.assign(from.begin(), from.end());
}

/// Static inputs of the rank's land cells, in the run's cell order.
struct GridCells {
  std::vector<int> land_class;        ///< index into RunConfig::land_uses
  std::vector<double> clay;           ///< clay content (percent)
  std::vector<double> annual_input;   ///< plant carbon input (t ha-1 yr-1)
  std::vector<double> soc_observed;   ///< observed SOC stock (t ha-1)
};

/// Monthly climate of one year for the rank's cells: [0] tas (degC), [1] pr, [2] pet (mm month-1);
/// the value of cell i in month m (0-11) is at index m * n_cells + i.
using MonthlyClimate = std::vector<std::vector<double>>;

/// The climate a model reads: the MonthlyClimate of the rank's cells, and for each of the model's cells (the
/// tiles of a grid run, engine/grid_run/land_cover.hpp) the index of the cell whose climate it takes. The tiles
/// of a cell share its climate row instead of each holding a copy (36 values a tile a year). Without an index
/// (a MonthlyClimate converts to this) model cell i reads climate cell i.
class CellClimate {
 public:
  CellClimate(const MonthlyClimate& c)  // NOLINT: a MonthlyClimate of the model's own cells is one
      : values_(&c), n_(c.empty() ? 0 : c[0].size() / 12) {}
  /// `cell_of[i]`: the climate cell of model cell i (its values must outlive this view).
  CellClimate(const MonthlyClimate& c, const std::vector<std::int32_t>& cell_of)
      : values_(&c), cell_(cell_of.data()), n_(c.empty() ? 0 : c[0].size() / 12) {}
  /// The climate cell of model cell i.
  std::size_t row(std::size_t i) const { return cell_ ? static_cast<std::size_t>(cell_[i]) : i; }
  /// Variable v (0 tas, 1 pr, 2 pet) in month m (0-11) of model cell i.
  double at(int v, int m, std::size_t i) const { return month(v, m)[row(i)]; }
  /// Variable v in month m of the climate cells (indexed by row()).
  const double* month(int v, int m) const {
    return (*values_)[static_cast<std::size_t>(v)].data() + static_cast<std::size_t>(m) * n_;
  }
  /// Whether model cell i reads climate cell i (no index).
  bool identity() const { return cell_ == nullptr; }
  /// The climate cells' count, and the index row() reads (nullptr: none).
  std::size_t rows() const { return n_; }
  const std::int32_t* row_index() const { return cell_; }

 private:
  const MonthlyClimate* values_;
  const std::int32_t* cell_ = nullptr;
  std::size_t n_;
};

/// Carbon crossing the soil boundary in one year, per cell (t ha-1 yr-1).
struct YearFluxes {
  std::vector<double> input, rh, leaching;
};

/// Told by GridModel::step_year_blocks that the model's cells [begin, end) finished the year.
using YearBlockSink = std::function<void(std::size_t begin, std::size_t end)>;

/// What the spin-up did, per cell and in summary.
struct SpinupReport {
  std::vector<double> residual;  ///< largest relative change of a pool over one more cycle (1)
  std::vector<double> cycles;    ///< model years simulated for the cell (1)
  std::string method;            ///< how, one line (output attribute)
  long flagged = 0;              ///< cells with a model-specific warning (this rank)
  long empty = 0;                ///< cells without carbon input, whose equilibrium is empty pools (this rank)
  std::string flagged_what;      ///< what a flagged cell is, e.g. "cells whose moisture deficit is not yet periodic"
};

/// What a model's yearly fluxes are, for the output's labels: by default the total heterotrophic
/// respiration and the whole carbon input; a model whose fluxes are of one pool only says so here.
struct FluxMeaning {
  bool rh_is_total = true;          ///< false: rh gets no CF standard name
  std::string rh_long_name, rh_comment;        ///< "" keeps the default
  std::string input_long_name, input_comment;  ///< of fCarbonInput; "" keeps the default
  /// false: the input flux is not the year's whole carbon input (AMG: the humified input of the year before),
  /// so the vegetation coupling cannot compare it with the year's litter (engine/grid_run/vegetation_coupling)
  bool input_is_total = true;
};

/// Kinds of carbon input a scenario may add to a cell (engine/scenario). Each model splits each kind into its
/// pools by the rule in models/NAME/README.md, "Scenario inputs", and spreads it over the months as said here.
enum class AddedInput : int {
  plant = 0,       ///< more of the class's own plant input: its quality, its months (input_share)
  cover_crop = 1,  ///< cover-crop residues: crop quality, the intercrop months September to February, soil covered then
  grass = 2,       ///< grass litter and roots (temporary grassland, grass strips, inter-row cover): the class's months
  woody = 3,       ///< woody litter and roots (agroforestry, hedges): the class's months
  manure = 4,      ///< farmyard manure: spread like the class's fym
  compost = 5,     ///< compost: spread like the class's fym
  digestate = 6,   ///< anaerobic digestate: spread like the class's fym
};
constexpr int kAddedInputKinds = 7;
/// "plant", "cover_crop", ... (the names the scenario configuration and the docs use).
inline const char* added_input_name(int kind) {
  static const char* const names[kAddedInputKinds] = {"plant", "cover_crop", "grass", "woody", "manure", "compost", "digestate"};
  return kind >= 0 && kind < kAddedInputKinds ? names[kind] : "?";
}

/// A scenario's change of the inputs and decomposition of every cell (tile) of the rank, in force from the year
/// it is set until the next call (engine/scenario). An empty vector means no change of that kind; a non-empty
/// one has one value per cell, in the run's cell order.
struct InputChange {
  /// multiplies the cell's plant input, after the inverse spin-up's scale (1)
  std::vector<double> plant_factor;
  /// carbon added (t C ha-1 yr-1) per kind (AddedInput), on top of the plant input and the class's fym
  std::array<std::vector<double>, kAddedInputKinds> added;
  /// multiplies every decomposition rate of the cell (1): tillage practices (< 1 slows decomposition)
  std::vector<double> decomposition_factor;
  bool empty() const {
    if (!plant_factor.empty() || !decomposition_factor.empty()) return false;
    for (const auto& a : added)
      if (!a.empty()) return false;
    return true;
  }
};

class GridModel {
 public:
  virtual ~GridModel() = default;
  /// What rh and fCarbonInput mean for this model (output labels).
  virtual FluxMeaning flux_meaning() const { return {}; }
  /// Whether the model leaches carbon below the simulated layer (the output gains fCarbonLeaching).
  virtual bool leaches() const { return false; }
  /// What this model adds to the description of the spin-up (output attribute alamod_spinup).
  virtual std::string spinup_note() const { return ""; }
  /// Labels of the output pools (cSoilPools).
  virtual std::vector<std::string> pool_names() const = 0;
  /// Model parameters as "name = value unit" lines (output provenance).
  virtual std::string parameters_text() const = 0;
  /// Derive the per-cell constants; throws InputError naming the cell by describe(i).
  virtual void set_cells(const GridCells& cells, const std::function<std::string(std::size_t)>& describe) = 0;
  /// Periodic equilibrium with the mean year `mean` (spinup.method "equilibrium"), or with the
  /// inputs scaled per cell to reach the observed stock ("inverse", linear models only).
    virtual SpinupReport spin_up(const CellClimate& mean, bool inverse) = 0;
  /// spinup.method "scaled", after spin_up(mean, false): the pools of every cell multiplied by one factor so
  /// that its stock equals its observed stock (inputs.soc_stock, or its class's), the constant pools (RothC's
  /// IOM) kept: the equilibrium's proportions of the others kept, the inputs unchanged (the soil then moves
  /// from the observed stock towards its equilibrium). Linear models; throws InputError naming the cell whose
  /// observed stock is not above the constant pools or whose equilibrium holds no carbon, and, for a nonlinear
  /// model, naming `config_path`.
  virtual void scale_to_observed(const std::string& config_path) {
    throw InputError(config_path + ": spinup.method = \"scaled\" needs a linear model (rothc, icbm, yasso15, "
                     "yasso07, century, amg)");
  }
  /// Brute force, for comparison (spinup.method "brute_force"): cycle the mean year from empty pools
  /// (nonlinear models: from the solver's start) until one more cycle changes every pool of the cell by
  /// at most `tolerance` (relative); report.cycles holds the years each cell needed.
  virtual SpinupReport brute_force_spin_up(const CellClimate& mean, double tolerance, long max_years) = 0;
  /// Advance every cell by the calendar year `year` with its monthly climate.
  virtual void step_year(int year, const CellClimate& climate, YearFluxes& fluxes) = 0;
  /// step_year, telling `done` (if set) of each block of cells [begin, end) once its year is complete, blocks
  /// in cell order, every cell once: a model that steps the year block by block (RothC) calls it while the
  /// block's pools and fluxes are in cache, so that the caller's yearly work per cell (tiles weighted to
  /// cells, stocks, checks) costs no pass over memory of its own. A model that calls it before the end of the
  /// year must give pool_arrays. By default: step_year, then one block of all cells.
  virtual void step_year_blocks(int year, const CellClimate& climate, YearFluxes& fluxes, const YearBlockSink& done) {
    step_year(year, climate, fluxes);
    if (done) done(0, fluxes.input.size());
  }
  /// Pools (t ha-1) of every cell: out[pool][cell].
  virtual void pools(std::vector<std::vector<double>>& out) const = 0;
  /// The pools (t ha-1) as the model holds them, without a copy: out[pool] points at one value per cell, in
  /// pool_names() order, valid until the next call that changes the cells; false (the default) where the
  /// model derives them (then pools()).
  virtual bool pool_arrays(std::vector<const double*>& /*out*/) const { return false; }
  /// The state a restart needs, by name (values in the model's own units, doubles).
  virtual std::vector<std::pair<std::string, std::vector<double>*>> state() = 0;
  /// Called after a checkpoint was read into the vectors state() returned.
  virtual void state_restored() {}
  /// Apply a scenario's change of inputs and decomposition from the next step_year on (an empty change
  /// restores the inputs set_cells gave, times the inverse spin-up's scale). The change is not state: a
  /// restart sets it again before the first year it runs, and so does a move of cells (set_cells clears it).
  /// Throws std::invalid_argument where a vector does not have one value per cell or a value is negative or
  /// not finite. How each model splits each kind: models/NAME/README.md "Scenario inputs"
  /// (engine/model_bindings/scenario_inputs.hpp). A model that cannot take scenario inputs refuses
  /// a non-empty change.
  virtual void set_input_change(const InputChange& change) {
    if (!change.empty()) throw std::runtime_error("this model does not take scenario inputs yet");
  }
  /// Per-cell carbon input actually used relative to inputs.carbon_input (1; the inverse spin-up's factor).
  virtual const std::vector<double>& input_scale() const = 0;
};

}  // namespace alamod::engine
