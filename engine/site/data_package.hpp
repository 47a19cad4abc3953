#pragma once
/// The Frictionless Data Package descriptor of a site folder (data/sites/README.md): DIR/datapackage.json
/// read with the strict JSON reader and checked against the folder, so that a package that does not
/// describe its files is refused before any run.
#include <string>

namespace alamod::engine {

/// Check DIR/datapackage.json (nothing to do when the folder has none):
/// - valid JSON (json_reader.hpp), an object with a non-empty `resources` array;
/// - each resource an object with a `name` (a string, unique in the package) and either inline `data`
///   or a `path`: a string or an array of strings, each relative inside the folder (no `..`, not
///   absolute) and naming a regular file that exists (a URL, `scheme://...`, is not fetched);
/// - a resource with a table schema (an inline object, or a relative path to a JSON file) that lists
///   `fields`: every field an object with a string `name`, and the names equal the columns of the CSV
///   header row in order (the row is the dialect's `headerRows`, default [1], physical lines counted
///   from 1; the separator its `delimiter`, default ',').
/// Throws alamod::InputError naming the file and the JSON path of the problem, e.g.
///   `DIR/datapackage.json ($.resources[3].path): 'forcing_nil.csv' not found in DIR, expected ...`
/// (a syntax error names FILE:LINE:COLUMN instead).
void check_data_package(const std::string& dir);

}  // namespace alamod::engine
