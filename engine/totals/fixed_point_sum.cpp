#include "engine/totals/fixed_point_sum.hpp"

#include <cstring>

namespace alamod::engine {

namespace {

/// MPI reduction of FixedPoint values (each sent as two 64-bit words): exact integer addition.
void add_fixed_points(void* in, void* inout, int* len, MPI_Datatype*) {
  for (int i = 0; i < *len; ++i) {
    FixedPoint a, b;
    std::memcpy(&a, static_cast<char*>(in) + sizeof(FixedPoint) * i, sizeof a);
    std::memcpy(&b, static_cast<char*>(inout) + sizeof(FixedPoint) * i, sizeof b);
    b += a;
    std::memcpy(static_cast<char*>(inout) + sizeof(FixedPoint) * i, &b, sizeof b);
  }
}

}  // namespace

void sum_over_ranks(MPI_Comm comm, std::vector<FixedPoint>& values) {
  static_assert(sizeof(FixedPoint) == 16, "FixedPoint is two 64-bit words");
  MPI_Datatype pair;
  MPI_Type_contiguous(2, MPI_INT64_T, &pair);
  MPI_Type_commit(&pair);
  MPI_Op op;
  MPI_Op_create(&add_fixed_points, 1, &op);  // commutative: integer addition
  MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), pair, op, comm);
  MPI_Op_free(&op);
  MPI_Type_free(&pair);
}

}  // namespace alamod::engine
