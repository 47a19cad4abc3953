# The catalogue and portal (engine/catalogue; docs/CATALOGUE.md): `alamod catalogue build` over the shipped site
# packages, a short France 8 km run (1990-1992) and an evaluation; STAC 1.1 required fields and the datacube
# from the run's NetCDF, DCAT and schema.org JSON-LD parsed with rdflib, every link inside the folder, every page
# in headless Chromium offline (search and filters from the URL hash, no request leaving the machine,
# screenshots), bad inputs with nothing written (tests/integration/test_catalogue.py).
alamod_france_run(catalogue_run RANKS 1 OUT catalogue_run FIXTURE catalogue_run ARGS --quiet --set run.end_year=1992)

alamod_script_test(catalogue_build_and_portal /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/integration/test_catalogue.py
  --alamod $<TARGET_FILE:alamod> --source-dir ${CMAKE_SOURCE_DIR} --run ${ALAMOD_RUN_DIR}/catalogue_run
  --work ${ALAMOD_RUN_DIR}/catalogue)
set_tests_properties(catalogue_build_and_portal PROPERTIES FIXTURES_REQUIRED catalogue_run TIMEOUT 300)

# JSON written in code read back by the strict reader; the catalogue's CSV reader.
alamod_serial_test(test_catalogue SOURCES unit/test_catalogue.cpp LIBS alamod_engine)
