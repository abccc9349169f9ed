// Registry semantics and the exact text exposition Prometheus scrapes.
#include <catch.hpp>

#include <cmath>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/metrics.h"

using namespace skald::metrics;

TEST_CASE("exposition of counters gauges and labelled vectors") {
  Registry r;
  r.NewCounter("b_total", "B things.").Inc(2);
  auto& v = r.NewCounterVec("a_total", "A things.", {"tenant", "reason"});
  v.WithLabelValues({"t2", "x"}).Inc();
  v.WithLabelValues({"t1", "quote\"and\\slash\nnl"}).Inc(3);
  r.NewGauge("c", "C level\nsecond line.").Set(-1.5);
  CHECK(r.Expose() ==
        "# HELP a_total A things.\n"
        "# TYPE a_total counter\n"
        "a_total{tenant=\"t1\",reason=\"quote\\\"and\\\\slash\\nnl\"} 3\n"
        "a_total{tenant=\"t2\",reason=\"x\"} 1\n"
        "# HELP b_total B things.\n"
        "# TYPE b_total counter\n"
        "b_total 2\n"
        "# HELP c C level\\nsecond line.\n"
        "# TYPE c gauge\n"
        "c -1.5\n");
}

TEST_CASE("histogram buckets are cumulative with +Inf _sum and _count") {
  Registry r;
  auto& h = r.NewHistogramVec("lat_seconds", "Latency.", {"route"}, {0.125, 1});
  auto& push = h.WithLabelValues({"push"});
  for (double v : {0.0625, 0.125, 0.5, 3.0}) push.Observe(v);
  CHECK(r.Expose() ==
        "# HELP lat_seconds Latency.\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{route=\"push\",le=\"0.125\"} 2\n"
        "lat_seconds_bucket{route=\"push\",le=\"1\"} 3\n"
        "lat_seconds_bucket{route=\"push\",le=\"+Inf\"} 4\n"
        "lat_seconds_sum{route=\"push\"} 3.6875\n"
        "lat_seconds_count{route=\"push\"} 4\n");
}

TEST_CASE("empty vectors are not exposed - gauge funcs are read at scrape time") {
  Registry r;
  r.NewCounterVec("unused_total", "None yet.", {"x"});
  double level = 1;
  r.NewGaugeFunc("queue_length", "Queue.", [&] { return level; });
  level = 42;
  CHECK(r.Expose() == "# HELP queue_length Queue.\n# TYPE queue_length gauge\nqueue_length 42\n");
}

TEST_CASE("re-registration returns the same metric - a shape change is a bug") {
  Registry r;
  Counter& a = r.NewCounter("x_total", "X.");
  Counter& b = r.NewCounter("x_total", "X.");
  CHECK(&a == &b);
  CHECK_THROWS_AS(r.NewGauge("x_total", "X."), std::logic_error);
  auto& v = r.NewCounterVec("y_total", "Y.", {"a"});
  CHECK_THROWS_AS(r.NewCounterVec("y_total", "Y.", {"b"}), std::logic_error);
  CHECK_THROWS_AS(v.WithLabelValues({"1", "2"}), std::logic_error);
  CHECK(v.Remove({"missing"}) == false);
  v.WithLabelValues({"1"}).Inc();
  CHECK(v.Remove({"1"}));
}

TEST_CASE("special values format as Prometheus expects") {
  CHECK(FormatValue(NAN) == "NaN");
  CHECK(FormatValue(INFINITY) == "+Inf");
  CHECK(FormatValue(-INFINITY) == "-Inf");
  CHECK(FormatValue(0) == "0");
  CHECK(FormatValue(1e6) == "1e+06");
  CHECK(FormatValue(0.25) == "0.25");
}

TEST_CASE("concurrent increments are not lost") {
  Registry r;
  Counter& c = r.NewCounter("n_total", "N.");
  Histogram& h = r.NewHistogram("h", "H.", ExponentialBuckets(1, 2, 4));
  auto& vec = r.NewGaugeVec("g", "G.", {"k"});
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc();
        h.Observe(i % 10);
        vec.WithLabelValues({std::to_string(t % 2)}).Inc();
      }
    });
  }
  for (auto& t : ts) t.join();
  CHECK(c.Value() == 40000);
  CHECK(h.Count() == 40000);
  CHECK(vec.WithLabelValues({"0"}).Value() + vec.WithLabelValues({"1"}).Value() == 40000);
  CHECK(Registry::Default().Expose().find("n_total") == std::string::npos);
}
