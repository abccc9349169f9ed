// TailBuffer and TailDedup: the live tail's merge (timestamp order, delay_for), de-duplication of
// entries arriving from several write nodes or again after a reconnect, dropped entries, failure.
#include <catch.hpp>

#include "store/api/tail_buffer.h"

namespace skald::api {
namespace {

using Clock = std::chrono::steady_clock;

LabelSet L(const char* text) { return *LabelSet::Parse(text); }
constexpr uint64_t kA = kFirstRemoteSource, kB = kFirstRemoteSource + 1;

std::vector<std::string> Lines(const TailBuffer::Batch& b) {
  std::vector<std::string> out;
  for (const auto& e : b.entries) out.push_back(e.line);
  return out;
}

TEST_CASE("tail dedup: an entry is new once per labels, timestamp and line") {
  TailDedup d(100);
  CHECK(d.FirstSeen(kA, R"({a="1"})", 10, "x"));
  CHECK_FALSE(d.FirstSeen(kB, R"({a="1"})", 10, "x"));   // another source's copy
  CHECK(d.FirstSeen(kA, R"({a="2"})", 10, "x"));    // other stream
  CHECK(d.FirstSeen(kA, R"({a="1"})", 11, "x"));    // other timestamp
  CHECK(d.FirstSeen(kA, R"({a="1"})", 10, "y"));    // other line
  CHECK(d.FirstSeen(kA, R"({a="1"})", 10, "x\n"));  // a prefix is not the same line
  CHECK(d.size() == 5);
}

TEST_CASE("tail dedup: one source's repeats pass (alike after line_format), other sources' copies do not") {
  TailDedup d(100);
  // node A sends two distinct raw entries that the pipeline made alike (same ts, stream, line)
  CHECK(d.FirstSeen(kA, "{}", 10, "level=info"));
  CHECK(d.FirstSeen(kA, "{}", 10, "level=info"));
  // node B holds the same two pushes: both copies left out, a third one is new
  CHECK_FALSE(d.FirstSeen(kB, "{}", 10, "level=info"));
  CHECK_FALSE(d.FirstSeen(kB, "{}", 10, "level=info"));
  CHECK(d.FirstSeen(kB, "{}", 10, "level=info"));
  CHECK_FALSE(d.FirstSeen(kA, "{}", 10, "level=info"));   // A's third copy: B sent it
  CHECK(d.size() == 1);
}

TEST_CASE("tail dedup: remembers only the last `capacity` entries") {
  TailDedup d(3);
  for (int i = 0; i < 4; i++) CHECK(d.FirstSeen(kA, "{}", i, "l"));
  CHECK(d.size() == 3);
  CHECK(d.FirstSeen(kB, "{}", 0, "l"));        // forgotten: new again
  CHECK_FALSE(d.FirstSeen(kB, "{}", 3, "l"));  // still remembered
}

TEST_CASE("tail buffer: entries from several sources drain in timestamp order, arrival order on ties") {
  TailBuffer b(100, 100);
  const auto t0 = Clock::now();
  // two write nodes' frames interleaved: node 1 sends 30, 10; node 2 sends 20, 10 (a copy) and 40
  CHECK(b.Add(kA, L(R"({app="a"})"), 30, "n1-30", t0) == TailBuffer::Added::kQueued);
  CHECK(b.Add(kA, L(R"({app="a"})"), 10, "n1-10", t0) == TailBuffer::Added::kQueued);
  CHECK(b.Add(kB, L(R"({app="b"})"), 20, "n2-20", t0) == TailBuffer::Added::kQueued);
  CHECK(b.Add(kB, L(R"({app="a"})"), 10, "n1-10", t0) == TailBuffer::Added::kDuplicate);
  CHECK(b.Add(kB, L(R"({app="b"})"), 10, "n2-10", t0) == TailBuffer::Added::kQueued);
  CHECK(b.Add(kB, L(R"({app="b"})"), 40, "n2-40", t0) == TailBuffer::Added::kQueued);
  auto batch = b.Drain(t0);
  CHECK(Lines(batch) == std::vector<std::string>{"n1-10", "n2-10", "n2-20", "n1-30", "n2-40"});
  CHECK(batch.entries[2].labels == R"({app="b"})");
  CHECK(batch.dropped.empty());
  CHECK(batch.fail.empty());
  // a copy arriving in a later drain (node 1, or node 2 again after a reconnect) is still left out
  CHECK(b.Add(kA, L(R"({app="b"})"), 20, "n2-20", t0) == TailBuffer::Added::kDuplicate);
  CHECK(b.Add(kB + 1, L(R"({app="b"})"), 20, "n2-20", t0) == TailBuffer::Added::kDuplicate);
  CHECK(b.Drain(t0).entries.empty());
}

TEST_CASE("tail buffer: delay_for holds entries back until they are old enough") {
  TailBuffer b(100);
  const auto t0 = Clock::now();
  b.Add(kA, L("{}"), 2, "late", t0 + std::chrono::milliseconds(500));
  b.Add(kA, L("{}"), 1, "early", t0);
  // arrival order is kept in the queue: the early one is behind the late one, so nothing is
  // ready until the first (late) one is
  CHECK(b.Drain(t0 + std::chrono::milliseconds(100)).entries.empty());
  CHECK(Lines(b.Drain(t0 + std::chrono::milliseconds(600))) == std::vector<std::string>{"early", "late"});
}

TEST_CASE("tail buffer: without dedup, identical entries (pushed twice to one node) all pass") {
  TailBuffer b(100, 0);
  CHECK_FALSE(b.dedup_enabled());
  CHECK(b.Add(kA, L("{}"), 1, "x") == TailBuffer::Added::kQueued);
  CHECK(b.Add(kA, L("{}"), 1, "x") == TailBuffer::Added::kQueued);
  b.Remember(L("{}"), 2, "y");   // no effect
  CHECK(b.Add(kA, L("{}"), 2, "y") == TailBuffer::Added::kQueued);
  CHECK(b.Drain(Clock::now()).entries.size() == 3);
}

TEST_CASE("tail buffer: history entries remembered are not sent again by a live source") {
  TailBuffer b(100, 100);
  CHECK(b.Remember(L(R"({a="1"})"), 5, "from history"));
  CHECK(b.Add(kA, L(R"({a="1"})"), 5, "from history") == TailBuffer::Added::kDuplicate);
  CHECK(b.Add(kA, L(R"({a="1"})"), 6, "new") == TailBuffer::Added::kQueued);
}

TEST_CASE("tail buffer: a live entry queued before the history ran is left out of the history, sent once") {
  TailBuffer b(100, 100);
  const auto t0 = Clock::now();
  CHECK(b.Add(kA, L(R"({a="1"})"), 5, "early", t0) == TailBuffer::Added::kQueued);
  CHECK_FALSE(b.Remember(L(R"({a="1"})"), 5, "early"));   // the history part leaves it out
  CHECK(b.Remember(L(R"({a="1"})"), 4, "older"));
  CHECK(Lines(b.Drain(t0)) == std::vector<std::string>{"early"});
}

TEST_CASE("tail buffer: past the limit entries become dropped entries, with remote ones, then a failure") {
  TailBuffer b(2, 100);
  const auto t0 = Clock::now();
  CHECK(b.Add(kA, L(R"({a="1"})"), 1, "a", t0) == TailBuffer::Added::kQueued);
  CHECK(b.Add(kA, L(R"({a="1"})"), 2, "b", t0) == TailBuffer::Added::kQueued);
  CHECK(b.Add(kA, L(R"({a="2"})"), 3, "c", t0) == TailBuffer::Added::kDropped);
  b.AddDropped(7, L(R"({from="node"})"));
  auto batch = b.Drain(t0);
  CHECK(batch.entries.size() == 2);
  REQUIRE(batch.dropped.size() == 2);
  CHECK(batch.dropped[0].first == 3);
  CHECK(batch.dropped[0].second.ToString() == R"({a="2"})");
  CHECK(batch.dropped[1].first == 7);
  CHECK(b.Drain(t0).dropped.empty());   // reported once
  b.Fail("first");
  b.Fail("second");
  CHECK(b.Drain(t0).fail == "first");
}

}  // namespace
}  // namespace skald::api
