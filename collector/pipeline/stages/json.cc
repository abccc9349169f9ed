// `json` stage: parses the line (or an extracted `source`) as a JSON object and stores JMESPath
// results in the extracted map. A non-JSON input leaves the entry untouched unless drop_malformed.
#include <cctype>
#include <cstring>
#include <map>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/jmespath.h"
#include "collector/pipeline/stages/literal_regex.h"
#include "common/logger.h"

namespace skald::pipeline {
namespace {

class JsonStage : public Stage {
 public:
  std::string_view Name() const override { return "json"; }
  void Process(Entry& e) override {
    const auto src = SourceText(e, source_);
    if (!src) return;
    const std::string_view input = *src;
    // Only an object can unmarshal into Promtail's map: skip the parse for anything else.
    size_t first = 0;  // JSON whitespace, then the value's first byte
    while (first < input.size() &&
           (input[first] == ' ' || input[first] == '\t' || input[first] == '\r' || input[first] == '\n'))
      ++first;
    const bool object = first < input.size() && input[first] == '{';
    if (object && skippable_ && OutcomeUnread(e, input)) return;
    simdjson::dom::element root;  // the parser copies `input` (padding): later Sets cannot move it
    if (!object || ThreadJsonParser().parse(input.data(), input.size()).get(root) != simdjson::SUCCESS ||
        root.type() != simdjson::dom::element_type::OBJECT) {
      SKALD_LOG(debug, "failed to unmarshal log line", {{"component", "stage"}, {"type", "json"}});
      if (drop_malformed_) {
        e.dropped = true;
        e.drop_reason = "malformed json";
      }
      return;
    }
    for (const auto& [name, text, path] : exprs_) {
      auto v = ToExtracted(path.Search(root));
      if (v) e.extracted.Set(name, std::move(*v));
      else e.extracted.Erase(name);
    }
  }

  std::optional<KeySet> ReadsExtracted() const override {
    return source_ ? KeySet{*source_} : KeySet{};
  }
  // The parse can be skipped for an input when no later stage could tell the difference: every
  // key a later stage may read is a plain top-level field absent from the input text (no `"name"`,
  // no escapes) and absent from the extracted map, so valid JSON would only erase what is not
  // there and invalid JSON changes nothing (the seed's json stage on a JSON app log line).
  void SetLiveAfter(const std::optional<KeySet>& live) override {
    skippable_ = !drop_malformed_;
    probes_.clear();
    for (const auto& [name, expr, path] : exprs_) {
      if (live && !live->count(name)) continue;  // nobody reads it: whatever happens to it is fine
      if (!IsPlainField(expr)) skippable_ = false;
      probes_.push_back({name, "\"" + expr + "\""});
    }
    // All probes in one pass: `"a"|"b"|...` occurs iff some memmem would find its probe.
    std::string alternation;
    for (const auto& probe : probes_) alternation += (alternation.empty() ? "" : "|") + probe.quoted;
    probe_scan_ = skippable_ && !probes_.empty() ? LiteralRegex::Recognize(alternation) : std::nullopt;
  }

  std::optional<std::string> source_;
  bool drop_malformed_ = false;
  struct Expression {
    std::string name, text;  // extracted key, JMESPath source text
    JmesPath path;
  };
  std::vector<Expression> exprs_;

 private:
  static bool IsPlainField(std::string_view x) {  // a JMESPath unquoted identifier
    if (x.empty() || !(std::isalpha(static_cast<unsigned char>(x[0])) || x[0] == '_')) return false;
    for (char c : x)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
  }
  bool OutcomeUnread(const Entry& e, std::string_view in) const {
    if (std::memchr(in.data(), '\\', in.size()) != nullptr) return false;
    std::string_view at;
    if (probe_scan_ && probe_scan_->Find(in, &at)) return false;
    for (const auto& [name, quoted] : probes_) {
      if (!probe_scan_ && ::memmem(in.data(), in.size(), quoted.data(), quoted.size()) != nullptr) return false;
      if (e.extracted.Get(name) != nullptr) return false;
    }
    return true;
  }
  struct Probe {
    std::string name, quoted;
  };
  bool skippable_ = false;
  std::vector<Probe> probes_;
  std::optional<LiteralRegex> probe_scan_;  // the probes as one scan (nullopt: none, or too many)
};

}  // namespace

Result<StagePtr> NewJsonStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "json", ctx);
  r.Only({"expressions", "source", "drop_malformed"});
  auto st = std::make_unique<JsonStage>();
  if (cfg.IsNull() || !cfg.IsDefined()) r.Fail(nullptr, "empty json stage configuration");
  auto exprs = r.StringMap("expressions");
  if (r.ok() && exprs.empty()) r.Fail("expressions", "JMES expression is required");
  if (r.Has("source")) {
    st->source_ = r.String("source");
  } else if (cfg.IsMap() && cfg["source"].IsDefined()) {
    r.Fail("source", "empty source");
  }
  if (st->source_ && st->source_->empty()) r.Fail("source", "empty source");
  st->drop_malformed_ = r.Bool("drop_malformed").value_or(false);
  for (auto& [name, expr] : exprs) {
    if (!r.ok()) break;
    auto p = JmesPath::Compile(expr.empty() ? name : expr);
    if (!p.ok()) r.Fail("expressions", "could not compile JMES expression: " + p.status().message());
    else st->exprs_.push_back({name, expr.empty() ? name : expr, std::move(*p)});
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
