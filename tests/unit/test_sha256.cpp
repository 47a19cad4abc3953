// SHA-256 of the provenance records: FIPS 180-4 test vectors, and files against coreutils' sha256sum.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "grids/input_error.hpp"
#include "grids/sha256.hpp"

namespace g = alamod::grids;

TEST(Sha256, StandardVectors) {
  EXPECT_EQ(g::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(g::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(g::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(g::sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FileMatchesSha256sum) {
  // a file larger than the read buffer (1 MiB), with every byte value
  const std::string path = testing::TempDir() + "alamod_sha256_test.bin";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 3 * 1048576 + 12345; ++i) out.put(static_cast<char>((i * 131 + i / 7) & 0xff));
  }
  FILE* p = popen(("sha256sum '" + path + "'").c_str(), "r");
  ASSERT_NE(p, nullptr);
  char line[129] = {};
  ASSERT_EQ(std::fscanf(p, "%64s", line), 1);
  pclose(p);
  EXPECT_EQ(g::sha256_file(path), std::string(line));
  std::remove(path.c_str());
}

TEST(Sha256, MissingFileNamesIt) {
  try {
    g::sha256_file("/nonexistent/alamod_input.tif");
    FAIL() << "no error";
  } catch (const alamod::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/alamod_input.tif"), std::string::npos) << e.what();
  }
}
