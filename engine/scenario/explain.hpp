#pragma once
/// `alamod scenario explain CONFIG`: the scenarios of a configuration as the run resolves them (extends
/// flattened), each intervention with its effect per hectare, where and when, its eligible and adopted area per
/// région and class (ha) on the run grid, and its adoption per year; reads the rasters, runs no model.
#include <string>

#include "engine/configuration/config.hpp"

namespace alamod::engine::scenario {

/// The explanation's text. Throws InputError on bad input (the run's messages).
std::string explain_scenarios(const RunConfig& cfg);

}  // namespace alamod::engine::scenario
