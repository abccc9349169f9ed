// HeaderCache: hits return the same decoded header, the byte budget evicts least recently used
// first, Invalidate drops one file's entries, and a read that raced with Invalidate is not kept.
#include <catch.hpp>

#include "store/chunk/header_cache.h"

using namespace skald::chunk;

namespace {

std::shared_ptr<const ChunkHeader> Hdr(uint64_t fp, size_t blocks) {
  auto h = std::make_shared<ChunkHeader>();
  h->fingerprint = fp;
  h->blocks.resize(blocks);
  return h;
}

}  // namespace

TEST_CASE("header cache: a hit is the header put, a miss is null", "[chunk]") {
  HeaderCache c(1 << 20);
  CHECK(c.Get("t/d/000001.skc", 0) == nullptr);
  auto h = Hdr(7, 3);
  c.Put("t/d/000001.skc", 0, h, c.Generation());
  CHECK(c.Get("t/d/000001.skc", 0) == h);
  CHECK(c.Get("t/d/000001.skc", 1) == nullptr);    // another offset
  CHECK(c.Get("t/d/000001.skc0", 0) == nullptr);   // a name that extends the first
  CHECK(c.entries() == 1);
}

TEST_CASE("header cache: the budget evicts the least recently used", "[chunk]") {
  auto h = Hdr(1, 10);
  HeaderCache probe(1 << 20);
  probe.Put("a", 0, h, 0);
  const size_t one = probe.bytes();
  REQUIRE(one > 10 * sizeof(BlockMeta));
  HeaderCache c(3 * one + one / 2);   // room for three
  c.Put("a", 0, h, 0);
  c.Put("b", 0, h, 0);
  c.Put("c", 0, h, 0);
  REQUIRE(c.Get("a", 0) != nullptr);   // a is now the most recent; b the least
  c.Put("d", 0, h, 0);
  CHECK(c.entries() == 3);
  CHECK(c.Get("b", 0) == nullptr);
  CHECK(c.Get("a", 0) != nullptr);
  CHECK(c.Get("c", 0) != nullptr);
  CHECK(c.Get("d", 0) != nullptr);
  CHECK(c.bytes() <= 3 * one + one / 2);

  HeaderCache tiny(one / 2);   // a header larger than the whole budget is not kept
  tiny.Put("a", 0, h, 0);
  CHECK(tiny.entries() == 0);
  CHECK(tiny.bytes() == 0);
}

TEST_CASE("header cache: Invalidate drops one file, and a read taken before it is not kept", "[chunk]") {
  HeaderCache c(1 << 20);
  c.Put("x/1.skc", 0, Hdr(1, 1), c.Generation());
  c.Put("x/1.skc", 4096, Hdr(2, 1), c.Generation());
  c.Put("x/2.skc", 0, Hdr(3, 1), c.Generation());
  const uint64_t before = c.Generation();
  c.Invalidate("x/1.skc");
  CHECK(c.Get("x/1.skc", 0) == nullptr);
  CHECK(c.Get("x/1.skc", 4096) == nullptr);
  CHECK(c.Get("x/2.skc", 0) != nullptr);
  CHECK(c.entries() == 1);
  // A reader that took the generation before the Invalidate may hold the old file's bytes.
  c.Put("x/1.skc", 0, Hdr(9, 1), before);
  CHECK(c.Get("x/1.skc", 0) == nullptr);
  c.Put("x/1.skc", 0, Hdr(9, 1), c.Generation());
  REQUIRE(c.Get("x/1.skc", 0) != nullptr);
  CHECK(c.Get("x/1.skc", 0)->fingerprint == 9);
}
