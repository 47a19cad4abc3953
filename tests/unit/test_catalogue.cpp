// The pieces of engine/catalogue that a unit test can pin: JSON written in code (escaping, numbers that read
// back to the same double, member order, nesting) read back by the project's strict JSON reader, and the
// CSV reader of the catalogue (quoted fields, ragged rows named by line).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "engine/catalogue/catalogue.hpp"
#include "engine/catalogue/json_out.hpp"
#include "engine/site/json_reader.hpp"
#include "grids/input_error.hpp"

namespace alamod::engine {
namespace {

TEST(CatalogueJson, ReadsBackThroughTheStrictReader) {
  Json j = Json::object();
  j.set("text", "quote \" backslash \\ newline \n tab \t bell \x07 UTF-8 \xc3\xa9");
  j.set("numbers", Json::array({0.1, 1e-300, -2.5, 1234567.0, 1.0 / 3.0}));
  j.set("null", Json()).set("yes", true);
  j["nested"].set("a", 1).set("b", Json::strings({"x", "y"}));
  j.set("text2", "replaced").set("text2", "once");  // set replaces, keeps the first position
  const JsonValue v = parse_json(j.dump(), "test.json");
  EXPECT_EQ(v.member("text")->text, "quote \" backslash \\ newline \n tab \t bell \x07 UTF-8 \xc3\xa9");
  const auto& n = v.member("numbers")->items;
  ASSERT_EQ(n.size(), 5u);
  EXPECT_EQ(n[0].number, 0.1);
  EXPECT_EQ(n[1].number, 1e-300);
  EXPECT_EQ(n[4].number, 1.0 / 3.0);  // shortest text that reads back to the same double
  EXPECT_TRUE(v.member("null")->is(JsonValue::Type::null));
  EXPECT_TRUE(v.member("yes")->boolean);
  EXPECT_EQ(v.member("nested")->member("b")->items[1].text, "y");
  EXPECT_EQ(v.names, (std::vector<std::string>{"text", "numbers", "null", "yes", "nested", "text2"}));
  EXPECT_EQ(v.member("text2")->text, "once");
  EXPECT_EQ(Json(std::nan("")).dump(0), "null");  // JSON has no NaN
  EXPECT_EQ(Json::array({1, 2}).dump(0), "[1, 2]");
}

TEST(CatalogueCsv, QuotedFieldsAndRaggedRows) {
  const auto dir = std::filesystem::temp_directory_path() / "alamod_test_catalogue_csv";
  std::filesystem::create_directories(dir);
  const auto good = dir / "good.csv";
  std::ofstream(good) << "a,b,c\r\n1,\"two, with \"\"quotes\"\"\",\"multi\nline\"\n4,,6\n";
  const CatalogueCsv t = read_catalogue_csv(good.string());
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.value(0, "b"), "two, with \"quotes\"");
  EXPECT_EQ(t.value(0, "c"), "multi\nline");
  EXPECT_EQ(t.value(1, "b"), "");
  EXPECT_EQ(t.column("d"), -1);
  const auto bad = dir / "bad.csv";
  std::ofstream(bad) << "a,b\n1,2\n\"x\ny\",2,3\n";
  try {
    read_catalogue_csv(bad.string());
    FAIL() << "a ragged row was read";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3: 3 fields, the header has 2"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace alamod::engine
