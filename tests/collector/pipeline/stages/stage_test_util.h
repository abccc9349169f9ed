// Test helper: builds a stage chain from YAML text and runs one entry through it.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/stages/stage_chain.h"

namespace skald::pipeline::testing {

inline Result<StageChain> BuildChain(const std::string& yaml, StageContext ctx = {"test.yaml", "job", nullptr}) {
  return StageChain::Build(YAML::Load(yaml), ctx);
}

inline Entry MakeEntry(const std::string& line, LabelSet labels = {}, int64_t ts = 1) {
  Entry e;
  e.labels = labels;
  e.extracted.SetBase(std::make_shared<const LabelSet>(std::move(labels)));
  e.line = line;
  e.ts_ns = ts;
  return e;
}

// Runs `line` through `yaml`; REQUIREs the config to be valid.
inline Entry RunOne(const std::string& yaml, const std::string& line, LabelSet labels = {}, int64_t ts = 1) {
  auto chain = BuildChain(yaml);
  if (!chain.ok()) throw std::runtime_error(chain.status().message());
  Entry e = MakeEntry("", std::move(labels), ts);
  e.line.Borrow(line);  // as the collector runs stages: on the tailer's bytes, not a copy
  chain->ProcessInPlace(e);
  e.line.Own();  // the caller's `line` may be a temporary
  return e;
}

inline std::string Ex(const Entry& e, const std::string& k) {
  const std::string* v = e.extracted.Get(k);
  return v ? *v : "<absent>";
}

inline LabelSet L(const std::string& s) { return LabelSet::Parse(s).value(); }

}  // namespace skald::pipeline::testing
