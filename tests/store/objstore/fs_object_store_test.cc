// FsObjectStore: the ObjectStore contract on a real directory (put/get ranges/head/list/delete,
// PutFile/GetFile, bad keys, leftovers of an interrupted put, concurrent writers).
#include "store/objstore/fs_object_store.h"

#include <catch.hpp>

#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "tests/test_support.h"

using namespace skald;
using namespace skald::objstore;
using skald::test_support::ScratchDir;

TEST_CASE("fs object store puts, reads ranges, heads, lists and deletes") {
  ScratchDir dir("objstore-fs");
  auto st = FsObjectStore::Open(dir.path + "/bucket");
  REQUIRE(st.ok());
  ObjectStore& s = **st;
  REQUIRE(s.Put("fake/chunks/b", "0123456789").ok());
  REQUIRE(s.Put("fake/chunks/a", "abc").ok());
  REQUIRE(s.Put("other/x", "").ok());
  REQUIRE(s.Put("fake/chunks/b", "0123456789ABCDEF").ok());  // overwrite

  std::string out;
  REQUIRE(s.Get("fake/chunks/b", 0, UINT64_MAX, &out).ok());
  CHECK(out == "0123456789ABCDEF");
  REQUIRE(s.Get("fake/chunks/b", 10, 3, &out).ok());
  CHECK(out == "ABC");
  REQUIRE(s.Get("fake/chunks/b", 14, 100, &out).ok());
  CHECK(out == "EF");
  REQUIRE(s.Get("fake/chunks/b", 16, 5, &out).ok());
  CHECK(out.empty());
  CHECK(s.Get("fake/nope", 0, 1, &out).code() == Code::kNotFound);

  auto h = s.Head("fake/chunks/b");
  REQUIRE(h.ok());
  CHECK(h->size == 16);
  CHECK(h->mtime_ns > 0);
  CHECK(s.Head("fake/chunks").status().code() == Code::kNotFound);  // a directory is no object

  auto all = s.List("");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].key == "fake/chunks/a");
  CHECK((*all)[1].key == "fake/chunks/b");
  CHECK((*all)[2].key == "other/x");
  auto some = s.List("fake/chunks/");
  REQUIRE(some.ok());
  CHECK(some->size() == 2);

  REQUIRE(s.Delete("fake/chunks/a").ok());
  REQUIRE(s.Delete("fake/chunks/a").ok());  // missing: still Ok
  REQUIRE(s.Delete("other/x").ok());
  CHECK_FALSE(std::filesystem::exists(dir.path + "/bucket/other"));  // empty dirs pruned
  CHECK(s.List("")->size() == 1);
  CHECK(s.Describe() == "file://" + dir.path + "/bucket");
}

TEST_CASE("fs object store refuses keys that escape or clash with its layout") {
  ScratchDir dir("objstore-fs");
  auto st = FsObjectStore::Open(dir.path);
  REQUIRE(st.ok());
  for (const char* k : {"", "/abs", "a//b", "a/./b", "../up", "a/..", "dir/", ".tmp/x", ".tmp"}) {
    INFO(k);
    CHECK((*st)->Put(k, "x").code() == Code::kInvalidArgument);
  }
  CHECK((*st)->Put(".tmpx/ok", "x").ok());
}

TEST_CASE("fs object store PutFile and GetFile go through temp files") {
  ScratchDir dir("objstore-fs");
  auto st = FsObjectStore::Open(dir.path + "/b");
  REQUIRE(st.ok());
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + (i >> 13));
  std::ofstream(dir.path + "/src.bin", std::ios::binary) << big;
  REQUIRE((*st)->PutFile("seg/1", dir.path + "/src.bin").ok());
  REQUIRE((*st)->GetFile("seg/1", dir.path + "/dst.bin").ok());
  std::ifstream in(dir.path + "/dst.bin", std::ios::binary);
  std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(back == big);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/dst.bin.tmp"));
  CHECK((*st)->GetFile("seg/none", dir.path + "/x.bin").code() == Code::kNotFound);
  CHECK_FALSE(std::filesystem::exists(dir.path + "/x.bin"));
  CHECK((*st)->PutFile("seg/2", dir.path + "/missing.bin").code() == Code::kIOError);
}

TEST_CASE("fs object store drops an interrupted put's temp file at open and never lists it") {
  ScratchDir dir("objstore-fs");
  {
    auto st = FsObjectStore::Open(dir.path);
    REQUIRE(st.ok());
    REQUIRE((*st)->Put("k", "v").ok());
  }
  std::ofstream(dir.path + "/.tmp/123.0") << "half a write";
  auto st = FsObjectStore::Open(dir.path);
  REQUIRE(st.ok());
  CHECK(std::filesystem::is_empty(dir.path + "/.tmp"));
  auto all = (*st)->List("");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].key == "k");
}

TEST_CASE("fs object store takes concurrent puts, deletes and lists") {
  ScratchDir dir("objstore-fs");
  auto st = FsObjectStore::Open(dir.path);
  REQUIRE(st.ok());
  ObjectStore* s = st->get();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string key = fmt::format("d{}/k{}", i % 3, i);
        if (!s->Put(key, fmt::format("{}-{}", t, i)).ok()) failures++;
        if (t % 2 == 1 && !s->Delete(fmt::format("d{}/k{}", (i + 1) % 3, i + 1)).ok()) failures++;
        if (!s->List("d").ok()) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == 0);
  std::string v;
  REQUIRE(s->Get("d0/k0", 0, UINT64_MAX, &v).ok());
  CHECK(v.ends_with("-0"));
}
