// The de-duplicating merge: order in both directions, identical entries once, near-duplicates kept.
#include <catch.hpp>

#include "store/cluster/dedup_merge_iterator.h"

namespace skald::cluster {
namespace {

class VecIter : public EntryIterator {
 public:
  VecIter(std::vector<LogEntry> e, Status fail = Status::Ok()) : e_(std::move(e)), fail_(std::move(fail)) {}
  bool Next() override {
    if (i_ >= e_.size()) { st_ = fail_; return false; }
    const LogEntry& x = e_[i_++];
    v_ = EntryView{x.ts_ns, x.line, x.metadata.empty() ? nullptr : &x.metadata};
    return true;
  }
  const EntryView& At() const override { return v_; }
  Status status() const override { return st_; }

 private:
  std::vector<LogEntry> e_;
  size_t i_ = 0;
  EntryView v_;
  Status fail_, st_;
};

std::vector<std::string> Drain(EntryIterator& it) {
  std::vector<std::string> out;
  while (it.Next()) {
    std::string s = std::to_string(it.At().ts_ns) + ":" + std::string(it.At().line);
    if (it.At().metadata) for (const auto& l : *it.At().metadata) s += "," + l.name + "=" + l.value;
    out.push_back(s);
  }
  return out;
}

std::vector<LogEntry> Rev(std::vector<LogEntry> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

TEST_CASE("merge yields each identical entry once across sources, in both directions") {
  // bucket, write node 1, write node 2 (a client pushing the same batch to both write nodes)
  std::vector<LogEntry> bucket = {{1, "a", {}}, {3, "c", {}}, {5, "e", {}}};
  std::vector<LogEntry> w1 = {{3, "c", {}}, {4, "d", {}}, {6, "f", {}}};
  std::vector<LogEntry> w2 = {{4, "d", {}}, {6, "f", {}}, {7, "g", {}}};
  std::vector<std::unique_ptr<EntryIterator>> in;
  in.push_back(std::make_unique<VecIter>(bucket));
  in.push_back(std::make_unique<VecIter>(w1));
  in.push_back(std::make_unique<VecIter>(w2));
  DedupMergeIterator fwd(std::move(in), Direction::kForward);
  CHECK(Drain(fwd) == std::vector<std::string>{"1:a", "3:c", "4:d", "5:e", "6:f", "7:g"});
  CHECK(fwd.status().ok());

  std::vector<std::unique_ptr<EntryIterator>> back;
  back.push_back(std::make_unique<VecIter>(Rev(bucket)));
  back.push_back(std::make_unique<VecIter>(Rev(w1)));
  back.push_back(std::make_unique<VecIter>(Rev(w2)));
  DedupMergeIterator bwd(std::move(back), Direction::kBackward);
  CHECK(Drain(bwd) == std::vector<std::string>{"7:g", "6:f", "5:e", "4:d", "3:c", "1:a"});
}

TEST_CASE("same timestamp, different line or metadata: all kept, metadata order does not matter") {
  std::vector<LogEntry> a = {{10, "x", {}}, {10, "y", {}}, {10, "x", {{"k", "1"}, {"j", "2"}}}};
  std::vector<LogEntry> b = {{10, "y", {}}, {10, "x", {{"j", "2"}, {"k", "1"}}}, {10, "x", {{"k", "2"}}}};
  std::vector<std::unique_ptr<EntryIterator>> in;
  in.push_back(std::make_unique<VecIter>(a));
  in.push_back(std::make_unique<VecIter>(b));
  DedupMergeIterator it(std::move(in), Direction::kForward);
  auto got = Drain(it);
  CHECK(got == std::vector<std::string>{"10:x", "10:y", "10:x,k=1,j=2", "10:x,k=2"});
}

TEST_CASE("a source failing stops the merge with its error") {
  std::vector<std::unique_ptr<EntryIterator>> in;
  in.push_back(std::make_unique<VecIter>(std::vector<LogEntry>{{1, "a", {}}, {2, "b", {}}}));
  in.push_back(std::make_unique<VecIter>(std::vector<LogEntry>{}, Status::Unavailable("write node w1 unavailable")));
  DedupMergeIterator it(std::move(in), Direction::kForward);
  while (it.Next()) {
  }
  CHECK(it.status().code() == Code::kUnavailable);
  CHECK(it.status().message() == "write node w1 unavailable");
}

}  // namespace
}  // namespace skald::cluster
