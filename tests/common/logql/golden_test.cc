// Golden LogQL parser tests: every testdata/*.test case is parsed, printed, re-parsed and printed
// again; the canonical form (or the error) must match the file, and printing must round-trip.
#include <catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/logql/parser.h"
#include "common/logql/printer.h"

namespace {

// File format: a query (one or more lines), a `----` line, the expected canonical form or
// `error: <message>`, then a blank line. Lines starting with `--` outside a case are comments.
struct GoldenCase {
  std::string file;
  int line = 0;
  std::string query;
  std::string expected;
};

std::vector<GoldenCase> LoadCases(const std::filesystem::path& p) {
  std::vector<GoldenCase> out;
  std::ifstream in(p);
  std::string line;
  int n = 0;
  GoldenCase cur;
  bool in_expected = false;
  auto flush = [&] {
    if (!cur.query.empty()) out.push_back(cur);
    cur = GoldenCase{};
    in_expected = false;
  };
  while (std::getline(in, line)) {
    ++n;
    if (!in_expected) {
      if (cur.query.empty() && (line.empty() || line.rfind("--", 0) == 0) && line != "----") continue;
      if (line == "----") {
        in_expected = true;
        continue;
      }
      if (cur.query.empty()) {
        cur.file = p.filename().string();
        cur.line = n;
      } else {
        cur.query += "\n";
      }
      cur.query += line;
    } else if (line.empty()) {
      flush();
    } else {
      cur.expected += (cur.expected.empty() ? "" : "\n") + line;
    }
  }
  flush();
  return out;
}

}  // namespace

TEST_CASE("logql golden files") {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(SKALD_SOURCE_DIR) / "tests/common/logql/testdata";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".test") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  size_t total = 0;
  for (const auto& f : files) {
    for (const GoldenCase& c : LoadCases(f)) {
      ++total;
      INFO(c.file << ":" << c.line << ": " << c.query);
      auto e = skald::logql::ParseExpr(c.query);
      if (c.expected.rfind("error: ", 0) == 0) {
        REQUIRE_FALSE(e.ok());
        CHECK(e.status().message() == c.expected.substr(7));
        continue;
      }
      if (!e.ok()) FAIL(e.status().message());
      std::string printed = skald::logql::Print(**e);
      CHECK(printed == c.expected);
      auto again = skald::logql::ParseExpr(printed);
      if (!again.ok()) FAIL("re-parse of `" << printed << "`: " << again.status().message());
      CHECK(skald::logql::Print(**again) == printed);
    }
  }
  CHECK(total > 100);
}
