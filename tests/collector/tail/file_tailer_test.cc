// FileTailer rotation scenarios on real files (Fluent Bit style named list): normal, rename rotation,
// copytruncate, truncation, delete, a 20 KiB line, invalid UTF-8, resume from an offset.
#include <catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "collector/tail/file_tailer.h"
#include "collector/tail/utf8.h"

using namespace skald::tail;

namespace {
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/skald-tail-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

void Append(const std::string& p, const std::string& s) {
  std::ofstream o(p, std::ios::app | std::ios::binary);
  o << s;
}

struct Collected {
  std::vector<std::string> lines;
  std::vector<int64_t> ends;
};

// Reads until kWait twice in a row (the file is idle).
void Drain(FileTailer& t, Collected* c) {
  int waits = 0;
  while (waits < 2) {
    auto r = t.Read(1 << 20, [&](std::string_view l, size_t readable, int64_t end) {
      REQUIRE(readable >= l.size() + 64);
      c->lines.emplace_back(l);
      c->ends.push_back(end);
    });
    REQUIRE(r != ReadResult::kError);
    waits = r == ReadResult::kWait ? waits + 1 : 0;
  }
}
}  // namespace

TEST_CASE("tailer scenarios") {
  TempDir dir;
  const std::string p = dir.path + "/app.log";
  Collected c;
  FileTailer t(p);

  SECTION("normal: lines appended over time, partial line waits for its newline") {
    Append(p, "a\nbb\n");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    Append(p, "ccc");
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"a", "bb"});
    Append(p, "c\n");
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"a", "bb", "cccc"});
    REQUIRE(c.ends == std::vector<int64_t>{2, 5, 10});
    REQUIRE(t.offset() == 10);
  }
  SECTION("rename rotation: old file drained, then the new file from 0") {
    Append(p, "one\ntwo\n");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    Append(p, "three\n");  // written before the rename, not yet read
    std::filesystem::rename(p, p + ".1");
    Append(p, "four\n");
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"one", "two", "three", "four"});
    REQUIRE(t.TakeEvent() == FileEvent::kRotated);
    struct stat st;
    ::stat(p.c_str(), &st);
    REQUIRE(t.id().ino == st.st_ino);
    REQUIRE(t.offset() == 5);
  }
  SECTION("rotated twice before the tailer reached EOF: the skipped generation is not lost") {
    Append(p, "g1-a\n");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    Append(p, "g1-b\n");
    std::filesystem::rename(p, p + ".1");
    ::usleep(10000);
    Append(p, "g2\n");
    ::usleep(10000);  // distinct mtimes
    std::filesystem::rename(p + ".1", p + ".2");
    std::filesystem::rename(p, p + ".1");
    Append(p, "g3\n");
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"g1-a", "g1-b", "g2", "g3"});
  }
  SECTION("copytruncate: content copied away, file truncated, new lines from 0") {
    Append(p, "alpha\nbeta\n");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    std::filesystem::copy_file(p, p + ".1");
    REQUIRE(::truncate(p.c_str(), 0) == 0);
    Drain(t, &c);
    REQUIRE(t.TakeEvent() == FileEvent::kTruncated);
    Append(p, "gamma\n");
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"alpha", "beta", "gamma"});
    REQUIRE(t.offset() == 6);
  }
  SECTION("truncation to a shorter size restarts from 0") {
    Append(p, "0123456789\n0123456789\n");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    { std::ofstream o(p, std::ios::trunc); o << "x\n"; }
    Drain(t, &c);
    REQUIRE(c.lines.back() == "x");
    REQUIRE(c.lines.size() == 3);
  }
  SECTION("delete: the open file is drained, then reported deleted") {
    Append(p, "last\n");
    REQUIRE(t.Open(0, {}).ok());
    std::filesystem::remove(p);
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"last"});
    REQUIRE(t.deleted());
  }
  SECTION("delete: a last line without newline is handed out, not lost (issue 20 item 9)") {
    Append(p, "x\ny");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"x"});
    REQUIRE(t.offset() == 2);  // a position stored now makes a restart read "y" again
    std::filesystem::remove(p);
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"x", "y"});
    REQUIRE(c.ends == std::vector<int64_t>{2, 3});
    REQUIRE(t.deleted());
  }
  SECTION("rename rotation: the old file's last line without newline is handed out") {
    Append(p, "old-1\nold-2");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    std::filesystem::rename(p, p + ".1");
    Append(p, "new-1\n");
    Drain(t, &c);
    std::filesystem::remove(p + ".1");  // deleted after rotation: nothing left behind
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"old-1", "old-2", "new-1"});
  }
  SECTION("plain files keep a \r before the newline, like Promtail 2.9's file tailer (issue 20 item 8)") {
    Append(p, "a\r\nb\n\r\n");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"a\r", "b", "\r"});
  }
  SECTION("20 KiB line arrives whole") {
    std::string big(20 * 1024, 'z');
    Append(p, big + "\nsmall\n");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    REQUIRE(c.lines.size() == 2);
    REQUIRE(c.lines[0] == big);
  }
  SECTION("a line over max_line_bytes is cut into pieces, none lost") {
    FileTailer small(p, 64 << 10);
    std::string big(150 * 1024, 'q');
    Append(p, big + "\n");
    REQUIRE(small.Open(0, {}).ok());
    Drain(small, &c);
    size_t total = 0;
    for (auto& l : c.lines) total += l.size();
    REQUIRE(total == big.size());
    REQUIRE(c.lines.size() >= 2);
  }
  SECTION("invalid UTF-8 is kept and repaired with U+FFFD") {
    Append(p, "ok \xff\xfe end\n");
    REQUIRE(t.Open(0, {}).ok());
    Drain(t, &c);
    REQUIRE(c.lines.size() == 1);
    REQUIRE_FALSE(IsValidUtf8(c.lines[0]));
    REQUIRE(ReplaceInvalidUtf8(c.lines[0]) == "ok \xEF\xBF\xBD\xEF\xBF\xBD end");
  }
  SECTION("resume: offset honoured for the same inode, ignored for another") {
    Append(p, "a\nb\nc\n");
    struct stat st;
    ::stat(p.c_str(), &st);
    FileId id{st.st_dev, st.st_ino};
    REQUIRE(t.Open(4, id).ok());
    Drain(t, &c);
    REQUIRE(c.lines == std::vector<std::string>{"c"});
    FileTailer other(p);
    Collected c2;
    REQUIRE(other.Open(4, FileId{id.dev, id.ino + 12345}).ok());
    Drain(other, &c2);
    REQUIRE(c2.lines.size() == 3);
  }
  SECTION("rotated sibling found by inode and drained from its offset") {
    Append(p, "r1\nr2\nr3\n");
    struct stat st;
    ::stat(p.c_str(), &st);
    FileId id{st.st_dev, st.st_ino};
    std::filesystem::rename(p, p + ".1");
    Append(p, "new\n");
    REQUIRE(FindRotatedSibling(p, id) == p + ".1");
    FileTailer old(p);
    REQUIRE(old.OpenDrainOnly(p + ".1", 3).ok());
    Drain(old, &c);
    REQUIRE(old.finished());
    REQUIRE(c.lines == std::vector<std::string>{"r2", "r3"});
  }
}

TEST_CASE("UTF-8 repair table") {
  struct Case { std::string in, out; };
  std::vector<Case> cases = {
      {"plain", "plain"},
      {"caf\xC3\xA9", "caf\xC3\xA9"},
      {"\xC3", "\xEF\xBF\xBD"},
      {"a\x80" "b", "a\xEF\xBF\xBD" "b"},
      {"\xED\xA0\x80", "\xEF\xBF\xBD"},  // surrogate
      {"\xF0\x9F\x98\x80!", "\xF0\x9F\x98\x80!"},
  };
  for (const auto& c : cases) {
    INFO(c.in);
    REQUIRE(ReplaceInvalidUtf8(c.in) == c.out);
    REQUIRE(IsValidUtf8(ReplaceInvalidUtf8(c.in)));
  }
}
