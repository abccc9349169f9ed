// `cri` stage: `<time> <stream> <flags> <content>` (containerd/CRI-O log files) → label stream,
// timestamp, output; partial lines (flag P) are held per stream and joined with the final F line.
#include <map>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "common/gotime/gotime.h"

namespace skald::pipeline {
namespace {

class CriStage : public Stage {
 public:
  std::string_view Name() const override { return "cri"; }
  void Process(Entry& e) override {
    std::string_view s = e.line;
    size_t a = s.find(' ');
    if (a == std::string_view::npos) return;
    size_t b = s.find(' ', a + 1);
    if (b == std::string_view::npos) return;
    std::string_view stream = s.substr(a + 1, b - a - 1);
    if (stream != "stdout" && stream != "stderr") return;
    size_t c = s.find(' ', b + 1);
    std::string_view flags = s.substr(b + 1, c == std::string_view::npos ? std::string_view::npos : c - b - 1);
    if (flags.empty()) return;
    std::string content(c == std::string_view::npos ? std::string_view() : s.substr(c + 1));
    std::string time(s.substr(0, a));
    e.extracted.Set("time", time);
    e.extracted.Set("stream", std::string(stream));
    e.extracted.Set("flags", std::string(flags));
    e.labels.Set("stream", stream);
    if (auto t = gotime::Parse(gotime::kRFC3339Nano, time); t.ok()) e.ts_ns = t->unix_ns();
    std::string key = e.labels.ToString();
    if (flags == "P") {
      auto& p = partial_[key];
      if (p.lines < max_partial_lines_) {
        Append(p.content, content);
        ++p.lines;
        e.dropped = true;  // held: it comes out with the final line
        return;
      }
      content = std::move(p.content) + content;  // limit reached: flush what we have
      partial_.erase(key);
    } else if (auto it = partial_.find(key); it != partial_.end()) {
      content = std::move(it->second.content) + content;
      partial_.erase(it);
    }
    e.extracted.Set("content", content);
    e.line = std::move(content);
  }

  int64_t max_partial_lines_ = 100, max_partial_line_size_ = 0;
  bool truncate_ = false;

 private:
  void Append(std::string& acc, const std::string& more) const {
    acc += more;
    if (truncate_ && max_partial_line_size_ > 0 && static_cast<int64_t>(acc.size()) > max_partial_line_size_)
      acc.resize(max_partial_line_size_);
  }
  struct Partial {
    std::string content;
    int64_t lines = 0;
  };
  std::map<std::string, Partial> partial_;
};

}  // namespace

Result<StagePtr> NewCriStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "cri", ctx);
  r.Only({"max_partial_lines", "max_partial_line_size", "max_partial_line_size_truncate"});
  auto st = std::make_unique<CriStage>();
  st->max_partial_lines_ = r.Int("max_partial_lines").value_or(100);
  st->max_partial_line_size_ = r.Int("max_partial_line_size").value_or(0);
  st->truncate_ = r.Bool("max_partial_line_size_truncate").value_or(false);
  if (r.ok() && st->max_partial_lines_ <= 0) r.Fail("max_partial_lines", "must be greater than 0");
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
