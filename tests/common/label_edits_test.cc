// EditedLabels: edits over a shared base read, materialize and compare like the LabelSet they stand
// for; equal edits hash equal; a reset reuses the edit slots without leaking old edits.
#include <catch.hpp>

#include <algorithm>
#include <cstring>
#include <map>

#include "common/label_edits.h"
#include "tests/common/edits_hash_twins.h"

using namespace skald;

namespace {
LabelSet L(std::vector<Label> v) { return LabelSet(std::move(v)); }

}  // namespace

TEST_CASE("edited labels: set, overwrite and remove over a shared base") {
  auto base = std::make_shared<const LabelSet>(L({{"job", "api"}, {"stream", "stdout"}}));
  EditedLabels e;
  e.Reset(base);
  CHECK(e.edit_count() == 0);
  CHECK(e == *base);
  e.Set("level", "ERROR");
  e.Set("stream", "stderr");
  e.Set("level", "WARN");  // one edit per name: the last value wins
  e.Erase("job");
  CHECK(e.edit_count() == 3);
  CHECK(e.Get("level") == std::optional<std::string_view>("WARN"));
  CHECK(e.Get("stream") == std::optional<std::string_view>("stderr"));
  CHECK_FALSE(e.Has("job"));
  CHECK(e.ToString() == R"({level="WARN", stream="stderr"})");
  CHECK(*base == L({{"job", "api"}, {"stream", "stdout"}}));  // the base is never modified
  e.Set("job", "web");  // after materializing: the cached set follows further edits
  CHECK(e.set() == L({{"job", "web"}, {"level", "WARN"}, {"stream", "stderr"}}));
  e.Reset(base);
  CHECK(e.edit_count() == 0);
  CHECK(e.set() == *base);
  e.Set("a", "1");
  CHECK(e.set() == L({{"a", "1"}, {"job", "api"}, {"stream", "stdout"}}));
}

TEST_CASE("edited labels: equal edits pack equal, different ones do not") {
  auto base = std::make_shared<const LabelSet>(L({{"job", "api"}}));
  EditedLabels a, b;
  a.Reset(base);
  b.Reset(base);
  a.Set("level", "INFO");
  a.Set("status", "200");
  b.Set("level", "INFO");
  b.Set("status", "200");
  std::string pa, pb;
  a.PackEdits(&pa);
  b.PackEdits(&pb);
  CHECK(pa == pb);
  b.Set("status", "500");
  b.PackEdits(&pb);
  CHECK(pa != pb);
  b.Reset(base);
  b.PackEdits(&pb);
  CHECK(pb.empty());
  // Lengths keep the boundaries: ("ab","c") and ("a","bc") differ, as do long values.
  a.Reset(base);
  b.Reset(base);
  a.Set("ab", "c");
  b.Set("a", "bc");
  a.PackEdits(&pa);
  b.PackEdits(&pb);
  CHECK(pa != pb);
  a.Reset(base);
  b.Reset(base);
  a.Set("k", std::string(200, 'x'));
  b.Set("k", std::string(200, 'x') + "y");
  a.PackEdits(&pa);
  b.PackEdits(&pb);
  CHECK(pa != pb);
  CHECK(pa.size() == 1 + 1 + 2 + 200);  // "k" with its length byte, a two-byte length, the value
  CHECK(a.EditsEqual(pa));
  CHECK_FALSE(b.EditsEqual(pa));
  CHECK(b.EditsEqual(pb));
  CHECK_FALSE(a.EditsEqual(pa.substr(0, pa.size() - 1)));  // truncated
  CHECK_FALSE(a.EditsEqual(pa + "x"));                      // trailing bytes
  CHECK_FALSE(a.EditsEqual(""));
  CHECK_FALSE(a.EditsEqual(std::string(12, '\xff')));       // a length that never ends
  a.Reset(base);
  CHECK(a.EditsEqual(""));
}

TEST_CASE("edited labels: equal edits hash equal") {
  auto base = std::make_shared<const LabelSet>(L({{"job", "api"}}));
  EditedLabels a, b;
  a.Reset(base);
  b.Reset(base);
  for (const char* v : {"", "a", "ab", "abc", "abcd", "abcdefg", "abcdefgh", "abcdefghijklmnopq"}) {
    a.Set("level", v);
    b.Set("level", v);
    CHECK(a.EditsHash() == b.EditsHash());
  }
  a.Set("status", "200");
  b.Set("status", "500");
  CHECK(a.EditsHash() != b.EditsHash());
}

TEST_CASE("edited labels: a value read back with Get can be set under another name") {
  EditedLabels e;
  e.Reset(std::make_shared<const LabelSet>(L({{"job", "api"}})));
  e.Set("k", "a value longer than the small-string buffer");
  std::string prev = "k";
  for (int i = 0; i < 20; ++i) {
    std::string name = "k";
    name += std::to_string(i);
    e.Set(name, *e.Get(prev));
    prev = name;
  }
  CHECK(e.Get("k19") == std::optional<std::string_view>("a value longer than the small-string buffer"));
  e.Set("k", *e.Get("k"));  // onto itself
  CHECK(e.Get("k") == std::optional<std::string_view>("a value longer than the small-string buffer"));
}

TEST_CASE("edited labels: built from a whole label set, and with no base") {
  EditedLabels e(L({{"x", "1"}}));
  CHECK(e == L({{"x", "1"}}));
  e = L({{"y", "2"}});
  CHECK(e.ToString() == R"({y="2"})");
  EditedLabels none;
  CHECK(none.set().empty());
  none.Set("z", "3");
  CHECK(none.Get("z") == std::optional<std::string_view>("3"));
  CHECK(none.size() == 1);
}

TEST_CASE("edited labels: equal versions mean equal label sets, repeated edits keep the version") {
  auto a = std::make_shared<const LabelSet>(L({{"job", "api"}}));
  auto b = std::make_shared<const LabelSet>(L({{"job", "web"}}));
  EditedLabels e;
  e.Reset(a);
  e.Set("level", "INFO");
  const uint64_t v1 = e.version();
  CHECK(e.version() == v1);  // asking twice changes nothing
  e.Reset(a);
  e.Set("level", "INFO");
  CHECK(e.version() == v1);  // the same edit on the next line
  e.Reset(a);
  e.Set("level", "WARN");
  const uint64_t v2 = e.version();
  CHECK(v2 != v1);
  e.Reset(b);
  e.Set("level", "WARN");
  CHECK(e.version() != v2);  // another base
  EditedLabels copy = e;
  CHECK(copy.version() == e.version());
  copy.Set("x", "1");
  CHECK(copy.version() != e.version());

  // Random lines: whenever a version comes back, the label set is the one first seen with it.
  std::map<uint64_t, std::string> seen;
  uint64_t rng = 42;
  auto next = [&rng](uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  const char* names[] = {"level", "status", "job"};
  const char* values[] = {"", "INFO", "WARN", "200", "api"};
  EditedLabels r;
  for (int line = 0; line < 20000; ++line) {
    r.Reset(next(8) == 0 ? b : a);
    const uint64_t sets = next(4);
    for (uint64_t k = 0; k < sets; ++k) r.Set(names[next(3)], values[next(5)]);
    if (next(3) == 0) continue;  // a dropped line: nobody asks for its version
    const uint64_t v = r.version();
    const std::string text = r.set().ToString();
    auto [it, fresh] = seen.emplace(v, text);
    INFO("line " << line);
    if (!fresh) CHECK(it->second == text);
  }
  CHECK(seen.size() > 10);
}

TEST_CASE("edited labels: edits whose hashes collide are told apart") {
  auto base = std::make_shared<const LabelSet>(L({{"job", "api"}}));
  const std::string v = "twin-base-AB12cd";
  EditedLabels a, b;
  a.Reset(base);
  a.Set("level", "INFO");
  a.Set("v", v);
  std::string pa;
  a.PackEdits(&pa);
  for (const std::string& twin : testing::EditsHashTwins(v, 3)) {
    b.Reset(base);
    b.Set("level", "INFO");
    b.Set("v", twin);
    INFO(twin);
    REQUIRE(b.EditsHash() == a.EditsHash());  // the crafted collision (see HashTwins)
    CHECK_FALSE(b.EditsEqual(pa));
    std::string pb;
    b.PackEdits(&pb);
    CHECK(b.EditsEqual(pb));
    CHECK_FALSE(a.EditsEqual(pb));
  }
}

TEST_CASE("edited labels: the edits hash and packing follow every set, erase and reset") {
  // One reused object against a fresh one given the same live edits in the same order: equal
  // hashes and packings after every step (the hash is kept per slot as edits change).
  auto a = std::make_shared<const LabelSet>(L({{"job", "api"}}));
  auto b = std::make_shared<const LabelSet>(L({{"job", "web"}}));
  uint64_t rng = 99;
  auto next = [&rng](uint64_t n) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (rng >> 33) % n;
  };
  const char* names[] = {"level", "status", "job", "a_longer_label_name"};
  const char* values[] = {"", "INFO", "WARN", "200", "api", "a value longer than sixteen bytes"};
  EditedLabels r;
  std::vector<std::pair<std::string, std::string>> live;  // what r holds, in first-set order
  for (int step = 0; step < 20000; ++step) {
    if (next(5) == 0) {
      r.Reset(next(2) ? a : b);
      live.clear();
    } else {
      const std::string n = names[next(4)], v = values[next(6)];
      r.Set(n, v);
      auto it = std::find_if(live.begin(), live.end(), [&n](const auto& e) { return e.first == n; });
      if (it == live.end()) live.emplace_back(n, v);
      else it->second = v;
    }
    EditedLabels fresh;
    fresh.Reset(r.base());
    for (const auto& [n, v] : live) fresh.Set(n, v);
    INFO("step " << step);
    REQUIRE(r.edit_count() == live.size());
    REQUIRE(r.EditsHash() == fresh.EditsHash());
    std::string pr, pf;
    r.PackEdits(&pr);
    fresh.PackEdits(&pf);
    REQUIRE(pr == pf);
    REQUIRE(r.EditsEqual(pf));
  }
}
