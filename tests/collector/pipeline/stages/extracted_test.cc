// The extracted map (stage.h's Extracted): base labels seen through it, own values shadowing them,
// erasing, slots reused across Reset, and Assign from a view into the map itself (the vector may
// grow and move every string while the value is copied).
#include <catch.hpp>

#include <memory>
#include <string>

#include "collector/pipeline/stages/stage.h"

using namespace skald;
using namespace skald::pipeline;

namespace {
std::shared_ptr<const LabelSet> Base() {
  return std::make_shared<const LabelSet>(LabelSet(std::vector<Label>{{"job", "api"}, {"stream", "stdout"}}));
}
std::string Key(const char* prefix, int i) {  // built with += (GCC 12 warns on "lit" + to_string)
  std::string k = prefix;
  k += std::to_string(i);
  return k;
}
std::string Visible(const Extracted& x) {
  std::string out;
  x.ForEach([&out](const std::string& k, const std::string& v) { out += k + "=" + v + ";"; });
  return out;
}
}  // namespace

TEST_CASE("extracted: own values shadow the base, erase hides base keys, reset starts over") {
  Extracted x;
  x.Reset(Base());
  REQUIRE(x.Get("job") != nullptr);
  CHECK(*x.Get("job") == "api");
  x.Set("job", "web");
  x.Assign("level", "INFO");
  CHECK(*x.Get("job") == "web");
  CHECK(*x.Get("level") == "INFO");
  x.Erase("stream");
  CHECK(x.Get("stream") == nullptr);
  x.Erase("absent");
  CHECK(x.Get("absent") == nullptr);
  CHECK(Visible(x) == "job=web;level=INFO;");
  x.Set("stream", "stderr");  // set again after an erase: visible
  CHECK(*x.Get("stream") == "stderr");
  x.Reset(Base());  // the slots stay allocated, none is visible
  CHECK(x.Get("level") == nullptr);
  CHECK(*x.Get("job") == "api");
  CHECK(Visible(x) == "job=api;stream=stdout;");
  x.Assign("b", "2");
  x.Assign("a", "1");
  CHECK(Visible(x) == "b=2;a=1;job=api;stream=stdout;");
}

TEST_CASE("extracted: assign from one of the map's own values while the map grows") {
  for (int warm = 0; warm < 2; ++warm) {  // a fresh map (grows) and a reused one (slots exist)
    Extracted x;
    x.Reset(nullptr);
    if (warm) {
      for (int i = 0; i < 64; ++i) x.Assign(Key("k", i), std::string(40, 'z'));
      x.Reset(nullptr);
    }
    std::string expect;
    for (int i = 0; i < 64; ++i) {
      // Short values live inside the strings (SSO): moving the vector moves the bytes themselves.
      x.Assign(Key("v", i), i % 2 ? std::string(30, static_cast<char>('a' + i % 26)) : std::to_string(i));
      const std::string* prev = x.Get(Key("v", i));
      REQUIRE(prev != nullptr);
      expect = *prev;
      x.Assign(Key("copy", i), *prev);  // a view into the map, appended as a new key
      REQUIRE(x.Get(Key("copy", i)) != nullptr);
      CHECK(*x.Get(Key("copy", i)) == expect);
      x.Assign("v0", *x.Get(Key("v", i)));  // overwriting one key with another's value
      CHECK(*x.Get("v0") == expect);
    }
  }
}

TEST_CASE("extracted: base labels of every name length are found, other keys are not") {
  std::vector<Label> labels;
  for (size_t n = 1; n <= 130; n += 3) labels.push_back({std::string(n, 'a'), std::to_string(n)});
  auto base = std::make_shared<const LabelSet>(LabelSet(labels));
  Extracted x;
  x.Reset(base);
  for (size_t n = 1; n <= 131; ++n) {
    const std::string* v = x.Get(std::string(n, 'a'));
    INFO("name length " << n);
    if ((n - 1) % 3 == 0) {
      REQUIRE(v != nullptr);
      CHECK(*v == std::to_string(n));
    } else {
      CHECK(v == nullptr);
    }
    CHECK(x.Get(std::string(n, 'b')) == nullptr);
  }
  x.Reset(nullptr);  // a new base: the old one's names are gone
  CHECK(x.Get("a") == nullptr);
  x.SetBase(base);
  CHECK(x.Get("a") != nullptr);
}
