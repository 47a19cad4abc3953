#include "engine/grid_run/ensemble.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "engine/common/atomic_file.hpp"
#include "engine/common/collective.hpp"
#include "engine/common/csv_line.hpp"
#include "engine/common/number_format.hpp"
#include "engine/grid_run/model_comparison.hpp"
#include "engine/totals/report.hpp"
#include "engine/model_bindings/model_binding.hpp"
#include "grids/input_error.hpp"
#include "grids/output_files.hpp"
#include "grids/sha256.hpp"

namespace alamod::engine {

namespace {

std::string number(double v) { return format_number("%.17g", v); }

std::string member_dir(int k) {
  char b[32];
  std::snprintf(b, sizeof b, "member_%03d", k + 1);
  return b;
}

/// DIR/totals.csv (every member's rows, `member` first) and DIR/totals_quantiles.csv; returns the national
/// series' quantiles (every land cover, per scenario) for the report, the start (stock - change) first.
std::vector<EnsembleBandSeries> write_ensemble_totals(const std::string& dir, int members) {
  std::string header;
  std::ostringstream all;
  // per row key (the columns before area_ha), per quantity: the members' values
  std::vector<std::string> keys;
  std::map<std::string, std::vector<std::vector<double>>> values;  // key -> quantity -> members
  std::map<std::string, std::string> area;
  const char* quantities[] = {"soc_TgC", "change_TgC", "rate_per_mille_yr"};
  for (int k = 0; k < members; ++k) {
    const std::string path = dir + "/" + member_dir(k) + "/totals.csv";
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot be read (member " + std::to_string(k + 1) + " wrote no totals)");
    std::string h;
    std::getline(in, h);
    if (header.empty()) {
      header = h;
      all << "member," << h << "\n";
    } else if (h != header) {
      throw InputError(path + ": its columns differ from member 1's");
    }
    const auto cols = csv_fields(header);
    const auto col = [&](const char* name) {
      const auto it = std::find(cols.begin(), cols.end(), name);
      if (it == cols.end()) throw InputError(path + ": no column '" + std::string(name) + "'");
      return static_cast<size_t>(it - cols.begin());
    };
    const size_t c_area = col("area_ha");
    size_t c_q[3];
    for (int q = 0; q < 3; ++q) c_q[q] = col(quantities[q]);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      all << (k + 1) << "," << line << "\n";
      const auto f = csv_fields(line);
      std::string key;
      for (size_t c = 0; c < c_area; ++c) key += (c ? "," : "") + csv_field(f[c]);
      auto& v = values[key];
      if (v.empty()) {
        keys.push_back(key);
        v.assign(3, {});
        area[key] = f[c_area];
      }
      for (int q = 0; q < 3; ++q) v[static_cast<size_t>(q)].push_back(std::stod(f[c_q[q]]));
    }
  }
  write_output_atomically(dir + "/totals.csv", all.str());
  std::ostringstream qt;
  const auto cols = csv_fields(header);
  for (size_t c = 0; c < cols.size() && cols[c] != "area_ha"; ++c) qt << cols[c] << ",";
  qt << "area_ha,members";
  for (const char* q : quantities) qt << "," << q << "_p05," << q << "_p50," << q << "_p95";
  qt << "\n";
  for (const auto& key : keys) {
    auto& v = values[key];
    qt << key << "," << area[key] << "," << v[0].size();
    for (auto& members_values : v) {
      std::sort(members_values.begin(), members_values.end());
      for (double q : {0.05, 0.50, 0.95}) qt << "," << number(sorted_quantile(members_values, q));
    }
    qt << "\n";
  }
  write_output_atomically(dir + "/totals_quantiles.csv", qt.str());
  // the national series: per scenario, the start (stock - change of its first year) then each year's stock
  std::vector<EnsembleBandSeries> series;
  const auto at = [&](const char* name) {
    const auto it = std::find(cols.begin(), cols.end(), name);
    return it == cols.end() ? cols.size() : static_cast<size_t>(it - cols.begin());
  };
  const size_t c_scenario = at("scenario"), c_year = at("year"), c_kind = at("zone_kind"), c_name = at("zone_name"),
               c_cover = at("land_cover");
  if (std::max({c_scenario, c_year, c_kind, c_name, c_cover}) >= cols.size()) return series;
  for (const auto& key : keys) {
    const auto f = csv_fields(key);
    if (f.size() <= c_cover || f[c_kind] != "country" || f[c_cover] != "all") continue;
    auto it = std::find_if(series.begin(), series.end(), [&](const auto& x) { return x.scenario == f[c_scenario]; });
    auto& v = values[key];  // each quantity sorted above
    if (it == series.end()) {
      series.push_back({f[c_scenario], f[c_name], "", {}, {}, {}, {}});
      it = series.end() - 1;
    }
    const double year = std::stod(f[c_year]);
    it->year.push_back(year + 1.0);
    it->p05.push_back(sorted_quantile(v[0], 0.05));
    it->p50.push_back(sorted_quantile(v[0], 0.50));
    it->p95.push_back(sorted_quantile(v[0], 0.95));
  }
  // the start: per member, stock - change of the first year of each scenario's series
  for (auto& s : series) {
    const std::string first_year = std::to_string(static_cast<long>(s.year.front() - 1.0));
    std::vector<double> start;
    for (int k = 0; k < members; ++k) {
      std::ifstream in(dir + "/" + member_dir(k) + "/totals.csv");
      std::string line;
      std::getline(in, line);
      while (std::getline(in, line)) {
        const auto f = csv_fields(line);
        if (f.size() != cols.size() || f[c_scenario] != s.scenario || f[c_year] != first_year ||
            f[c_kind] != "country" || f[c_cover] != "all")
          continue;
        start.push_back(std::stod(f[at("soc_TgC")]) - std::stod(f[at("change_TgC")]));
        break;
      }
    }
    if (static_cast<int>(start.size()) != members) continue;
    std::sort(start.begin(), start.end());
    s.year.insert(s.year.begin(), s.year.front() - 1.0);
    s.p05.insert(s.p05.begin(), sorted_quantile(start, 0.05));
    s.p50.insert(s.p50.begin(), sorted_quantile(start, 0.50));
    s.p95.insert(s.p95.begin(), sorted_quantile(start, 0.95));
  }
  return series;
}

}  // namespace

int ensemble_groups(int requested, int size, int members) {
  const int most = std::min(size, members);
  if (requested == 0) return most;
  if (requested < 1 || requested > most)
    throw InputError("--ensemble-groups " + std::to_string(requested) + ": between 1 and " + std::to_string(most) +
                     " (the fewer of the " + std::to_string(size) + " rank(s) and the " + std::to_string(members) +
                     " members; 0 chooses that)");
  return requested;
}

namespace {

/// A communicator freed when it goes out of scope (collective over it: every rank of the group leaves together).
struct GroupComm {
  MPI_Comm comm = MPI_COMM_NULL;
  ~GroupComm() {
    if (comm != MPI_COMM_NULL) MPI_Comm_free(&comm);
  }
};

}  // namespace

void run_ensemble(MPI_Comm comm, const RunConfig& cfg, const GridRunOptions& options, const EnsembleOptions& e) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  if (!cfg.models.empty()) throw InputError("--ensemble runs one model: the configuration lists several (model = [...])");
  const EnsembleDraws d = draw_ensemble(e, cfg.model);
  const int groups = ensemble_groups(e.groups, size, e.members);
  const int group = ensemble_group_of(rank, size, groups);
  grids::on_rank0(comm, [&] {
    create_output_folder(options.out_dir);
    std::ostringstream p;
    p << "member,seed,source";
    for (const auto& name : d.names) p << "," << name;
    p << "\n";
    for (size_t k = 0; k < d.values.size(); ++k) {
      p << (k + 1) << "," << e.seed << "," << d.source;
      for (double v : d.values[k]) p << "," << number(v);
      p << "\n";
    }
    write_output_atomically(options.out_dir + "/ensemble_parameters.csv", p.str());
  });
  // members x cells: G groups of contiguous ranks, each running its members over its own cell partition
  GroupComm g;
  MPI_Comm_split(comm, group, rank, &g.comm);
  int group_rank = 0, group_size = 1;
  MPI_Comm_rank(g.comm, &group_rank);
  MPI_Comm_size(g.comm, &group_size);
  if (rank == 0 && !options.quiet)
    std::printf("parameter ensemble: %d members of %s drawn from the %s of %s (seed %llu), on %d group(s) of "
                "%d-%d rank(s), each member over its group's ranks into %s/member_NNN/\n",
                e.members, cfg.model.c_str(), d.source.c_str(), e.fit.c_str(), static_cast<unsigned long long>(e.seed),
                groups, size / groups, (size + groups - 1) / groups, options.out_dir.c_str());
  std::fflush(stdout);
  // round r: member k = group + G r on each group; after each round every rank agrees on a failure (the lowest
  // failing rank's message on every rank) or a stop signal, so that no group waits for one that has left
  const int rounds = (e.members + groups - 1) / groups;
  for (int round = 0; round < rounds; ++round) {
    const int k = group + groups * round;
    std::string failure;
    int stopped = 0;
    std::string stop_message;
    if (k < e.members) {
      try {
        RunConfig one = cfg;
        std::string applied = "\n# ensemble member " + std::to_string(k + 1) + " of " + std::to_string(e.members) +
                              " (seed " + std::to_string(e.seed) + ", " + d.source + " of " + e.fit + "):";
        for (size_t j = 0; j < d.names.size(); ++j) {
          auto& mp = one.model_parameters;
          const auto it = std::find_if(mp.begin(), mp.end(), [&](const auto& p) { return p.first == d.names[j]; });
          if (it != mp.end()) it->second = d.values[static_cast<size_t>(k)][j];
          else mp.emplace_back(d.names[j], d.values[static_cast<size_t>(k)][j]);
          applied += " " + d.names[j] + " = " + number(d.values[static_cast<size_t>(k)][j]);
        }
        one.resolved += applied + "\n";
        one.sha256 = grids::sha256_hex(one.resolved);
        one.science_sha256 = grids::sha256_hex(one.science_sha256 + applied);
        GridRunOptions o = options;
        o.out_dir = options.out_dir + "/" + member_dir(k);
        // one group's lines (several groups' would interleave): the other groups print nothing
        o.quiet = options.quiet || group != 0;
        o.silent = group != 0;
        int state = 1;
        if (!options.restart.empty()) {
          if (group_rank == 0) state = output_state(o.out_dir, cfg.output_name);
          MPI_Bcast(&state, 1, MPI_INT, 0, g.comm);
          if (state == 0) o.restart.clear();
        }
        // only the world's rank 0 (group 0's first) writes to stdout: the round's members, then its own progress
        if (rank == 0 && !options.quiet) {
          const int last = std::min(e.members, groups * (round + 1));
          if (last == k + 1)
            std::printf("== member %d of %d (%d rank(s))%s\n", k + 1, e.members, group_size,
                        state == 2 ? ": complete, kept" : "");
          else
            std::printf("== members %d-%d of %d, one per group of ranks (round %d of %d); member %d%s\n", k + 1, last,
                        e.members, round + 1, rounds, k + 1,
                        state == 2 ? ": complete, kept" : "'s progress below (the other groups run quietly)");
          std::fflush(stdout);
        }
        if (state != 2) {
          GridRun run(g.comm, std::move(one), o);
          run.run();
        }
      } catch (const StoppedForRestart& s) {
        stopped = 1;
        stop_message = s.what();
      } catch (const InputError& x) {
        failure = "ensemble member " + std::to_string(k + 1) + " of " + std::to_string(e.members) + " (" +
                  member_dir(k) + ", its parameters in ensemble_parameters.csv): " + x.what();
      }
    }
    collectively(comm, [&] {
      if (!failure.empty()) throw InputError(failure);
    });
    int any_stopped = 0;
    MPI_Allreduce(&stopped, &any_stopped, 1, MPI_INT, MPI_MAX, comm);
    if (any_stopped)
      throw StoppedForRestart(stopped ? stop_message
                                      : "stopped by a signal while another group ran its member; finished members "
                                        "are kept (continue with --restart)");
  }
  if (!cfg.totals) return;
  // the bands gathered across the groups: every member's totals.csv, written by its group, read on rank 0
  collectively(comm, [&] {
    if (rank != 0) return;
    auto series = write_ensemble_totals(options.out_dir, e.members);
    if (!options.quiet)
      std::printf("wrote %s/totals.csv (every member's totals) and %s/totals_quantiles.csv (5, 50, 95 %%)\n",
                  options.out_dir.c_str(), options.out_dir.c_str());
    if (!cfg.totals_report) return;
    EnsembleReport r;
    r.model = cfg.model;
    r.members = e.members;
    r.description = cfg.model + " \u00b7 " + std::to_string(e.members) + " members drawn from the " + d.source +
                    " of " + e.fit + " (seed " + std::to_string(e.seed) + ")";  // the same page on any rank count
    for (auto& s : series) s.depth = "0\u2013" + format_number("%g", cfg.soil_depth_cm) + " cm";
    r.series = std::move(series);
    for (int k = 0; k < e.members; ++k) r.member_dirs.push_back(member_dir(k));
    write_ensemble_report(options.out_dir, r);
    if (!options.quiet) std::printf("wrote %s/report.html (the national series with its 5-95 %% band)\n", options.out_dir.c_str());
  });
}

}  // namespace alamod::engine
