// The merge with deferred sources (chunks whose headers are read only when reached): the same
// entries in the same order as with every source up front, only the chunks a limited read reaches
// are expanded, ties keep arrival order, and an expansion error ends the read with its status.
#include <catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include "store/head/merge_iterator.h"

namespace skald::head {
namespace {

struct Entry {
  int64_t ts;
  std::string line;
};

class VecSource : public EntrySource {
 public:
  explicit VecSource(std::vector<Entry> e) : e_(std::move(e)) {
    min_ts_ = e_.front().ts;
    max_ts_ = e_.back().ts;
  }
  Status Load() override { return Status::Ok(); }
  void Release() override {}
  size_t size() const override { return e_.size(); }
  int64_t ts(size_t i) const override { return e_[i].ts; }
  std::string_view line(size_t i) const override { return e_[i].line; }
  const std::vector<Label>* metadata(size_t) const override { return nullptr; }

 private:
  std::vector<Entry> e_;
};

// A "chunk": bounds known up front, its blocks handed out by Expand (counted).
class DeferredSource : public EntrySource {
 public:
  DeferredSource(std::vector<std::vector<Entry>> blocks, int* expansions, bool fail = false)
      : blocks_(std::move(blocks)), expansions_(expansions), fail_(fail) {
    min_ts_ = blocks_.front().front().ts;
    max_ts_ = blocks_.back().back().ts;
  }
  bool deferred() const override { return true; }
  Status Expand(std::vector<std::unique_ptr<EntrySource>>* out) override {
    ++*expansions_;
    if (fail_) return Status::Corruption("bad chunk header");
    for (auto& b : blocks_) out->push_back(std::make_unique<VecSource>(b));
    return Status::Ok();
  }
  Status Load() override { return Status::Internal("not loadable"); }
  void Release() override {}
  size_t size() const override { return 0; }
  int64_t ts(size_t) const override { return 0; }
  std::string_view line(size_t) const override { return {}; }
  const std::vector<Label>* metadata(size_t) const override { return nullptr; }

 private:
  std::vector<std::vector<Entry>> blocks_;
  int* expansions_;
  bool fail_;
};

// 20 chunks of 2 blocks of 5 entries, ts 0..199; the last entry of each chunk repeats in the next
// chunk's first block with another line (a tie across sources) and once with the same line (a dup).
std::vector<std::vector<std::vector<Entry>>> Chunks() {
  std::vector<std::vector<std::vector<Entry>>> chunks;
  for (int c = 0; c < 20; c++) {
    std::vector<std::vector<Entry>> blocks;
    for (int b = 0; b < 2; b++) {
      std::vector<Entry> es;
      if (c > 0 && b == 0) {
        es.push_back({c * 10 - 1, "tie " + std::to_string(c)});
        es.push_back({c * 10 - 1, "line " + std::to_string(c * 10 - 1)});   // duplicate: dropped
      }
      for (int i = 0; i < 5; i++) es.push_back({c * 10 + b * 5 + i, "line " + std::to_string(c * 10 + b * 5 + i)});
      blocks.push_back(std::move(es));
    }
    chunks.push_back(std::move(blocks));
  }
  return chunks;
}

std::vector<std::string> Read(EntryIterator& it, size_t max = SIZE_MAX) {
  std::vector<std::string> out;
  while (out.size() < max && it.Next()) out.push_back(std::to_string(it.At().ts_ns) + " " + std::string(it.At().line));
  return out;
}

std::unique_ptr<EntryIterator> Merge(bool deferred, int* expansions, int64_t start, int64_t end, Direction dir) {
  std::vector<std::unique_ptr<EntrySource>> srcs;
  for (auto& blocks : Chunks()) {
    if (deferred) {
      srcs.push_back(std::make_unique<DeferredSource>(blocks, expansions));
    } else {
      for (auto& b : blocks) srcs.push_back(std::make_unique<VecSource>(b));
    }
  }
  srcs.push_back(std::make_unique<VecSource>(std::vector<Entry>{{150, "head line"}, {250, "newest"}}));
  return NewMergeIterator(std::move(srcs), start, end, dir);
}

TEST_CASE("merge with deferred chunks yields what the eager merge yields, in the same order") {
  for (Direction dir : {Direction::kForward, Direction::kBackward}) {
    for (auto [start, end] : {std::pair<int64_t, int64_t>{0, 1000}, {37, 151}, {199, 200}, {300, 400}}) {
      INFO("dir " << int(dir) << " range " << start << ".." << end);
      int n = 0;
      auto eager = Merge(false, &n, start, end, dir);
      auto lazy = Merge(true, &n, start, end, dir);
      const auto want = Read(*eager);
      CHECK(Read(*lazy) == want);
      CHECK(lazy->status().ok());
    }
  }
  int n = 0;
  auto all = Read(*Merge(true, &n, 0, 1000, Direction::kForward));
  CHECK(all.size() == 200 + 19 + 2);   // 200 lines, 19 ties, head line + newest; 19 dups dropped
  CHECK(n == 20);
}

TEST_CASE("a limited backward read expands only the chunks it reaches") {
  int expansions = 0;
  auto it = Merge(true, &expansions, 0, 1000, Direction::kBackward);
  auto got = Read(*it, 11);   // 250 from the head, 199..190 from the newest chunk
  CHECK(got.front() == "250 newest");
  CHECK(got[1] == "199 line 199");
  CHECK(got.back() == "190 line 190");
  CHECK(expansions == 1);
  got = Read(*it, 4);         // 189 twice (tie, line; its duplicate in chunk 18 dropped), 188, 187
  CHECK(got == std::vector<std::string>{"189 line 189", "189 tie 19", "188 line 188", "187 line 187"});
  CHECK(expansions == 2);
  int fwd = 0;
  auto f = Merge(true, &fwd, 35, 1000, Direction::kForward);
  CHECK(Read(*f, 3) == std::vector<std::string>{"35 line 35", "36 line 36", "37 line 37"});
  CHECK(fwd == 1);
}

TEST_CASE("an expansion error ends the merge with its status") {
  int n = 0;
  std::vector<std::unique_ptr<EntrySource>> srcs;
  srcs.push_back(std::make_unique<DeferredSource>(Chunks()[0], &n, true));
  srcs.push_back(std::make_unique<VecSource>(std::vector<Entry>{{20, "after"}}));
  auto it = NewMergeIterator(std::move(srcs), 0, 100, Direction::kForward);
  CHECK_FALSE(it->Next());
  CHECK(it->status().code() == Code::kCorruption);
}

}  // namespace
}  // namespace skald::head
