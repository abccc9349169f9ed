// BytesEqual against std::string_view's == for every length 0..40 and every differing position.
#include <catch.hpp>

#include <string>

#include "common/bytes_equal.h"

using skald::BytesEqual;

TEST_CASE("bytes equal: agrees with == for every length and every differing byte") {
  for (size_t n = 0; n <= 40; ++n) {
    std::string a;
    for (size_t i = 0; i < n; ++i) a.push_back(static_cast<char>('a' + i % 26));
    std::string b = a;
    CHECK(BytesEqual(a, b));
    for (size_t i = 0; i < n; ++i) {
      std::string c = a;
      c[i] = static_cast<char>(c[i] ^ 0x20);
      INFO("length " << n << ", byte " << i);
      CHECK_FALSE(BytesEqual(a, c));
      c[i] = static_cast<char>(0x80);  // high bytes compare as bytes too
      CHECK_FALSE(BytesEqual(a, c));
    }
    if (n > 0) CHECK_FALSE(BytesEqual(a, std::string_view(a).substr(1)));  // lengths differ
  }
  CHECK(BytesEqual(std::string_view(), std::string_view("")));
  CHECK_FALSE(BytesEqual("level", "levex"));
}
