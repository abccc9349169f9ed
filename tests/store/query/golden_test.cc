// Runs every golden LogQL file in tests/store/query/golden/*.test against the in-memory reader.
// Format (DuckDB style; see golden/README.md): `data` blocks, then `query ...` / query text /
// `----` / expected rendering, one case after another.
#include <catch.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/query/engine.h"
#include "tests/store/query/fake_store_reader.h"

namespace skald::query {
namespace {

std::string Num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, p);
}

int64_t Secs(const std::string& s) { return static_cast<int64_t>(std::stod(s) * 1e9 + 0.5); }

std::string Render(const Result<QueryResult>& r) {
  if (!r.ok()) return "error: " + r.status().message() + "\n";
  std::ostringstream o;
  switch (r->type) {
    case ResultType::kStreams:
      for (const auto& s : r->streams) {
        o << s.labels.ToString() << "\n";
        for (const auto& e : s.entries) o << Num(e.ts_ns / 1e9) << " " << e.line << "\n";
      }
      if (r->streams.empty()) o << "(empty)\n";
      break;
    case ResultType::kMatrix:
      for (const auto& s : r->matrix) {
        o << s.metric.ToString();
        for (const auto& p : s.points) o << " " << Num(p.t_ms / 1e3) << ":" << Num(p.v);
        o << "\n";
      }
      if (r->matrix.empty()) o << "(empty)\n";
      break;
    case ResultType::kVector:
      for (const auto& s : r->vector) o << s.metric.ToString() << " " << Num(s.v) << "\n";
      if (r->vector.empty()) o << "(empty)\n";
      break;
    case ResultType::kScalar:
      o << "scalar " << Num(r->scalar.v) << "\n";
      break;
  }
  return o.str();
}

std::map<std::string, std::string> Options(const std::string& line) {
  std::map<std::string, std::string> out;
  std::istringstream in(line);
  std::string w;
  while (in >> w) {
    auto eq = w.find('=');
    out[w.substr(0, eq)] = eq == std::string::npos ? "" : w.substr(eq + 1);
  }
  return out;
}

// `<ts-seconds> [meta{k="v"}] line`
LogEntry ParseEntry(const std::string& line) {
  LogEntry e;
  size_t sp = line.find(' ');
  e.ts_ns = Secs(line.substr(0, sp));
  std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
  if (rest.rfind("meta{", 0) == 0) {
    size_t close = rest.find("} ");
    auto md = LabelSet::Parse(rest.substr(4, close - 3));
    REQUIRE(md.ok());
    e.metadata = md->labels();
    rest = rest.substr(close + 2);
  }
  e.line = rest;
  return e;
}

void RunFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  testing::FakeStoreReader reader;
  Engine engine(&reader, EngineOptions{});
  size_t i = 0, cases = 0;
  while (i < lines.size()) {
    const std::string& l = lines[i];
    if (l.empty() || l[0] == '#') { i++; continue; }
    if (l.rfind("data", 0) == 0) {
      std::string tenant = Options(l).count("tenant") ? Options(l)["tenant"] : "fake";
      LabelSet current;
      for (i++; i < lines.size() && lines[i] != "end"; i++) {
        if (lines[i].empty()) continue;
        if (lines[i][0] == '{') {
          auto ls = LabelSet::Parse(lines[i]);
          INFO(lines[i]);
          REQUIRE(ls.ok());
          current = *ls;
        } else {
          reader.Push(tenant, current, {ParseEntry(lines[i])});
        }
      }
      i++;
      continue;
    }
    REQUIRE(l.rfind("query", 0) == 0);
    auto opt = Options(l);
    QueryRequest req;
    req.tenant = opt.count("tenant") ? opt["tenant"] : "fake";
    req.instant = opt.count("instant") > 0;
    req.start_ns = Secs(req.instant ? opt["time"] : opt["start"]);
    req.end_ns = req.instant ? req.start_ns : Secs(opt["end"]);
    req.step_ns = opt.count("step") ? Secs(opt["step"]) : 1000000000;
    req.interval_ns = opt.count("interval") ? Secs(opt["interval"]) : 0;
    req.limit = opt.count("limit") ? std::stoul(opt["limit"]) : 100;
    req.direction = opt["direction"] == "forward" ? Direction::kForward : Direction::kBackward;
    std::string query, expected;
    for (i++; i < lines.size() && lines[i] != "----"; i++) query += (query.empty() ? "" : "\n") + lines[i];
    for (i++; i < lines.size() && !lines[i].empty(); i++) expected += lines[i] + "\n";
    req.query = query;
    INFO(path.filename().string() << ": " << query);
    CHECK(Render(engine.Exec(req)) == expected);
    cases++;
  }
  CHECK(cases > 0);
}

TEST_CASE("golden LogQL files") {
  std::filesystem::path dir = std::filesystem::path(SKALD_SOURCE_DIR) / "tests/store/query/golden";
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() == ".test") files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const auto& f : files) {
    SECTION(f.filename().string()) { RunFile(f); }
  }
}

}  // namespace
}  // namespace skald::query
