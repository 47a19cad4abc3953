#include "engine/totals/zone_sums.hpp"

#include <stdexcept>

#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

ZoneSums::ZoneSums(std::vector<ZoneLayer> layers, std::vector<int> land_class, std::vector<std::string> class_names,
                   int years)
    : layers_(std::move(layers)), land_class_(std::move(land_class)), class_names_(std::move(class_names)) {
  cells_ = land_class_.size();
  set_up();
  start_.assign(slots_, 0);
  year_.assign(slots_ * static_cast<std::size_t>(years), 0);
}

ZoneSums::ZoneSums(std::vector<ZoneLayer> layers, std::vector<std::vector<double>> fraction,
                   std::vector<std::string> class_names, int years)
    : layers_(std::move(layers)), class_names_(std::move(class_names)), fraction_(std::move(fraction)) {
  cells_ = fraction_.empty() ? 0 : fraction_[0].size();
  set_up();
  start_.assign(slots_, 0);
  year_.assign(slots_ * static_cast<std::size_t>(years), 0);
  area_time_.assign(slots_ * static_cast<std::size_t>(years + 1), 0);
}

void ZoneSums::set_up() {
  const std::size_t per_zone = class_names_.size() + 1;
  for (const auto& layer : layers_) {
    if (layer.offset.size() != cells_ + 1)
      throw std::logic_error("zone layer " + layer.kind + " does not cover the cells of the totals");
    base_.push_back(slots_);
    slots_ += layer.zones.size() * per_zone;
  }
  weight_.assign(slots_, 0);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const auto& layer = layers_[l];
    for (std::size_t i = 0; i < cells_; ++i)
      for (auto k = layer.offset[i]; k < layer.offset[i + 1]; ++k) {
        const std::size_t slot = base_[l] + static_cast<std::size_t>(layer.member_zone[static_cast<size_t>(k)]) * per_zone;
        const auto w = layer.member_weight[static_cast<size_t>(k)];
        weight_[slot] += w;
        if (fraction_.empty()) {
          weight_[slot + 1 + static_cast<std::size_t>(land_class_[i])] += w;
          continue;
        }
        for (std::size_t c = 0; c < fraction_.size(); ++c)
          if (fraction_[c][i] > 0.0) {
            weight_[slot + 1 + c] += w;  // sub-cells touched by the class at the start
          }
      }
  }
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    bool whole = layers_[l].denominator == 1;
    for (std::size_t i = 0; whole && i < cells_; ++i) whole = layers_[l].offset[i + 1] - layers_[l].offset[i] <= 1;
    (whole ? dense_layers_ : shared_layers_).push_back(l);
  }
  const std::size_t nd = dense_layers_.size();
  dense_slot_.assign(cells_ * nd, -1);
  for (std::size_t d = 0; d < nd; ++d) {
    const auto& layer = layers_[dense_layers_[d]];
    for (std::size_t i = 0; i < cells_; ++i)
      if (layer.offset[i + 1] > layer.offset[i])
        dense_slot_[i * nd + d] = static_cast<std::int32_t>(
            base_[dense_layers_[d]] + static_cast<std::size_t>(layer.member_zone[static_cast<size_t>(layer.offset[i])]) * per_zone);
  }
  for (const std::size_t l : dense_layers_) {  // their membership is dense_slot_ now: ~12 bytes a cell each
    auto& layer = layers_[l];
    std::vector<std::int32_t>{0}.swap(layer.offset);  // (assigning {0} would keep the capacity)
    std::vector<std::int32_t>().swap(layer.member_zone);
    std::vector<std::int32_t>().swap(layer.member_weight);
  }
}

void ZoneSums::add(const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction_now,
                   const StoredAs& stored, FixedPoint* sums, FixedPoint* areas) {
  const bool tiles = !fraction_.empty();
  CellLayers fraction = fraction_now;
  if (fraction.empty())
    for (const auto& f : fraction_) fraction.push_back(&f);
  if (stock.size() != cells_) throw std::logic_error("ZoneSums: one stock per cell expected");
  if (tiles && (tile_stock.size() != fraction_.size() || fraction.size() != fraction_.size()))
    throw std::logic_error("ZoneSums: tile stocks expected");
  const std::size_t per_zone = class_names_.size() + 1, nd = dense_layers_.size();
  auto fixed = [](double v) {
    try {
      return to_fixed_point(v);
    } catch (const std::range_error&) {
      throw InputError("soil carbon stock " + format_number("%g", v) +
                       " t ha-1 of a land cell is beyond what the totals add up (|stock| < 1.1e12 t ha-1)");
    }
  };
  std::vector<FixedPoint> qc(tiles ? fraction_.size() : 0);
  for (std::size_t i = 0; i < cells_; ++i) {
    FixedPoint q = 0;
    const std::size_t cls = tiles ? 0 : 1 + static_cast<std::size_t>(land_class_[i]);
    // a class's term: its share of the cell times its tile's stock as stored; the cell's stock is the sum of
    // its classes' terms, so that the classes add up to "all" exactly
    for (std::size_t c = 0; c < qc.size(); ++c) {
      const double f = (*fraction[c])[i];
      qc[c] = f > 0.0 ? fixed(f * stored((*tile_stock[c])[i])) : 0;
      q += qc[c];
    }
    if (!tiles) q = fixed(stored(stock[i]));
    const std::int32_t* dense = dense_slot_.data() + i * nd;
    for (std::size_t d = 0; d < nd; ++d)
      if (dense[d] >= 0) {
        sums[dense[d]] += q;
        if (!tiles) sums[static_cast<std::size_t>(dense[d]) + cls] += q;
        for (std::size_t c = 0; c < qc.size(); ++c) {
          sums[static_cast<std::size_t>(dense[d]) + 1 + c] += qc[c];
          const double f = (*fraction[c])[i];
          if (f > 0.0) areas[static_cast<std::size_t>(dense[d]) + 1 + c] += to_fixed_point(f);
        }
      }
    for (const std::size_t l : shared_layers_) {
      const auto& layer = layers_[l];
      for (auto k = layer.offset[i]; k < layer.offset[i + 1]; ++k) {
        FixedPoint* zone = sums + base_[l] + static_cast<std::size_t>(layer.member_zone[static_cast<size_t>(k)]) * per_zone;
        const auto w = layer.member_weight[static_cast<size_t>(k)];
        zone[0] += q * w;
        if (!tiles) zone[cls] += q * w;
        FixedPoint* area = areas + (zone - sums);
        for (std::size_t c = 0; c < qc.size(); ++c) {
          zone[1 + c] += qc[c] * w;
          const double f = (*fraction[c])[i];
          if (f > 0.0) area[1 + c] += to_fixed_point(f) * w;
        }
      }
    }
  }
}

void ZoneSums::add_start(const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction,
                         const StoredAs& stored) {
  add(stock, tile_stock, fraction, stored, start_.data(), area_time_.data());
}

void ZoneSums::add_year(int y, const std::vector<double>& stock, const CellLayers& tile_stock, const CellLayers& fraction,
                        const StoredAs& stored) {
  add(stock, tile_stock, fraction, stored, year_.data() + slots_ * static_cast<std::size_t>(y),
      area_time_.data() + slots_ * static_cast<std::size_t>(y + 1));
}

double ZoneSums::national_TgC(MPI_Comm comm, const std::vector<double>& stock, double cell_area_ha,
                              const StoredAs& stored) const {
  std::vector<FixedPoint> sum(1, 0);
  for (const double v : stock) {
    const double x = stored(v);
    try {
      sum[0] += to_fixed_point(x);
    } catch (const std::range_error&) {
      throw InputError("soil carbon stock " + format_number("%g", x) + " t ha-1 of a land cell is beyond what the "
                       "totals add up (|stock| < 1.1e12 t ha-1)");
    }
  }
  sum_over_ranks(comm, sum);
  return to_double(sum[0]) * cell_area_ha * 1e-6;
}

TotalsTable ZoneSums::reduce(MPI_Comm comm, double cell_area_ha) const {
  std::vector<FixedPoint> all = start_;
  all.insert(all.end(), year_.begin(), year_.end());
  sum_over_ranks(comm, all);
  std::vector<std::int64_t> weight = weight_;
  MPI_Allreduce(MPI_IN_PLACE, weight.data(), static_cast<int>(weight.size()), MPI_INT64_T, MPI_SUM, comm);
  std::vector<FixedPoint> area_time = area_time_;
  if (!fraction_.empty()) sum_over_ranks(comm, area_time);
  const int years = slots_ ? static_cast<int>(year_.size() / slots_) : 0;
  TotalsTable t;
  t.cell_area_ha = cell_area_ha;
  const std::size_t per_zone = class_names_.size() + 1;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const auto& layer = layers_[l];
    const double den = layer.denominator;
    for (std::size_t z = 0; z < layer.zones.size(); ++z)
      for (std::size_t c = 0; c < per_zone; ++c) {
        const std::size_t slot = base_[l] + z * per_zone + c;
        const bool shares = c > 0 && !fraction_.empty();
        if (!shares && weight[slot] == 0) continue;
        TotalsRow row;
        row.kind = layer.kind;
        row.code = layer.zones[z].code;
        row.name = layer.zones[z].name;
        row.land_cover = c == 0 ? "all" : class_names_[c - 1];
        // sub-cells, exact below 2^53; a class of fractions: the sum of its shares of them (at the start, and in
        // each year: land-use change moves them)
        const double w = shares ? to_double(area_time[slot]) : static_cast<double>(weight[slot]);
        bool ever = w > 0.0;
        for (int y = 0; shares && y < years; ++y) ever = ever || area_time[slots_ * static_cast<std::size_t>(y + 1) + slot] > 0;
        if (!ever) continue;
        row.area_ha = w / den * cell_area_ha;
        row.start_TgC = to_double(all[slot], den) * cell_area_ha * 1e-6;
        row.start_t_ha = w > 0.0 ? to_double(all[slot]) / w : 0.0;
        for (int y = 0; y < years; ++y) {
          const FixedPoint s = all[slots_ * static_cast<std::size_t>(y + 1) + slot];
          const double wy = shares ? to_double(area_time[slots_ * static_cast<std::size_t>(y + 1) + slot]) : w;
          row.TgC.push_back(to_double(s, den) * cell_area_ha * 1e-6);
          row.t_ha.push_back(wy > 0.0 ? to_double(s) / wy : 0.0);
          if (shares) row.area_ha_year.push_back(wy / den * cell_area_ha);
        }
        t.rows.push_back(std::move(row));
      }
  }
  return t;
}

}  // namespace alamod::engine
