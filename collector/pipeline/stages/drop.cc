// `drop` stage: drops an entry when every configured condition holds (source presence or value,
// expression on the source or the line, older_than, longer_than); counted under drop_counter_reason.
#include <chrono>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/go_regexp.h"

namespace skald::pipeline {
namespace {

// datasize-style byte sizes: "100", "8KB", "1MiB", "2mb" (binary multiples).
bool ParseByteSize(std::string s, int64_t* out) {
  for (char& c : s) c = static_cast<char>(::tolower(static_cast<unsigned char>(c)));
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == 0) return false;
  int64_t n = std::stoll(s.substr(0, i));
  std::string u = s.substr(i);
  while (!u.empty() && u[0] == ' ') u.erase(0, 1);
  int64_t m = 1;
  if (u.empty() || u == "b") m = 1;
  else if (u == "k" || u == "kb" || u == "kib") m = 1LL << 10;
  else if (u == "m" || u == "mb" || u == "mib") m = 1LL << 20;
  else if (u == "g" || u == "gb" || u == "gib") m = 1LL << 30;
  else if (u == "t" || u == "tb" || u == "tib") m = 1LL << 40;
  else return false;
  *out = n * m;
  return true;
}

class DropStage : public Stage {
 public:
  std::string_view Name() const override { return "drop"; }
  void Process(Entry& e) override {
    if (ShouldDrop(e)) {
      e.dropped = true;
      e.drop_reason = reason_;
    }
  }

  std::vector<std::string> sources_;
  std::string separator_ = ";";
  RegexPtr re_;
  std::optional<std::string> value_;
  std::optional<int64_t> older_than_ns_, longer_than_;
  std::string reason_;

 private:
  bool ShouldDrop(const Entry& e) const {
    if (older_than_ns_) {
      int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
      if (e.ts_ns >= now - *older_than_ns_) return false;
    }
    if (longer_than_ && static_cast<int64_t>(e.line.size()) <= *longer_than_) return false;
    if (!sources_.empty()) {
      std::string joined;
      for (size_t i = 0; i < sources_.size(); ++i) {
        const std::string* v = e.extracted.Get(sources_[i]);
        if (!v) return false;
        if (i) joined += separator_;
        joined += *v;
      }
      if (value_ && joined != *value_) return false;
      if (re_ && !RE2::PartialMatch(joined, *re_)) return false;
    } else if (re_ && !RE2::PartialMatch(e.line.view(), *re_)) {
      return false;
    }
    return true;
  }
};

}  // namespace

Result<StagePtr> NewDropStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "drop", ctx);
  r.Only({"source", "separator", "expression", "value", "older_than", "longer_than", "drop_counter_reason"});
  auto st = std::make_unique<DropStage>();
  st->sources_ = r.StringList("source");
  st->separator_ = r.String("separator", ";");
  auto expr = r.String("expression");
  st->value_ = r.String("value");
  st->older_than_ns_ = r.DurationNs("older_than");
  if (auto lt = r.String("longer_than")) {
    int64_t n = 0;
    if (!ParseByteSize(*lt, &n)) r.Fail("longer_than", "invalid byte size \"" + *lt + "\"");
    else st->longer_than_ = n;
  }
  st->reason_ = r.String("drop_counter_reason", "drop_stage");
  if (r.ok() && st->sources_.empty() && !expr && !st->value_ && !st->older_than_ns_ && !st->longer_than_)
    r.Fail(nullptr, "drop stage config must contain at least one of `source`, `expression`, `older_than` or `longer_than`");
  if (r.ok() && expr && st->value_) r.Fail("value", "drop stage config cannot contain both `expression` and `value`");
  if (r.ok() && st->value_ && st->sources_.empty())
    r.Fail("value", "drop stage config using a value must also specify a source");
  if (r.ok() && expr) {
    auto re = CompileRegexp(*expr);
    if (!re.ok()) r.Fail("expression", "could not compile regular expression \"" + *expr + "\": " + re.status().message());
    else st->re_ = *re;
  }
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
