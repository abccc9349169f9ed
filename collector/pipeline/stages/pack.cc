// `pack` stage: embeds chosen labels (or extracted values) and the line into a JSON line
// `{"k":"v",...,"_entry":"line"}`, removing those labels from the stream; optionally stamps now.
#include <algorithm>
#include <chrono>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"

namespace skald::pipeline {
namespace {

void Quote(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\'), out->push_back(static_cast<char>(c));
    else if (c == '\n') *out += "\\n";
    else if (c == '\r') *out += "\\r";
    else if (c == '\t') *out += "\\t";
    else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      *out += "\\u00";
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
}

class PackStage : public Stage {
 public:
  std::string_view Name() const override { return "pack"; }
  void Process(Entry& e) override {
    std::vector<std::pair<std::string, std::string>> kv;
    for (const auto& name : labels_) {
      if (auto v = e.labels.Get(name)) {
        kv.emplace_back(name, std::string(*v));
        e.labels.Erase(name);
      } else if (const std::string* x = e.extracted.Get(name)) {
        kv.emplace_back(name, *x);
      }
    }
    std::sort(kv.begin(), kv.end());
    std::string out = "{";
    for (const auto& [k, v] : kv) {
      Quote(k, &out);
      out += ':';
      Quote(v, &out);
      out += ',';
    }
    out += "\"_entry\":";
    Quote(e.line, &out);
    out += '}';
    e.line = std::move(out);
    if (ingest_timestamp_)
      e.ts_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  }
  std::vector<std::string> labels_;
  bool ingest_timestamp_ = true;
};

}  // namespace

Result<StagePtr> NewPackStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "pack", ctx);
  r.Only({"labels", "ingest_timestamp"});
  auto st = std::make_unique<PackStage>();
  st->labels_ = r.StringList("labels");
  st->ingest_timestamp_ = r.Bool("ingest_timestamp").value_or(true);
  if (r.ok() && st->labels_.empty()) r.Fail("labels", "pack stage requires at least one label");
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
