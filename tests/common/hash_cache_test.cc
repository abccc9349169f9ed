// HashCache: find/insert by hash, growth past the initial table, clearing at the cap, and values
// found again after many colliding slots (hashes equal modulo the table size).
#include <catch.hpp>

#include <string>

#include "common/hash_cache.h"

using skald::HashCache;

TEST_CASE("hash cache: values are found by their hash across growth") {
  HashCache<std::string> c;
  CHECK(c.Find(1) == nullptr);
  for (uint64_t h = 0; h < 1000; ++h) c.Insert(h * 1024) = std::to_string(h);  // same low bits
  REQUIRE(c.size() == 1000);
  for (uint64_t h = 0; h < 1000; ++h) {
    const std::string* v = c.Find(h * 1024);
    REQUIRE(v != nullptr);
    CHECK(*v == std::to_string(h));
  }
  CHECK(c.Find(7) == nullptr);
  c.Insert(5 * 1024) = "replaced";  // an existing hash: the same value slot
  CHECK(c.size() == 1000);
  CHECK(*c.Find(5 * 1024) == "replaced");
}

TEST_CASE("hash cache: inserting past the cap starts over") {
  HashCache<int> c(4);
  for (int i = 0; i < 4; ++i) c.Insert(static_cast<uint64_t>(i)) = i;
  CHECK(c.size() == 4);
  c.Insert(99) = 99;
  CHECK(c.size() == 1);
  CHECK(c.Find(0) == nullptr);
  REQUIRE(c.Find(99) != nullptr);
  CHECK(*c.Find(99) == 99);
  c.Clear();
  CHECK(c.Find(99) == nullptr);
}
