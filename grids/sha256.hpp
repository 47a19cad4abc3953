#pragma once
/// SHA-256 (FIPS 180-4) of bytes and files, for provenance and checksums.
#include <string>
#include <string_view>

namespace alamod::grids {
std::string sha256_hex(std::string_view bytes);
/// Throws InputError naming the file when it cannot be read.
std::string sha256_file(const std::string& path);
}  // namespace alamod::grids
