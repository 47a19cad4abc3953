# Spack recipe for alamod (a CMakePackage). Not published in Spack's builtin repository: use it from a
# repository of your own (packaging/README.md):
#
#   spack repo create ~/spack-alamod && mkdir -p ~/spack-alamod/packages/alamod
#   cp packaging/spack/package.py ~/spack-alamod/packages/alamod/ && spack repo add ~/spack-alamod
#   spack env create -d alamod-env && spack -e alamod-env add alamod@main
#   spack -e alamod-env develop --path "$PWD" alamod@main      # build this checkout
#   spack -e alamod-env install                                 # add --test=root to build and run the tests
#
# Every dependency comes from its Spack prefix, named to CMake with <Package>_ROOT: the build never looks at
# the system's libraries (docs/BUILDING.md).

from spack.package import *


class Alamod(CMakePackage):
    """Soil and vegetation carbon from one long-term field site to the whole of France, on one laptop or
    thousands of MPI ranks: RothC, AMG, ICBM, Yasso, CENTURY, Millennial, MIMICS and vegetation carbon,
    run against site data, compared, calibrated with PETSc TAO, and upscaled to national scenario maps
    written in parallel as CF NetCDF-4."""

    homepage = "https://forge.example.org/alamod"  # replace with the address the project is published at
    git = "https://forge.example.org/alamod/alamod.git"  # idem; `spack develop` (above) needs neither

    version("main", branch="main")

    variant("native", default=False, description="Compile for the build machine's CPU (-march=native)")

    # Languages (Spack >= 0.23 asks for them explicitly; remove on older Spack).
    depends_on("c", type="build")
    depends_on("cxx", type="build")

    depends_on("cmake@3.20:", type="build")
    depends_on("pkgconfig", type="build")

    depends_on("mpi")
    # TAO for calibration; residuals and parameters are real doubles.
    depends_on("petsc@3.18: +mpi +double ~complex")
    # Parallel netCDF-4 output (collective, deflated): netCDF-C over MPI-IO and a parallel HDF5.
    depends_on("netcdf-c@4.7: +mpi")
    depends_on("hdf5@1.10: +mpi")
    depends_on("gdal@3.5:")  # rasters in any format and CRS; GDAL's CMake package
    depends_on("tomlplusplus@3:")
    depends_on("libdeflate")
    depends_on("udunits")  # unit strings of the site packages (alamod sites validate, complete)
    depends_on("openssl")  # libcrypto: SHA-256 of inputs and configurations (provenance)
    depends_on("zlib-api")  # spectra files read plain or gzip-compressed (alamod spectra)
    depends_on("cli11@2:", type="build")  # header-only
    depends_on("googletest@1.10:", type="test")
    depends_on("benchmark", type="test")

    def cmake_args(self):
        spec = self.spec
        return [
            self.define("MPI_C_COMPILER", spec["mpi"].mpicc),
            self.define("MPI_CXX_COMPILER", spec["mpi"].mpicxx),
            # Each root is strict: the configuration stops if the library is not found there.
            self.define("PETSC_ROOT", spec["petsc"].prefix),
            self.define("NETCDF_ROOT", spec["netcdf-c"].prefix),
            self.define("HDF5_ROOT", spec["hdf5"].prefix),
            self.define("GDAL_ROOT", spec["gdal"].prefix),
            self.define("BUILD_TESTING", self.run_tests),
            self.define("ALAMOD_INSTALL", True),  # bin/alamod, share/alamod/{configs,data}
            self.define_from_variant("ALAMOD_NATIVE", "native"),
        ]

    def check(self):
        # The suite without the tests that need a single-node SLURM (slurm_*) or Debian's packages to
        # stage (portable_build); MPI tests run on up to 3 ranks.
        with working_dir(self.build_directory):
            ctest("--output-on-failure", "-E", "^slurm_|^portable_build$")

    @run_after("install")
    @on_package_attributes(run_tests=True)
    def check_version(self):
        alamod = Executable(self.prefix.bin.alamod)
        alamod("--version")
