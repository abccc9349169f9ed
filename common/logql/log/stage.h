// The per-line processing contract every pipeline stage implements: a const Stage (built once per
// query, shared by threads) processes one LineState (owned by a StreamPipeline, reused per line).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/logql/log/labels_builder.h"

namespace skald::logql::log {

struct LineState {
  int64_t ts_ns = 0;
  std::string_view line;  // current line: the input, or one of bufs[]
  LabelsBuilder labels;
  std::string bufs[2];    // scratch for stages that rewrite the line

  // A buffer that does not hold the current line, cleared, for writing the next line into.
  std::string& NextBuffer() {
    std::string& b = line.data() == bufs[0].data() ? bufs[1] : bufs[0];
    b.clear();
    return b;
  }
};

class Stage {
 public:
  virtual ~Stage() = default;
  // False drops the line. Stages may rewrite s.line (pointing it at s.bufs) and change s.labels.
  virtual bool Process(LineState& s) const = 0;
  // True for stages that only inspect the raw line (line filters): run before anything else.
  virtual bool IsLineFilter() const { return false; }
};

}  // namespace skald::logql::log
