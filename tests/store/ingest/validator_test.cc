// Validator tables: every limit with Loki's message and reason, partial acceptance, truncation and
// service_name discovery.
#include <catch.hpp>

#include "store/ingest/validation_messages.h"
#include "store/ingest/validator.h"

using namespace skald;
using namespace skald::ingest;

namespace {

constexpr int64_t kNow = 1700000000000000000;  // 2023-11-14T22:13:20Z
constexpr int64_t kSec = 1000000000;

RawStream Stream(const std::string& text, std::vector<LogEntry> entries) {
  RawStream s;
  s.labels_text = text;
  auto parsed = LabelSet::Parse(text);
  REQUIRE(parsed.ok());
  s.labels = *parsed;
  s.entries = std::move(entries);
  return s;
}

LogEntry E(int64_t ts, std::string line, std::vector<Label> md = {}) { return LogEntry{ts, std::move(line), std::move(md)}; }

std::string Labels(int n) {
  std::string t = "{";
  for (int i = 0; i < n; ++i) t += (i ? ", l" : "l") + std::to_string(i) + "=\"v\"";
  return t + "}";
}

}  // namespace

TEST_CASE("validator rejects each limit with Loki's text and reason") {
  LimitsConfig lim;
  lim.discover_service_name = false;
  lim.max_line_size = 10;
  lim.max_label_name_length = 8;
  lim.max_label_value_length = 6;
  lim.max_structured_metadata_size = 20;
  lim.max_structured_metadata_entries_count = 2;
  const std::string s = "{app=\"x\"}";
  struct Case { RawStream stream; std::string msg; const char* reason; };
  std::vector<Case> cases;
  cases.push_back({Stream(s, {E(kNow - 8 * 24 * 3600 * kSec, "old")}),
                   "entry for stream '{app=\"x\"}' has timestamp too old: 2023-11-06T22:13:20Z, oldest acceptable "
                   "timestamp is: 2023-11-07T22:13:20Z",
                   reason::kGreaterThanMaxSampleAge});
  cases.push_back({Stream(s, {E(kNow + 11 * 60 * kSec, "new")}),
                   "entry for stream '{app=\"x\"}' has timestamp too new: 2023-11-14T22:24:20Z",
                   reason::kTooFarInFuture});
  cases.push_back({Stream(s, {E(kNow, "12345678901")}),
                   "Max entry size '10' bytes exceeded for stream '{app=\"x\"}' while adding an entry with length '11' bytes",
                   reason::kLineTooLong});
  cases.push_back({Stream(s, {E(kNow, "l", {{"k", std::string(25, 'v')}})}),
                   "stream '{app=\"x\"}' has structured metadata too large: '26' bytes, limit: '20' bytes. Please see "
                   "`limits_config.max_structured_metadata_size` or contact your Loki administrator to increase it.",
                   reason::kStructuredMetadataTooLarge});
  cases.push_back({Stream(s, {E(kNow, "l", {{"a", "1"}, {"b", "2"}, {"c", "3"}})}),
                   "stream '{app=\"x\"}' has too many structured metadata labels: '3', limit: '2'. Please see "
                   "`limits_config.max_structured_metadata_entries_count` or contact your Loki administrator to "
                   "increase it.",
                   reason::kStructuredMetadataTooMany});
  cases.push_back({Stream(Labels(16), {E(kNow, "l")}),
                   "entry for stream '" + Labels(16) + "' has 16 label names; limit 15",
                   reason::kMaxLabelNamesPerSeries});
  cases.push_back({Stream("{toolongname=\"x\"}", {E(kNow, "l")}),
                   "stream '{toolongname=\"x\"}' has label name too long: 'toolongname'", reason::kLabelNameTooLong});
  cases.push_back({Stream("{a=\"1234567\"}", {E(kNow, "l")}),
                   "stream '{a=\"1234567\"}' has label value too long: '1234567'", reason::kLabelValueTooLong});
  cases.push_back({Stream("{}", {E(kNow, "l")}), "error at least one label pair is required per stream",
                   reason::kMissingLabels});
  RawStream dup;
  dup.labels_text = "{a=\"1\", a=\"2\"}";
  dup.duplicate_label = "a";
  dup.entries = {E(kNow, "l")};
  cases.push_back({dup, "stream '{a=\"1\", a=\"2\"}' has duplicate label name: 'a'", reason::kDuplicateLabelNames});

  for (auto& c : cases) {
    PushMetrics metrics;
    Validator v(lim, &metrics);
    std::vector<RawStream> in;
    in.push_back(c.stream);
    in.push_back(Stream("{ok=\"1\"}", {E(kNow, "fine")}));
    auto out = v.Validate("t1", std::move(in), kNow);
    INFO(c.msg);
    CHECK(out.errors.ToString() == c.msg);
    REQUIRE(out.streams.size() == 1);  // partial success: the valid stream stays
    CHECK(out.streams[0].stream.labels.ToString() == "{ok=\"1\"}");
    CHECK(out.lines == 1);
    CHECK(metrics.DiscardedSamples(c.reason, "t1") == 1);
    CHECK(metrics.DiscardedBytes(c.reason, "t1") > 0);
  }
}

TEST_CASE("disallowed structured metadata") {
  LimitsConfig lim;
  lim.allow_structured_metadata = false;
  lim.discover_service_name = false;
  PushMetrics m;
  std::vector<RawStream> in;
  in.push_back(Stream("{a=\"b\"}", {E(kNow, "x", {{"k", "v"}}), E(kNow, "y")}));
  auto out = Validator(lim, &m).Validate("t", std::move(in), kNow);
  CHECK(out.errors.ToString().rfind("stream '{a=\"b\"}' includes structured metadata, but this feature is disallowed.", 0) == 0);
  REQUIRE(out.streams.size() == 1);
  CHECK(out.streams[0].stream.entries.size() == 1);
  CHECK(m.DiscardedSamples(reason::kDisallowedStructuredMetadata, "t") == 1);
}

TEST_CASE("repeated errors fold as 'N errors like'") {
  LimitsConfig lim;
  lim.max_line_size = 1;
  lim.discover_service_name = false;
  PushMetrics m;
  std::vector<RawStream> in;
  in.push_back(Stream("{a=\"b\"}", {E(kNow, "xx"), E(kNow + 1, "yy"), E(kNow + 2, "z")}));
  in.push_back(Stream("{}", {E(kNow, "q")}));
  auto out = Validator(lim, &m).Validate("t", std::move(in), kNow);
  CHECK(out.errors.ToString() ==
        "2 errors like: Max entry size '1' bytes exceeded for stream '{a=\"b\"}' while adding an entry with length "
        "'2' bytes; 1 errors like: error at least one label pair is required per stream");
  CHECK(out.lines == 1);
  CHECK(m.DiscardedSamples(reason::kLineTooLong, "t") == 2);
}

TEST_CASE("max_line_size_truncate shortens lines instead of rejecting") {
  LimitsConfig lim;
  lim.max_line_size = 4;
  lim.max_line_size_truncate = true;
  lim.discover_service_name = false;
  PushMetrics m;
  std::vector<RawStream> in;
  in.push_back(Stream("{a=\"b\"}", {E(kNow, "123456"), E(kNow, "12")}));
  auto out = Validator(lim, &m).Validate("t", std::move(in), kNow);
  CHECK(out.errors.empty());
  REQUIRE(out.streams.size() == 1);
  CHECK(out.streams[0].stream.entries[0].line == "1234");
  CHECK(out.streams[0].stream.entries[1].line == "12");
}

TEST_CASE("reject_old_samples false accepts old entries - grace period is inclusive") {
  LimitsConfig lim;
  lim.reject_old_samples = false;
  lim.discover_service_name = false;
  PushMetrics m;
  std::vector<RawStream> in;
  in.push_back(Stream("{a=\"b\"}", {E(1, "ancient"), E(kNow + lim.creation_grace_period_ns, "edge")}));
  auto out = Validator(lim, &m).Validate("t", std::move(in), kNow);
  CHECK(out.errors.empty());
  CHECK(out.lines == 2);
}

TEST_CASE("service_name discovery follows Loki's label priority") {
  struct Case { std::string labels; std::string expect; };
  std::vector<Case> cases = {
      {"{app=\"web\", job=\"docker\"}", "web"},
      {"{job=\"docker\", container=\"pg\"}", "pg"},
      {"{service=\"svc\", app=\"web\"}", "svc"},
      {"{host=\"h1\"}", "unknown_service"},
      {"{service_name=\"mine\", app=\"web\"}", "mine"},
  };
  for (const auto& c : cases) {
    auto ls = LabelSet::Parse(c.labels);
    REQUIRE(ls.ok());
    DiscoverServiceName(&*ls, DefaultServiceNameLabels());
    CHECK(ls->Get("service_name") == std::optional<std::string_view>(c.expect));
  }
  LimitsConfig lim;  // discover_service_name defaults to true
  PushMetrics m;
  std::vector<RawStream> in;
  in.push_back(Stream(Labels(15), {E(kNow, "x")}));  // 15 + service_name still within the limit
  auto out = Validator(lim, &m).Validate("t", std::move(in), kNow);
  CHECK(out.errors.empty());
  REQUIRE(out.streams.size() == 1);
  CHECK(out.streams[0].stream.labels.Get("service_name") == std::optional<std::string_view>("unknown_service"));
}
