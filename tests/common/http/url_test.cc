// Percent-decoding and query-string splitting, as Go's net/url: '+' in queries, malformed escapes.
#include <catch.hpp>

#include "common/http/url.h"

using namespace skald::http;

TEST_CASE("DecodeUrl: escapes, plus, malformed escapes kept") {
  CHECK(DecodeUrl("%7Bapp%3D%22a%22%7D", false) == "{app=\"a\"}");
  CHECK(DecodeUrl("a+b", true) == "a b");
  CHECK(DecodeUrl("a+b", false) == "a+b");
  CHECK(DecodeUrl("100%", true) == "100%");
  CHECK(DecodeUrl("%zz%4", true) == "%zz%4");
  CHECK(DecodeUrl("%e2%9c%93", true) == "\xe2\x9c\x93");
}

TEST_CASE("ParseQueryString: repeated keys in order, bare keys, empty pairs") {
  Params p;
  ParseQueryString("match[]=%7Ba%3D%221%22%7D&limit=5&&flag&match[]=b&=x", &p);
  auto range = p.equal_range("match[]");
  std::vector<std::string> matches;
  for (auto it = range.first; it != range.second; ++it) matches.push_back(it->second);
  CHECK(matches == std::vector<std::string>{"{a=\"1\"}", "b"});
  CHECK(p.find("limit")->second == "5");
  CHECK(p.count("flag") == 1);
  CHECK(p.find("flag")->second.empty());
  CHECK(p.count("") == 1);
}
