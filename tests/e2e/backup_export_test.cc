// Export and import through the real binaries: more than 5000 lines (query_range's cap) come out of
// `skald-store export`, plain and LZ4, and `import` into a fresh store reproduces them byte for byte.
#include <catch.hpp>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "store/backup/sqlite_copy.h"
#include "tests/e2e/store_under_test.h"

using namespace skald::e2e;

namespace {

// 3 streams x 4000 lines with quotes, tabs, unicode and (on stream 2) structured metadata.
void Seed(int port, int64_t base) {
  httplib::Client cli("127.0.0.1", port);
  for (int s = 0; s < 3; s++) {
    for (int batch = 0; batch < 4; batch++) {
      skald::LogStream stream = MakeStream({{"job", "exp"}, {"s", std::to_string(s)}});
      for (int i = 0; i < 1000; i++) {
        int n = batch * 1000 + i;
        skald::LogEntry& e = stream.entries.emplace_back();
        e.ts_ns = base + n * 1000 + s;
        e.line = "n=" + std::to_string(n) + " \"q\" \t é ✓";
        if (s == 2) e.metadata.push_back({"trace_id", "t" + std::to_string(n)});
      }
      const std::string body = JsonPushBody({stream});
      auto res = cli.Post("/loki/api/v1/push", httplib::Headers{{"X-Scope-OrgID", "team-a"}}, body,
                          "application/json");
      REQUIRE(res);
      INFO(res->body);
      REQUIRE(res->status == 204);
    }
  }
}

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST_CASE("export: more than 5000 lines, plain and lz4, and import reproduces them exactly", "[e2e][backup][export]") {
  TempDir dir("skald-export");
  const std::string d = dir.path();
  StoreUnderTest a(d, "a"), b(d, "b");
  a.Configure(d + "/a", true);
  b.Configure(d + "/b", true);
  const int64_t base = NowNs() - 1800'000'000'000LL;
  REQUIRE(a.Start());
  REQUIRE(b.Start());
  Seed(a.port(), base);
  const std::string start = std::to_string(base), end = std::to_string(base + 5'000'000'000LL);
  auto exp = [&](const StoreUnderTest& store, const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args{"export", "-server", store.url(), "-org-id",
                                  "team-a", "-query", R"({job="exp"})", "-start", start, "-end", end, "-out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunTool(args, d + "/tool.log");
  };
  REQUIRE(exp(a, d + "/a.jsonl", {}) == 0);
  const std::string a_text = ReadFile(d + "/a.jsonl");
  CHECK(Lines(a_text) == 12000);
  CHECK(a_text.find(R"("metadata":{"trace_id":"t3999"})") != std::string::npos);
  CHECK(a_text.find(R"(\"q\" \t é ✓)") != std::string::npos);

  // A line filter runs server-side; the tenant header is required with auth enabled.
  REQUIRE(RunTool({"export", "-server", a.url(), "-org-id", "team-a", "-query",
                   R"({job="exp", s="1"} |~ "n=[0-9]*7 ")", "-start", start, "-end", end, "-out", d + "/f.jsonl"},
                  d + "/tool.log") == 0);
  CHECK(Lines(ReadFile(d + "/f.jsonl")) == 400);
  CHECK(RunTool({"export", "-server", a.url(), "-query", R"({job="exp"})", "-out",
                 d + "/none.jsonl"}, d + "/tool.log") == 1);

  {
    httplib::Client cli("127.0.0.1", a.port());
    struct Bad {
      std::string tenant, query, format;
      int status;
    };
    for (const Bad& b : std::vector<Bad>{{"team-a", R"({job="exp"})", "zip", 400},
                                         {"team-a|team-b", R"({job="exp"})", "", 400},
                                         {"team-a", R"(count_over_time({job="exp"}[1m]))", "", 400},
                                         {"", R"({job="exp"})", "", 401}}) {
      httplib::Params p{{"query", b.query}, {"format", b.format}};
      httplib::Headers h;
      if (!b.tenant.empty()) h.emplace("X-Scope-OrgID", b.tenant);
      auto res = cli.Get("/skald/api/v1/export", p, h);
      REQUIRE(res);
      INFO(b.query << " " << b.format << " -> " << res->body);
      CHECK(res->status == b.status);
    }
  }
  REQUIRE(exp(a, d + "/a.lz4", {"-lz4"}) == 0);
  CHECK(ReadFile(d + "/a.lz4").size() < a_text.size() / 3);
  REQUIRE(RunTool({"import", "-server", b.url(), "-org-id", "team-a", "-in",
                   d + "/a.lz4", "-batch-kb", "256"}, d + "/tool.log") == 0);
  REQUIRE(exp(b, d + "/b.jsonl", {}) == 0);
  CHECK(ReadFile(d + "/b.jsonl") == a_text);
  INFO(ReadFile(d + "/tool.log"));
  CHECK(a.Stop() == 0);
  CHECK(b.Stop() == 0);

  // Damage the last block on disk: the export fails visibly (error line, exit 1), never silently short.
  std::string file;
  uint64_t end_off = 0;
  REQUIRE(skald::backup::QueryDb(d + "/a/index.db", "SELECT file, offset + length FROM chunks ORDER BY id DESC LIMIT 1",
                                 [&](sqlite3_stmt* s) {
    file = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    end_off = uint64_t(sqlite3_column_int64(s, 1));
  }).ok());
  REQUIRE_FALSE(file.empty());
  FlipByte(d + "/a/chunks/" + file, end_off - 2);
  REQUIRE(a.Start());
  WriteFile(d + "/tool.log", "");
  CHECK(exp(a, d + "/broken.jsonl", {}) == 1);
  std::string log = ReadFile(d + "/tool.log");
  INFO(log);
  CHECK(log.find("export failed: the export failed part way") != std::string::npos);
  CHECK(log.find("crc mismatch") != std::string::npos);
  CHECK(a.Stop() == 0);
}
