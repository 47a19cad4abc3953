#include "grids/checkpoint_file.hpp"

#include <netcdf_meta.h>
#if !NC_HAS_PARALLEL4
#error "alamod needs the parallel netCDF-4 headers (libnetcdf-mpi-dev), not the serial ones"
#endif
#include <netcdf.h>
#include <netcdf_par.h>

#include <cstdio>
#include <stdexcept>

#include "grids/input_error.hpp"

namespace alamod::grids {

namespace {
void check(int rc, const std::string& what) {
  if (rc != NC_NOERR) throw std::runtime_error(what + ": " + nc_strerror(rc));
}
}  // namespace

void write_checkpoint(MPI_Comm comm, const std::string& path, const CheckpointSlice& slice,
                      const std::map<std::string, std::vector<double>>& fields,
                      const std::map<std::string, std::string>& text_attributes) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string tmp = path + ".incomplete";
  int ncid, dim;
  check(nc_create_par(tmp.c_str(), NC_NETCDF4 | NC_CLOBBER, comm, MPI_INFO_NULL, &ncid), "creating " + tmp);
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
  check(nc_enddef(ncid), "checkpoint enddef");
  for (const auto& [name, values] : fields) {
    check(nc_var_par_access(ncid, ids[name], NC_COLLECTIVE), "checkpoint collective");
    const size_t start = static_cast<size_t>(slice.first), count = static_cast<size_t>(slice.count);
    check(nc_put_vara_double(ncid, ids[name], &start, &count, values.data()), "writing checkpoint " + name);
  }
  check(nc_close(ncid), "closing " + tmp);
  MPI_Barrier(comm);
  int ok = 1;
  if (rank == 0 && std::rename(tmp.c_str(), path.c_str()) != 0) ok = 0;
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
  if (!ok) throw std::runtime_error("cannot rename " + tmp + " to " + path);
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
