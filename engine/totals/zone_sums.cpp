#include "engine/totals/zone_sums.hpp"

#include <stdexcept>

#include "engine/common/number_format.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {

ZoneSums::ZoneSums(std::vector<ZoneLayer> layers, std::vector<int> land_class, std::vector<std::string> class_names,
                   int years)
    : layers_(std::move(layers)), land_class_(std::move(land_class)), class_names_(std::move(class_names)) {
  const std::size_t per_zone = class_names_.size() + 1;
  for (const auto& layer : layers_) {
    if (layer.offset.size() != land_class_.size() + 1)
      throw std::logic_error("zone layer " + layer.kind + " does not cover the cells of the totals");
    base_.push_back(slots_);
    slots_ += layer.zones.size() * per_zone;
  }
  weight_.assign(slots_, 0);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const auto& layer = layers_[l];
    for (std::size_t i = 0; i < land_class_.size(); ++i)
      for (auto k = layer.offset[i]; k < layer.offset[i + 1]; ++k) {
        const std::size_t slot = base_[l] + static_cast<std::size_t>(layer.member_zone[static_cast<size_t>(k)]) * per_zone;
        weight_[slot] += layer.member_weight[static_cast<size_t>(k)];
        weight_[slot + 1 + static_cast<std::size_t>(land_class_[i])] += layer.member_weight[static_cast<size_t>(k)];
      }
  }
  start_.assign(slots_, 0);
  year_.assign(slots_ * static_cast<std::size_t>(years), 0);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    bool whole = layers_[l].denominator == 1;
    for (std::size_t i = 0; whole && i < land_class_.size(); ++i) whole = layers_[l].offset[i + 1] - layers_[l].offset[i] <= 1;
    (whole ? dense_layers_ : shared_layers_).push_back(l);
  }
  const std::size_t nd = dense_layers_.size();
  dense_slot_.assign(land_class_.size() * nd, -1);
  for (std::size_t d = 0; d < nd; ++d) {
    const auto& layer = layers_[dense_layers_[d]];
    for (std::size_t i = 0; i < land_class_.size(); ++i)
      if (layer.offset[i + 1] > layer.offset[i])
        dense_slot_[i * nd + d] = static_cast<std::int32_t>(
            base_[dense_layers_[d]] + static_cast<std::size_t>(layer.member_zone[static_cast<size_t>(layer.offset[i])]) * per_zone);
  }
  for (const std::size_t l : dense_layers_) {  // their membership is dense_slot_ now: ~12 bytes a cell each
    auto& layer = layers_[l];
    layer.offset = {0};
    std::vector<std::int32_t>().swap(layer.member_zone);
    std::vector<std::int32_t>().swap(layer.member_weight);
  }
}

void ZoneSums::add(const std::vector<double>& stock, FixedPoint* sums) {
  if (stock.size() != land_class_.size()) throw std::logic_error("ZoneSums: one stock per cell expected");
  const std::size_t per_zone = class_names_.size() + 1, nd = dense_layers_.size();
  for (std::size_t i = 0; i < stock.size(); ++i) {
    FixedPoint q;
    try {
      q = to_fixed_point(stock[i]);
    } catch (const std::range_error&) {
      throw InputError("soil carbon stock " + format_number("%g", stock[i]) +
                       " t ha-1 of a land cell is beyond what the totals add up (|stock| < 1.1e12 t ha-1)");
    }
    const std::size_t cls = 1 + static_cast<std::size_t>(land_class_[i]);
    const std::int32_t* dense = dense_slot_.data() + i * nd;
    for (std::size_t d = 0; d < nd; ++d)
      if (dense[d] >= 0) {
        sums[dense[d]] += q;
        sums[static_cast<std::size_t>(dense[d]) + cls] += q;
      }
    for (const std::size_t l : shared_layers_) {
      const auto& layer = layers_[l];
      for (auto k = layer.offset[i]; k < layer.offset[i + 1]; ++k) {
        FixedPoint* zone = sums + base_[l] + static_cast<std::size_t>(layer.member_zone[static_cast<size_t>(k)]) * per_zone;
        const FixedPoint term = q * layer.member_weight[static_cast<size_t>(k)];
        zone[0] += term;
        zone[cls] += term;
      }
    }
  }
}

void ZoneSums::add_start(const std::vector<double>& stock) { add(stock, start_.data()); }

void ZoneSums::add_year(int y, const std::vector<double>& stock) {
  add(stock, year_.data() + slots_ * static_cast<std::size_t>(y));
}

double ZoneSums::national_TgC(MPI_Comm comm, const std::vector<double>& stock, double cell_area_ha) const {
  std::vector<FixedPoint> sum(1, 0);
  for (const double v : stock) {
    try {
      sum[0] += to_fixed_point(v);
    } catch (const std::range_error&) {
      throw InputError("soil carbon stock " + format_number("%g", v) + " t ha-1 of a land cell is beyond what the "
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
        if (weight[slot] == 0) continue;
        TotalsRow row;
        row.kind = layer.kind;
        row.code = layer.zones[z].code;
        row.name = layer.zones[z].name;
        row.land_cover = c == 0 ? "all" : class_names_[c - 1];
        const double w = static_cast<double>(weight[slot]);  // exact below 2^53 sub-cells
        row.area_ha = w / den * cell_area_ha;
        row.start_TgC = to_double(all[slot], den) * cell_area_ha * 1e-6;
        row.start_t_ha = to_double(all[slot]) / w;
        for (int y = 0; y < years; ++y) {
          const FixedPoint s = all[slots_ * static_cast<std::size_t>(y + 1) + slot];
          row.TgC.push_back(to_double(s, den) * cell_area_ha * 1e-6);
          row.t_ha.push_back(to_double(s) / w);
        }
        t.rows.push_back(std::move(row));
      }
  }
  return t;
}

}  // namespace alamod::engine
