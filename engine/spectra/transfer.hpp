#pragma once
/// Instrument transfer by piecewise direct standardisation (PDS; Wang, Veltkamp & Kowalski 1991, Anal. Chem.
/// 63:2750; Bouveresse & Massart 1996, Chemom. Intell. Lab. Syst. 32:201): transfer samples measured on the
/// instrument the model was fitted on (the master) and on a second instrument (the slave) give, for every master
/// band j, a regression of the master's value on the slave's bands in a window j-h..j+h around it:
///
///   master[j] ~ intercept[j] + sum_k F[j][k] slave[first[j] + k]
///
/// fitted by truncated SVD of the centred window (at most `components` singular vectors, those with
/// s^2 > 1e-12 s_max^2). Applied to a new slave spectrum it gives the spectrum the master would have measured,
/// which the model then preprocesses and predicts as its own. docs/SPECTRA.md, "Instrument transfer".
#include <cstddef>
#include <string>
#include <vector>

namespace alamod::engine::spectra {

struct InstrumentTransfer {
  std::string method;  ///< "pds"; empty: no transfer
  std::string stage = "raw";                ///< applied to the raw spectra, before the preprocessing
  std::size_t window = 0, components = 0;   ///< window width (odd, bands) and singular vectors kept at most
  std::size_t samples = 0;                  ///< transfer samples used
  std::string match;                        ///< column pairing master and slave rows ("" = row order)
  std::string master_file, master_sha256, slave_file, slave_sha256, command, created;
  std::vector<double> intercept;                   ///< per band
  std::vector<std::size_t> first;                  ///< per band, the first slave band of its window
  std::vector<std::vector<double>> coefficients;   ///< per band, one per band of its window
  double rms_before = 0, rms_after = 0;            ///< RMS master - slave on the transfer samples, before and after

  bool present() const { return !method.empty(); }
  /// The master-equivalent of one slave spectrum of intercept.size() bands (out may not alias in).
  void apply(const double* in, double* out) const;
};

/// Fit PDS from paired spectra: master and slave are n x p row-major (row i the same sample on both), n >= 2.
/// window: odd, 1 <= window <= p; components >= 1. Throws std::invalid_argument for impossible sizes.
InstrumentTransfer fit_pds(const std::vector<double>& master, const std::vector<double>& slave, std::size_t n,
                           std::size_t p, std::size_t window, std::size_t components);

}  // namespace alamod::engine::spectra
