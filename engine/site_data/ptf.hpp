#pragma once
/// Bulk density of a layer from its organic carbon and texture where the data give none: the
/// pedotransfer function of Hollis, Hannam and Bellamy (2012, "Empirically-derived pedotransfer
/// functions for predicting bulk density in European soils", European Journal of Soil Science 63:96-109)
/// for cultivated topsoils of mineral soils:
///
///   BD = 0.80806 + 0.823844 exp(-0.27993 OC) + 0.0014065 sand - 0.0010299 clay      (g cm-3)
///
/// with OC the organic carbon, sand and clay the fractions of the fine earth, all in percent. Its
/// uncertainty is not a property of one prediction: `alamod sites complete` gives each estimate the
/// standard uncertainty 0.22 g cm-3 (--bd-sd), the RMSE that Chen et al. (2024, Earth System Science
/// Data 16:2367-2383) found for earlier published European pedotransfer functions against the LUCAS
/// 2018 fine-earth bulk densities of 0-20 cm topsoils.
///
///   double bd = hollis2012_cultivated_topsoil_bd(1.2, 18.0, 23.4);   // OC 1.2 %, sand 18 %, clay 23.4 %
namespace alamod::engine {

/// Default standard uncertainty of an estimated bulk density, g cm-3 (see the header comment).
inline constexpr double kPtfBulkDensitySd = 0.22;

/// Domain where alamod applies the function (its own choice, documented in docs/SITES.md): mineral
/// layers, organic carbon at most 12 % (120 g kg-1), sand and clay 0-100 % with sand + clay <= 100.
bool hollis2012_applies(double oc_percent, double sand_percent, double clay_percent);

/// The cultivated-topsoil equation above, g cm-3. Throws std::invalid_argument outside
/// hollis2012_applies (naming the value).
double hollis2012_cultivated_topsoil_bd(double oc_percent, double sand_percent, double clay_percent);

}  // namespace alamod::engine
