#pragma once
/// SHA-256 (FIPS 180-4) of bytes and files, for provenance and checksums.
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace alamod::grids {

/// An incremental SHA-256 digest: update() with the bytes in order, then digest() or hex() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(const void* data, std::size_t n);
  void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
  std::array<unsigned char, 32> digest();  ///< the 32 bytes of the digest
  std::string hex();                       ///< the digest as 64 lowercase hexadecimal digits

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

std::string sha256_hex(std::string_view bytes);
/// Throws InputError naming the file when it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace alamod::grids
