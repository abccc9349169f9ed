// Test helpers: run a LogQL log query's pipeline over lines of one stream.
#pragma once

#include <catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "common/logql/log/pipeline_builder.h"
#include "common/logql/parser.h"

namespace skald::logql::log::testing {

struct Out {
  bool kept = false;
  std::string line;
  std::string labels;
};

inline Pipeline MustBuild(const std::string& query) {
  auto e = ParseLogSelector(query);
  INFO(query << ": " << e.status().message());
  REQUIRE(e.ok());
  auto p = BuildPipeline(**e);
  INFO(p.status().message());
  REQUIRE(p.ok());
  return std::move(*p);
}

// Runs `query`'s pipeline over one line of a stream labelled `stream`.
inline Out RunOne(const std::string& query, const std::string& stream, const std::string& line,
                  const std::vector<Label>& metadata = {}, int64_t ts = 0) {
  Pipeline p = MustBuild(query);
  auto ls = LabelSet::Parse(stream);
  REQUIRE(ls.ok());
  auto sp = p.ForStream(*ls);
  Out o;
  std::string_view out_line;
  const LabelSet* out_labels = nullptr;
  o.kept = sp->Process(ts, line, &metadata, &out_line, &out_labels);
  if (o.kept) {
    o.line = std::string(out_line);
    o.labels = out_labels->ToString();
  }
  return o;
}

}  // namespace skald::logql::log::testing
