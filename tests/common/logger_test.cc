// logfmt lines: field order, quoting, level filtering (arguments not evaluated), concurrency.
#include <catch.hpp>

#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/logger.h"

using namespace skald;

namespace {

struct Capture {
  std::mutex mu;
  std::vector<std::string> lines;
  Capture() {
    log::SetSink([this](std::string_view l) {
      std::lock_guard<std::mutex> lock(mu);
      lines.emplace_back(l);
    });
  }
  ~Capture() {
    log::SetSink(nullptr);
    log::SetLevel(log::Level::kInfo);
  }
};

}  // namespace

TEST_CASE("Format renders Loki's logfmt layout") {
  std::string line = log::Format(log::Level::kWarn, 1700000000123456789, "main.cc:12",
                                 "config is valid", {{"file", "/etc/x.yaml"}, {"n", 3}});
  CHECK(line ==
        "level=warn ts=2023-11-14T22:13:20.123456789Z caller=main.cc:12 msg=\"config is valid\" "
        "file=/etc/x.yaml n=3\n");
}

TEST_CASE("values are quoted only when logfmt needs it") {
  struct Case { const char* in; const char* want; } cases[] = {
      {"plain", "plain"},          {"", ""},
      {"two words", "\"two words\""}, {"a=b", "\"a=b\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\""}, {"line\nbreak", "\"line\\nbreak\""},
      {"tab\there", "\"tab\\there\""}, {"back\\slash", "back\\slash"}};
  for (const auto& c : cases) {
    std::string out;
    log::AppendValue(&out, c.in);
    CHECK(out == c.want);
  }
}

TEST_CASE("field values of every type render") {
  std::string line = log::Format(log::Level::kInfo, 0, "x.cc:1", "m",
                                 {{"b", true}, {"d", 1.5}, {"i", int64_t(-7)}, {"u", size_t(9)}});
  CHECK(line.find("b=true d=1.5 i=-7 u=9\n") != std::string::npos);
}

TEST_CASE("level filter drops lines and skips argument evaluation") {
  Capture cap;
  log::SetLevel(log::Level::kWarn);
  int evaluated = 0;
  auto costly = [&] {
    ++evaluated;
    return std::string("v");
  };
  SKALD_LOG(info, "hidden", {{"k", costly()}});
  SKALD_LOG(debug, "hidden too");
  SKALD_LOG(warn, "shown", {{"k", costly()}});
  SKALD_LOG(error, "also shown");
  REQUIRE(cap.lines.size() == 2);
  CHECK(evaluated == 1);
  CHECK(cap.lines[0].rfind("level=warn ts=", 0) == 0);
  CHECK(cap.lines[0].find(" caller=logger_test.cc:") != std::string::npos);
  CHECK(cap.lines[0].find(" msg=shown k=v\n") != std::string::npos);
  CHECK(cap.lines[1].find("level=error") == 0);
}

TEST_CASE("ParseLevel accepts exactly the four names") {
  log::Level l;
  for (const char* n : {"debug", "info", "warn", "error"}) {
    REQUIRE(log::ParseLevel(n, &l));
    CHECK(log::LevelName(l) == n);
  }
  CHECK_FALSE(log::ParseLevel("verbose", &l));
  CHECK_FALSE(log::ParseLevel("INFO", &l));
}

TEST_CASE("concurrent writers never interleave lines") {
  Capture cap;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) SKALD_LOG(info, "tick", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE(cap.lines.size() == 800);
  for (const auto& l : cap.lines) {
    CHECK(l.rfind("level=info", 0) == 0);
    CHECK(l.find('\n') == l.size() - 1);
  }
}
