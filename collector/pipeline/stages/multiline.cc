// `multiline` stage: joins lines into blocks per stream; a line matching `firstline` starts a new
// block, a block is released at the next first line, at max_lines, or after max_wait_time idle.
// The block keeps its first entry's labels, timestamp and extracted map.
#include <chrono>
#include <list>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "collector/pipeline/stages/go_regexp.h"

namespace skald::pipeline {
namespace {

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

class MultilineStage : public Stage {
 public:
  std::string_view Name() const override { return "multiline"; }
  bool Buffers() const override { return true; }
  void Process(Entry& e) override {  // not used on a chain with Buffers(); keeps the line as-is
    (void)e;
  }
  void Push(Entry&& e, std::vector<Entry>& out) override {
    Block& b = BlockFor(e.labels);
    if (RE2::PartialMatch(e.line.view(), *re_)) Release(b, out);
    if (b.lines == 0) {
      b.first = std::move(e);
      b.first.line.Own();  // held past the call: the text it may borrow is not
    } else {
      b.first.line += '\n';
      b.first.line += e.line;
    }
    ++b.lines;
    b.last_ns = SteadyNs();
    if (b.lines >= max_lines_) Release(b, out);
  }
  // `now_ns` is a steady-clock reading (Pipeline::Tick passes one); force releases everything.
  void Flush(int64_t now_ns, bool force, std::vector<Entry>& out) override {
    for (auto it = blocks_.begin(); it != blocks_.end();) {
      Block& b = *it;
      if (b.lines > 0 && (force || now_ns - b.last_ns >= max_wait_ns_)) Release(b, out);
      if (b.lines == 0) it = blocks_.erase(it);
      else ++it;
    }
  }

  RegexPtr re_;
  int64_t max_wait_ns_ = 3000000000LL, max_lines_ = 128;

 private:
  struct Block {
    LabelSet key;  // the stream's labels when the block's first line arrived
    Entry first;
    int64_t lines = 0;
    int64_t last_ns = 0;
  };
  static void Release(Block& b, std::vector<Entry>& out) {
    if (b.lines == 0) return;
    out.push_back(std::move(b.first));
    b.first = Entry();
    b.lines = 0;
  }
  // A pipeline serves one target, so there are one or two streams (stdout, stderr): a short list.
  Block& BlockFor(const LabelSet& labels) {
    for (Block& b : blocks_)
      if (b.key == labels) return b;
    blocks_.push_back(Block{labels, Entry(), 0, 0});
    return blocks_.back();
  }
  std::list<Block> blocks_;  // stable addresses while entries are added
};

}  // namespace

Result<StagePtr> NewMultilineStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "multiline", ctx);
  r.Only({"firstline", "max_wait_time", "max_lines"});
  auto st = std::make_unique<MultilineStage>();
  auto first = r.String("firstline");
  st->max_wait_ns_ = r.DurationNs("max_wait_time").value_or(3000000000LL);
  st->max_lines_ = r.Int("max_lines").value_or(128);
  if (r.ok() && (!first || first->empty())) r.Fail("firstline", "multiline stage config must define `firstline` regular expression");
  if (r.ok()) {
    auto re = CompileRegexp(*first);
    if (!re.ok()) r.Fail("firstline", "could not compile regular expression \"" + *first + "\": " + re.status().message());
    else st->re_ = *re;
  }
  if (r.ok() && st->max_wait_ns_ <= 0) r.Fail("max_wait_time", "multiline stage config must define a positive max_wait_time");
  if (r.ok() && st->max_lines_ <= 0) r.Fail("max_lines", "multiline stage config must define a positive max_lines");
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
