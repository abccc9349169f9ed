// EntryLine: borrowed until changed, owned after; copies and moves keep the view on live bytes.
#include <catch.hpp>

#include <string>
#include <vector>

#include "collector/pipeline/stages/entry_line.h"
#include "stage_test_util.h"

using skald::pipeline::EntryLine;

TEST_CASE("entry line: borrows until a change, then owns") {
  std::string src = "hello world";
  EntryLine l;
  l.Borrow(src);
  REQUIRE(!l.owned());
  REQUIRE(l.data() == src.data());  // no copy
  REQUIRE(l == "hello world");
  l += "!";
  REQUIRE(l.owned());
  src.assign(src.size(), 'x');  // the borrowed bytes change: the owned line does not
  REQUIRE(l == "hello world!");

  EntryLine m;
  m.Borrow(src);
  m.Own();
  src.clear();
  REQUIRE(m == std::string(11, 'x'));
}

TEST_CASE("entry line: assignment from its own view, short and long strings") {
  for (const std::string& text : {std::string("short"), std::string(300, 'a') + "tail"}) {
    EntryLine l;
    l = text;
    l = l.view().substr(1);  // overlapping source
    REQUIRE(l == text.substr(1));
    l = std::string("moved in");
    REQUIRE(l == "moved in");
  }
}

TEST_CASE("entry line: copies and moves point at their own bytes") {
  // Short (in-place) strings move their bytes: a stale view would read the moved-from object.
  for (const std::string& text : {std::string("sso"), std::string(200, 'b')}) {
    std::vector<EntryLine> v;
    for (int i = 0; i < 40; ++i) {  // growth moves every element
      EntryLine l;
      l = text + std::to_string(i);
      v.push_back(std::move(l));
    }
    for (int i = 0; i < 40; ++i) {
      REQUIRE(v[i] == text + std::to_string(i));
      REQUIRE(v[i].data() != nullptr);
    }
    EntryLine copy = v[3];
    v[3] = "changed";
    REQUIRE(copy == text + "3");
    EntryLine moved = std::move(copy);
    REQUIRE(moved == text + "3");
    REQUIRE(copy.empty());  // NOLINT: moved-from is empty by contract
  }
  std::string src = "borrowed";
  EntryLine b;
  b.Borrow(src);
  EntryLine c = b;  // a copy of a borrowed line borrows the same bytes
  REQUIRE(c.data() == src.data());
}

TEST_CASE("multiline holds a block past the call: its text is copied out of the borrowed bytes") {
  using namespace skald::pipeline;
  auto chain = testing::BuildChain("[{multiline: {firstline: '^start'}}]");
  REQUIRE(chain.ok());
  std::vector<Entry> out;
  std::string buf = "start one";
  Entry e = testing::MakeEntry("");
  e.line.Borrow(buf);
  chain->Push(std::move(e), out);
  buf.assign(buf.size(), '#');  // the tailer reuses its buffer
  buf = "  continued";
  Entry f = testing::MakeEntry("");
  f.line.Borrow(buf);
  chain->Push(std::move(f), out);
  buf.assign(buf.size(), '#');
  chain->Flush(0, true, out);
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].line == "start one\n  continued");
}
