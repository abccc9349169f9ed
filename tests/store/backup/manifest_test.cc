// MANIFEST: encode/parse round trip, every malformed shape rejected with its line, and
// VerifyManifestFiles naming missing, resized and altered files.
#include <catch.hpp>

#include <fstream>

#include "store/backup/file_copy.h"
#include "store/backup/manifest.h"
#include "tests/store/wal/temp_dir.h"

using namespace skald;
using namespace skald::backup;

namespace {

Manifest Sample() {
  Manifest m;
  m.store_version = "0.1.0";
  m.created_unix_ns = 1700000000123456789;
  m.source_dir = "/var/lib/skald data";
  m.files = {{"index.db", 4096, 0xdeadbeef}, {"chunks/fake/2026-11-26/000001.skc", 12345, 0x00000001},
             {"wal/00000003.wal", 16, 0xffffffff}};
  return m;
}

void Write(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

}  // namespace

TEST_CASE("manifest: round trip keeps every field", "[backup][manifest]") {
  Manifest m = Sample();
  auto back = ParseManifest(EncodeManifest(m));
  REQUIRE(back.ok());
  CHECK(back->store_version == m.store_version);
  CHECK(back->created_unix_ns == m.created_unix_ns);
  CHECK(back->source_dir == m.source_dir);
  REQUIRE(back->files.size() == 3);
  for (size_t i = 0; i < 3; i++) {
    CHECK(back->files[i].path == m.files[i].path);
    CHECK(back->files[i].size == m.files[i].size);
    CHECK(back->files[i].crc32c == m.files[i].crc32c);
  }
}

TEST_CASE("manifest: malformed manifests are rejected with a reason", "[backup][manifest]") {
  const std::string good = EncodeManifest(Sample());
  struct Case {
    const char* name;
    std::string text;
    const char* want;
  };
  std::string flipped = good;
  flipped[flipped.find("12345")] = '9';          // size changed, trailer CRC no longer matches
  std::vector<Case> cases = {
      {"empty", "", "no `end` line"},
      {"other file", "hello\n", "not a skald snapshot"},
      {"future version", "skald-snapshot 2\nend 00000000\n", "unsupported version 2"},
      {"truncated", good.substr(0, good.size() / 2), "truncated"},
      {"no trailing newline", good.substr(0, good.size() - 1), "truncated"},
      {"edited body", flipped, "checksum mismatch"},
      {"garbage after end", good + "file 1 00000000 x\n", "data after `end`"},
      {"unknown key", "skald-snapshot 1\nfoo bar\nend 00000000\n", "unknown key"},
      {"absolute path", "skald-snapshot 1\nfile 1 00000000 /etc/passwd\nend 00000000\n", "unsafe path"},
      {"dot-dot path", "skald-snapshot 1\nfile 1 00000000 chunks/../../x\nend 00000000\n", "unsafe path"},
      {"bad file line", "skald-snapshot 1\nfile x y z\nend 00000000\n", "want `file"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = ParseManifest(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kCorruption);
    CHECK(r.status().message().find(c.want) != std::string::npos);
  }
}

TEST_CASE("manifest: written atomically, read back, and files verified", "[backup][manifest]") {
  testing::TempDir d;
  Write(d / "a", "hello");
  std::filesystem::create_directories(d / "wal");
  Write(d / "wal/b", "world!");
  Manifest m;
  m.store_version = "test";
  for (std::string p : {"a", "wal/b"}) {
    uint64_t size;
    uint32_t crc;
    REQUIRE(FileCrc(d / p, &size, &crc).ok());
    m.files.push_back({p, size, crc});
  }
  REQUIRE(WriteManifest(d.path, m).ok());
  CHECK_FALSE(std::filesystem::exists(d / "MANIFEST.tmp"));
  auto back = ReadManifest(d.path);
  REQUIRE(back.ok());
  CHECK(VerifyManifestFiles(d.path, *back).empty());

  Write(d / "a", "hellO");                // same size, other bytes
  Write(d / "wal/b", "world");            // shorter
  auto problems = VerifyManifestFiles(d.path, *back);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("a: crc32c") == 0);
  CHECK(problems[1].find("wal/b: size 5, MANIFEST says 6") == 0);
  std::filesystem::remove(d / "a");
  problems = VerifyManifestFiles(d.path, *back);
  CHECK(problems[0].find("a: missing") == 0);

  testing::TempDir empty;
  auto none = ReadManifest(empty.path);
  CHECK(none.status().code() == Code::kNotFound);
}
