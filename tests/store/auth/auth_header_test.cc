// Authorization header parsing: Basic and Bearer, scheme case, and the malformed forms refused.
#include <catch.hpp>

#include "store/auth/auth_header.h"

using namespace skald::auth;
using Kind = AuthHeader::Kind;

TEST_CASE("Basic credentials decode to user and password") {
  AuthHeader h = ParseAuthorization("Basic Y29sbGVjdG9yOnA6c3c=");  // collector:p:sw
  REQUIRE(h.kind == Kind::kBasic);
  CHECK(h.username == "collector");
  CHECK(h.password == "p:sw");
  CHECK(ParseAuthorization("basic   dTo=").kind == Kind::kBasic);  // u: (empty password)
  CHECK(ParseAuthorization("basic dTo=").password.empty());
}

TEST_CASE("Bearer tokens are token68") {
  AuthHeader h = ParseAuthorization("Bearer abc-DEF_1.2~3+/==");
  REQUIRE(h.kind == Kind::kBearer);
  CHECK(h.token == "abc-DEF_1.2~3+/==");
  CHECK(ParseAuthorization("BEARER x").kind == Kind::kBearer);
}

TEST_CASE("absent and malformed Authorization headers") {
  CHECK(ParseAuthorization("").kind == Kind::kNone);
  CHECK(ParseAuthorization("   ").kind == Kind::kNone);
  for (const char* bad : {"Basic", "Basic !!!!", "Basic dXNlcg==", "Basic dTo", "Basic d=To",
                          "Digest abc", "Bearer", "Bearer a b", "Bearer =abc", "Bearer a=b",
                          "Basic ====", "Basic dTo=dTo="}) {
    INFO(bad);
    AuthHeader h = ParseAuthorization(bad);
    CHECK(h.kind == Kind::kMalformed);
    CHECK_FALSE(h.problem.empty());
  }
}

TEST_CASE("base64 decoding is strict") {
  std::string out;
  CHECK(DecodeBase64("", &out));
  CHECK(out.empty());
  CHECK(DecodeBase64("YWJj", &out));
  CHECK(out == "abc");
  CHECK(DecodeBase64("YWI=", &out));
  CHECK(out == "ab");
  CHECK(DecodeBase64("YQ==", &out));
  CHECK(out == "a");
  CHECK_FALSE(DecodeBase64("YQ=", &out));
  CHECK_FALSE(DecodeBase64("Y===", &out));
  CHECK_FALSE(DecodeBase64("YQ=a", &out));
  CHECK_FALSE(DecodeBase64("YW-j", &out));
}
