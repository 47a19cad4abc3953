# `alamod spectra` (engine/spectra, docs/SPECTRA.md): infrared spectra to soil properties.
# test_spectra: Savitzky-Golay coefficients against the published tables, SNV, detrend, continuum removal,
# PLS1 on exact cases (NIPALS = SIMPLS), the conformal quantile, the CSV reader's errors.
alamod_serial_test(test_spectra SOURCES unit/test_spectra.cpp LIBS alamod_engine)

# End to end with the shipped data (tests/integration/test_spectra.py):
#   spectra_nirsoil_reference: fit + predict reproduce the NIRsoil reference (RMSEP 0.7949542096, first
#     prediction 3.67440607522238, relative 1e-8) and the intervals' coverage on the test set is reported
#   spectra_rank_invariance: the cross-validated fit on 1, 2 and 3 ranks writes the same model file and the
#     same predictions, byte for byte
#   spectra_bad_input: ragged rows, non-numeric bands, another wavelength grid, unknown columns, existing
#     outputs: one line naming file, line and column, exit 1, nothing written
#   spectra_limesoda: LimeSoDa O.32 predicted fold by fold (RMSE and coverage on held-out samples) and written
#     as site observations
#   spectra_transfer: instrument transfer by PDS from 31 transfer samples to a simulated second instrument
foreach(case nirsoil_reference rank_invariance bad_input limesoda transfer)
  alamod_script_test(spectra_${case} /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_spectra.py ${case}
    --work ${ALAMOD_RUN_DIR}/spectra_${case})
  set_tests_properties(spectra_${case} PROPERTIES TIMEOUT 300)
endforeach()
set_tests_properties(spectra_rank_invariance PROPERTIES PROCESSORS 3)
