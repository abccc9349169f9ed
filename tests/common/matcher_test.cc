// Matchers: equality, anchored RE2 regexes, literal-alternation fast path, missing labels.
#include <catch.hpp>

#include "common/matcher.h"

using namespace skald;

TEST_CASE("matcher: types and anchoring", "[matcher]") {
  auto eq = Matcher::Make(MatchType::kEq, "a", "x");
  auto re = Matcher::Make(MatchType::kRe, "a", "x.*");
  auto alt = Matcher::Make(MatchType::kRe, "a", "postgres|mariadb");
  auto nre = Matcher::Make(MatchType::kNre, "a", "b");
  REQUIRE((eq.ok() && re.ok() && alt.ok() && nre.ok()));
  CHECK(eq->Matches("x"));
  CHECK_FALSE(eq->Matches("xy"));
  CHECK(re->Matches("xyz"));
  CHECK_FALSE(re->Matches("axyz"));  // anchored at the start
  CHECK(alt->Matches("mariadb"));
  CHECK_FALSE(alt->Matches("postgresql"));  // anchored at the end
  CHECK(nre->Matches("bb"));
  CHECK_FALSE(nre->Matches("b"));
}

TEST_CASE("matcher: missing label is empty string", "[matcher]") {
  auto ls = LabelSet::Parse(R"({job="docker"})").value();
  CHECK(Matcher::Make(MatchType::kEq, "level", "").value().Matches(ls));
  CHECK_FALSE(Matcher::Make(MatchType::kNeq, "level", "").value().Matches(ls));
  CHECK(Matcher::Make(MatchType::kRe, "level", ".*").value().Matches(ls));
}

TEST_CASE("matcher: bad regex is an error naming it", "[matcher]") {
  auto m = Matcher::Make(MatchType::kRe, "a", "(");
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message().find("`(`") != std::string::npos);
}
