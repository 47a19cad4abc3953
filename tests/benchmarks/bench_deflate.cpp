// How fast the output's compression can go: one year of a run's output fields (every time-varying
// float variable of one year), cut into the file's chunks (64 grid rows), byte-shuffled as HDF5's
// shuffle filter does and compressed by libdeflate at levels 1-6, as the output filter does.
//
//   ALAMOD_DEFLATE_INPUT=DIR/carbon_yearly.nc [ALAMOD_DEFLATE_YEAR=5] build/tests/benchmarks/bench_deflate
//
// BM_ShuffleLowBytesByRuns: the same with output.deflate_low_bytes = "runs".
// bytes_per_second is uncompressed bytes through shuffle + deflate on one core; `ratio` is compressed /
// uncompressed. The input is a float output of `alamod run` (output.precision = "float", the default).
#include <benchmark/benchmark.h>
#include <libdeflate.h>
#include <netcdf.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "grids/fast_deflate.hpp"

namespace {

struct YearFields {
  std::vector<float> values;  // fields one after the other, each ny x nx
  size_t nx = 0, ny = 0, fields = 0;
};

void nc_check(int rc, const std::string& what) {
  if (rc != NC_NOERR) throw std::runtime_error(what + ": " + nc_strerror(rc));
}

/// Every float variable with a time axis and (y, x) last, at one time index; pooled variables give one field per pool.
YearFields load(const char* path, size_t year) {
  YearFields f;
  int ncid = -1;
  nc_check(nc_open(path, NC_NOWRITE, &ncid), std::string("opening ") + path);
  int nvars = 0;
  nc_check(nc_inq_nvars(ncid, &nvars), "listing variables");
  for (int v = 0; v < nvars; ++v) {
    nc_type type;
    int ndims = 0, dims[NC_MAX_VAR_DIMS];
    char name[NC_MAX_NAME + 1];
    nc_check(nc_inq_var(ncid, v, name, &type, &ndims, dims, nullptr), "variable");
    if (type != NC_FLOAT || ndims < 3) continue;
    char dname[NC_MAX_NAME + 1];
    nc_check(nc_inq_dimname(ncid, dims[0], dname), "dimension");
    if (std::strcmp(dname, "time") != 0) continue;
    std::vector<size_t> len(static_cast<size_t>(ndims));
    for (int d = 0; d < ndims; ++d) nc_check(nc_inq_dimlen(ncid, dims[d], &len[d]), "dimension length");
    f.ny = len[ndims - 2];
    f.nx = len[ndims - 1];
    std::vector<size_t> start(static_cast<size_t>(ndims), 0), count = len;
    start[0] = year;
    count[0] = 1;
    size_t n = 1;
    for (int d = 1; d < ndims; ++d) n *= len[d];
    const size_t at = f.values.size();
    f.values.resize(at + n);
    nc_check(nc_get_vara_float(ncid, v, start.data(), count.data(), f.values.data() + at), std::string("reading ") + name);
    f.fields += n / (f.nx * f.ny);
  }
  nc_close(ncid);
  if (f.fields == 0) throw std::runtime_error(std::string(path) + ": no float variable with a time axis");
  return f;
}

const YearFields& data() {
  static const YearFields f = [] {
    const char* path = std::getenv("ALAMOD_DEFLATE_INPUT");
    if (!path || !*path) {
      std::fprintf(stderr,
                   "bench_deflate: set ALAMOD_DEFLATE_INPUT to a float output of alamod run, e.g.\n"
                   "  mpiexec -n 2 build/engine/alamod run configs/france_1km.toml --out /tmp/d --set run.end_year=1995\n"
                   "  ALAMOD_DEFLATE_INPUT=/tmp/d/carbon_yearly.nc build/tests/benchmarks/bench_deflate\n");
      std::exit(2);
    }
    const char* y = std::getenv("ALAMOD_DEFLATE_YEAR");
    return load(path, y ? std::strtoul(y, nullptr, 10) : 5);
  }();
  return f;
}

/// Runs `compress(shuffled bytes, count)` (returning the compressed size) over every 64-row chunk of
/// every field, shuffled as HDF5's shuffle filter does, and reports bytes per second and the ratio.
template <class Compress>
void shuffle_and_compress(benchmark::State& state, Compress compress) {
  const YearFields& f = data();
  const size_t rows = 64;
  std::vector<std::uint8_t> shuffled(rows * f.nx * 4);
  size_t in_bytes = 0, out_bytes = 0;
  for (auto _ : state) {
    for (size_t fld = 0; fld < f.fields; ++fld)
      for (size_t r0 = 0; r0 < f.ny; r0 += rows) {
        const size_t m = std::min(rows, f.ny - r0) * f.nx;
        const auto* src = reinterpret_cast<const std::uint8_t*>(f.values.data() + fld * f.nx * f.ny + r0 * f.nx);
        for (size_t i = 0; i < m; ++i)
          for (size_t b = 0; b < 4; ++b) shuffled[b * m + i] = src[4 * i + b];
        const size_t k = compress(shuffled.data(), m * 4);
        benchmark::DoNotOptimize(k);
        in_bytes += m * 4;
        out_bytes += k;
      }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(in_bytes));
  state.counters["ratio"] = in_bytes ? static_cast<double>(out_bytes) / static_cast<double>(in_bytes) : 0.0;
  state.counters["fields"] = static_cast<double>(f.fields);
}

void BM_ShuffleDeflate(benchmark::State& state) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(static_cast<int>(state.range(0)));
  std::vector<std::uint8_t> out(64 * data().nx * 8 + 1024);
  shuffle_and_compress(state, [&](const std::uint8_t* p, size_t n) {
    return libdeflate_zlib_compress(c, p, n, out.data(), out.size());
  });
  libdeflate_free_compressor(c);
}
BENCHMARK(BM_ShuffleDeflate)->Arg(1)->Arg(2)->Arg(4)->Arg(6)->Unit(benchmark::kMillisecond);

/// The same chunks as the output filter codes them with output.deflate_low_bytes = "runs" (the
/// shuffled chunk's first half by runs, the second half by libdeflate at level 1).
void BM_ShuffleLowBytesByRuns(benchmark::State& state) {
  shuffle_and_compress(state, [](const std::uint8_t* p, size_t n) {
    return alamod::grids::zlib_compress(p, n, 1, n / 2).size();
  });
}
BENCHMARK(BM_ShuffleLowBytesByRuns)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
