#include "grids/checkpoint_file.hpp"

#include <netcdf_meta.h>
#if !NC_HAS_PARALLEL4
#error "alamod needs the parallel netCDF-4 headers (libnetcdf-mpi-dev), not the serial ones"
#endif
#include <netcdf.h>
#include <netcdf_par.h>

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "grids/input_error.hpp"
#include "grids/output_files.hpp"
#include "grids/sha256.hpp"

namespace alamod::grids {

namespace {
// A failed call while writing (collective): OutputError, after which no collective call is safe.
void check(int rc, const std::string& what) {
  if (rc != NC_NOERR) {
    const int error_number = errno;
    throw OutputError(what + ": " + nc_strerror(rc), "", error_number);
  }
}

std::string text_attribute(int ncid, const char* name) {
  size_t len = 0;
  nc_type type;
  if (nc_inq_att(ncid, NC_GLOBAL, name, &type, &len) != NC_NOERR || type != NC_CHAR) return "";
  std::string v(len, '\0');
  if (nc_get_att_text(ncid, NC_GLOBAL, name, v.data()) != NC_NOERR) return "";
  return v;
}

/// `n` doubles into `h` as little-endian IEEE-754 (the checksum's byte order on every host).
void hash_doubles(Sha256& h, const double* v, std::size_t n) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  std::vector<unsigned char> le(8 * n);
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char b[8];
    std::memcpy(b, &v[i], 8);
    for (int k = 0; k < 8; ++k) le[8 * i + k] = b[7 - k];
  }
  h.update(le.data(), le.size());
#else
  h.update(v, 8 * n);
#endif
}

constexpr int kChecksumTag = 7311;
}  // namespace

std::string state_sha256(MPI_Comm comm, const CheckpointSlice& slice,
                         const std::map<std::string, std::vector<double>>& fields) {
  // Each block of kChecksumBlockCells land cells is hashed by the rank that holds its first cell; the
  // cells of a block beyond that rank's slice (the leading cells of the next slices) are sent to it.
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const std::int64_t B = kChecksumBlockCells, total = slice.land_total;
  std::vector<std::int64_t> first(static_cast<size_t>(size)), count(static_cast<size_t>(size));
  MPI_Allgather(&slice.first, 1, MPI_INT64_T, first.data(), 1, MPI_INT64_T, comm);
  MPI_Allgather(&slice.count, 1, MPI_INT64_T, count.data(), 1, MPI_INT64_T, comm);
  auto owner_of = [&](std::int64_t cell) {
    for (int r = 0; r < size; ++r)
      if (count[r] > 0 && first[r] <= cell && cell < first[r] + count[r]) return r;
    return -1;
  };
  // the leading cells of rank r's slice that belong to a block started by another rank
  auto lead = [&](int r) -> std::int64_t {
    if (count[r] == 0 || first[r] % B == 0) return 0;
    return std::min(count[r], (first[r] / B + 1) * B - first[r]);
  };
  const size_t nf = fields.size();
  const std::int64_t end = slice.first + slice.count;
  std::vector<MPI_Request> requests;
  std::vector<double> send;
  if (const std::int64_t n = lead(rank); n > 0) {
    const int to = owner_of((slice.first / B) * B);
    if (to < 0) throw std::runtime_error("checkpoint checksum: the ranks' slices do not cover the land cells");
    send.reserve(nf * static_cast<size_t>(n));
    for (const auto& kv : fields) send.insert(send.end(), kv.second.begin(), kv.second.begin() + n);
    requests.emplace_back();
    MPI_Isend(send.data(), static_cast<int>(send.size()), MPI_DOUBLE, to, kChecksumTag, comm, &requests.back());
  }
  // the slices whose leading cells complete this rank's last block, in land order
  std::vector<int> from;
  for (int q = 0; q < size; ++q)
    if (q != rank && lead(q) > 0 && slice.count > 0 && owner_of((first[q] / B) * B) == rank) from.push_back(q);
  std::sort(from.begin(), from.end(), [&](int a, int b) { return first[a] < first[b]; });
  std::vector<std::vector<double>> received(from.size());
  for (size_t k = 0; k < from.size(); ++k) {
    received[k].resize(nf * static_cast<size_t>(lead(from[k])));
    requests.emplace_back();
    MPI_Irecv(received[k].data(), static_cast<int>(received[k].size()), MPI_DOUBLE, from[k], kChecksumTag, comm,
              &requests.back());
  }
  MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);

  // the digests of the blocks this rank starts, into its place of every field's row of digests
  const std::int64_t blocks = (total + B - 1) / B;
  std::vector<unsigned char> digests(nf * static_cast<size_t>(blocks) * 32, 0);
  if (slice.count > 0) {
    const std::int64_t b0 = (slice.first + B - 1) / B, b1 = (end - 1) / B;  // blocks starting here: b0..b1
    size_t f = 0;
    for (const auto& [name, values] : fields) {
      for (std::int64_t b = b0; b <= b1; ++b) {
        const std::int64_t lo = b * B, hi = std::min(total, lo + B);
        Sha256 h;
        hash_doubles(h, values.data() + (lo - slice.first), static_cast<size_t>(std::min(hi, end) - lo));
        if (hi > end)
          for (size_t k = 0; k < from.size(); ++k) {
            const size_t n = static_cast<size_t>(lead(from[k]));
            hash_doubles(h, received[k].data() + f * n, n);
          }
        const auto d = h.digest();
        std::copy(d.begin(), d.end(), digests.begin() + static_cast<std::ptrdiff_t>((f * blocks + b) * 32));
      }
      ++f;
    }
  }
  MPI_Allreduce(MPI_IN_PLACE, digests.data(), static_cast<int>(digests.size()), MPI_UNSIGNED_CHAR, MPI_BOR, comm);
  Sha256 all;
  size_t f = 0;
  for (const auto& kv : fields) {
    all.update(kv.first.data(), kv.first.size() + 1);  // the name and its terminating zero byte
    all.update(digests.data() + f * blocks * 32, static_cast<size_t>(blocks) * 32);
    ++f;
  }
  return all.hex();
}

CheckpointKind classify_checkpoint(const std::string& path, const std::string& output_name) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return CheckpointKind::missing;
  if (!S_ISREG(st.st_mode) || !has_hdf5_signature(path)) return CheckpointKind::foreign;
  int ncid = -1;
  if (nc_open(path.c_str(), NC_NOWRITE, &ncid) != NC_NOERR) return CheckpointKind::damaged;
  CheckpointKind kind = CheckpointKind::foreign;
  size_t len = 0;
  if (nc_inq_attlen(ncid, NC_GLOBAL, "alamod_checkpoint_next_year", &len) == NC_NOERR &&
      (output_name.empty() || text_attribute(ncid, "alamod_output_file") == output_name))
    kind = CheckpointKind::checkpoint;
  nc_close(ncid);
  return kind;
}

void write_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointSlice& slice,
                      const std::map<std::string, std::vector<double>>& fields,
                      const std::map<std::string, std::string>& text_attributes) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  const std::string tmp = path + ".incomplete";
  const auto named = text_attributes.find("alamod_output_file");
  const std::string output_name = named == text_attributes.end() ? std::string() : named->second;
  // an earlier unfinished checkpoint is removed; a link or anything else there is refused
  on_rank0(comm, [&] { clear_temporary(tmp); });
  int ncid = -1;
  try {
    // NC_NOCLOBBER: created exclusively, never through a link planted since
    const int rc = nc_create_par(tmp.c_str(), NC_NETCDF4 | NC_NOCLOBBER, comm, MPI_INFO_NULL, &ncid);
    if (rc != NC_NOERR) ncid = -1;
    check(rc, "creating " + tmp);
    int dim;
    check(nc_def_dim(ncid, "land_cell", static_cast<size_t>(slice.land_total), &dim), "checkpoint dim");
    std::map<std::string, int> ids;
    for (const auto& [name, values] : fields) {
      int id;
      check(nc_def_var(ncid, name.c_str(), NC_DOUBLE, 1, &dim, &id), "checkpoint variable " + name);
      check(nc_def_var_fill(ncid, id, NC_NOFILL, nullptr), "checkpoint no fill");
      ids[name] = id;
    }
    for (const auto& [k, v] : text_attributes)
      check(nc_put_att_text(ncid, NC_GLOBAL, k.c_str(), v.size(), v.c_str()), "checkpoint attribute " + k);
    check(nc_enddef(ncid), "ending definitions of " + tmp);
    for (const auto& [name, values] : fields) {
      check(nc_var_par_access(ncid, ids[name], NC_COLLECTIVE), "checkpoint collective");
      const size_t start = static_cast<size_t>(slice.first), count = static_cast<size_t>(slice.count);
      check(nc_put_vara_double(ncid, ids[name], &start, &count, values.data()), "writing " + name + " to " + tmp);
    }
    const int id = ncid;
    ncid = -1;  // closed, or (after a failed close) closed below without flushing
    const int rc_close = nc_close(id);
    if (rc_close != NC_NOERR) ncid = id;
    check(rc_close, "closing " + tmp);
  } catch (const OutputError& e) {
    // closing is collective in parallel: only one rank closes (without flushing) after a failure
    if (ncid >= 0 && size == 1) nc_abort(ncid);
    if (is_regular_file(tmp)) std::remove(tmp.c_str());
    throw OutputError(e.what(), tmp, e.error_number());
  }
  MPI_Barrier(comm);
  // the checkpoint replaces only an earlier checkpoint of this output (never a link or a look-alike)
  on_rank0(comm, [&] {
    const CheckpointKind there = classify_checkpoint(path, output_name);
    if (there == CheckpointKind::foreign) {
      std::remove(tmp.c_str());
      struct stat st {};
      const std::string what = lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)
                                   ? file_kind(st.st_mode)
                                   : std::string("a file that is not one of this output's checkpoints");
      throw InputError(path + ": alamod writes a checkpoint under this name, but " + what +
                       " is there; move it away (alamod does not replace it)");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
      const int e = errno;
      std::remove(tmp.c_str());
      throw InputError(path + ": cannot rename " + tmp + " to it (" + std::strerror(e) + ")");
    }
  });
}

void read_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointSlice& slice,
                     const std::vector<std::string>& names, std::map<std::string, std::vector<double>>& fields,
                     std::map<std::string, std::string>& text_attributes,
                     const std::function<void(const std::map<std::string, std::string>&)>& accept) {
  int ncid;
  if (const int rc = nc_open_par(path.c_str(), NC_NOWRITE, comm, MPI_INFO_NULL, &ncid); rc != NC_NOERR)
    throw DamagedCheckpoint(path + ": the checkpoint cannot be opened as a NetCDF-4 file (" + nc_strerror(rc) +
                            "): missing, truncated or overwritten");
  struct Closer {
    int id;
    ~Closer() { nc_close(id); }
  } closer{ncid};
  int dim;
  size_t len = 0;
  if (nc_inq_dimid(ncid, "land_cell", &dim) != NC_NOERR || nc_inq_dimlen(ncid, dim, &len) != NC_NOERR)
    throw DamagedCheckpoint(path + ": not an alamod checkpoint, or a damaged one (no land_cell dimension)");
  int natts = 0;
  nc_inq_natts(ncid, &natts);
  for (int i = 0; i < natts; ++i) {
    char name[NC_MAX_NAME + 1];
    nc_inq_attname(ncid, NC_GLOBAL, i, name);
    nc_type t;
    size_t n;
    nc_inq_att(ncid, NC_GLOBAL, name, &t, &n);
    if (t != NC_CHAR) continue;
    std::string v(n, '\0');
    nc_get_att_text(ncid, NC_GLOBAL, name, v.data());
    text_attributes[name] = v;
  }
  if (accept) accept(text_attributes);
  if (static_cast<std::int64_t>(len) != slice.land_total)
    throw InputError(path + ": checkpoint holds " + std::to_string(len) + " land cells but this run has " +
                     std::to_string(slice.land_total) + " (another grid or land mask?)");
  for (const auto& name : names) {
    int id;
    if (nc_inq_varid(ncid, name.c_str(), &id) != NC_NOERR)
      throw DamagedCheckpoint(path + ": the checkpoint has no variable '" + name + "'");
    nc_var_par_access(ncid, id, NC_COLLECTIVE);
    auto& v = fields[name];
    v.resize(static_cast<size_t>(slice.count));
    const size_t start = static_cast<size_t>(slice.first), count = static_cast<size_t>(slice.count);
    const int rc = nc_get_vara_double(ncid, id, &start, &count, v.data());
    if (rc != NC_NOERR)
      throw DamagedCheckpoint(path + ": reading the checkpoint's variable '" + name + "' failed: " + nc_strerror(rc));
  }
}

}  // namespace alamod::grids
