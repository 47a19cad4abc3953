# The house rules of docs/ARCHITECTURE.md that a test can check: a model lives in its kernel folder and its
# one binding file (no model-name test anywhere else, kernels included by their binding only, one
# registry line each).
alamod_script_test(model_names_in_bindings_only /usr/bin/python3
  ${CMAKE_SOURCE_DIR}/tests/integration/check_model_names.py --alamod $<TARGET_FILE:alamod> --root ${CMAKE_SOURCE_DIR})
