#include "grids/checkpoint_file.hpp"

#include <netcdf_meta.h>
#if !NC_HAS_PARALLEL4
#error "alamod needs the parallel netCDF-4 headers (libnetcdf-mpi-dev), not the serial ones"
#endif
#include <netcdf.h>
#include <netcdf_par.h>

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "grids/input_error.hpp"
#include "grids/output_files.hpp"

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
}  // namespace

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
                     std::map<std::string, std::string>& text_attributes) {
  int ncid;
  if (nc_open_par(path.c_str(), NC_NOWRITE, comm, MPI_INFO_NULL, &ncid) != NC_NOERR)
    throw InputError(path + ": checkpoint not found or not a NetCDF-4 file");
  struct Closer {
    int id;
    ~Closer() { nc_close(id); }
  } closer{ncid};
  int dim;
  size_t len = 0;
  if (nc_inq_dimid(ncid, "land_cell", &dim) != NC_NOERR || nc_inq_dimlen(ncid, dim, &len) != NC_NOERR)
    throw InputError(path + ": not an alamod checkpoint (no land_cell dimension)");
  if (static_cast<std::int64_t>(len) != slice.land_total)
    throw InputError(path + ": checkpoint holds " + std::to_string(len) + " land cells but this run has " +
                     std::to_string(slice.land_total) + " (another grid or land mask?)");
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
  for (const auto& name : names) {
    int id;
    if (nc_inq_varid(ncid, name.c_str(), &id) != NC_NOERR)
      throw InputError(path + ": checkpoint has no variable '" + name + "'");
    nc_var_par_access(ncid, id, NC_COLLECTIVE);
    auto& v = fields[name];
    v.resize(static_cast<size_t>(slice.count));
    const size_t start = static_cast<size_t>(slice.first), count = static_cast<size_t>(slice.count);
    const int rc = nc_get_vara_double(ncid, id, &start, &count, v.data());
    if (rc != NC_NOERR) throw InputError(path + ": reading '" + name + "' failed: " + nc_strerror(rc));
  }
}

}  // namespace alamod::grids
