// Positions on a real full file system (a 64 KiB tmpfs, root only): the sync keeps retrying, logs
// once per episode, counts every failure, never touches the previous file, and catches up once
// there is space again.
#include <catch.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "collector/tail/positions.h"
#include "common/logger.h"

using namespace skald;
using namespace skald::tail;

namespace {
std::string Slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes `path` until the file system says ENOSPC.
void FillUp(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  REQUIRE(fd >= 0);
  const std::string block(4096, 'f');
  while (::write(fd, block.data(), block.size()) > 0) {}
  const std::string one(1, 'f');
  while (::write(fd, one.data(), 1) > 0) {}
  REQUIRE(errno == ENOSPC);
  ::close(fd);
}

class Tmpfs {
 public:
  Tmpfs() {
    char tmpl[] = "/tmp/skald-posfull-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    mounted_ = ::getuid() == 0 && ::mount("tmpfs", dir_.c_str(), "tmpfs", 0, "size=64k") == 0;
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
    std::filesystem::remove_all(dir_);
  }
  bool mounted() const { return mounted_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

template <typename F> bool WaitFor(F f, int ms) {
  for (int i = 0; i < ms / 5; ++i) { if (f()) return true; ::usleep(5000); }
  return f();
}
}  // namespace

TEST_CASE("positions survive a full disk: old file kept, retried, logged once per episode") {
  Tmpfs fs;
  if (!fs.mounted()) {
    WARN("not root or tmpfs mount refused: disk-full positions test skipped");
    return;
  }
  std::mutex mu;
  std::vector<std::string> logs;
  log::SetSink([&](std::string_view line) {
    if (line.find("positions") == std::string_view::npos) return;
    std::lock_guard<std::mutex> l(mu);
    logs.emplace_back(line);
  });
  auto count = [&](std::string_view needle) {
    std::lock_guard<std::mutex> l(mu);
    int n = 0;
    for (const auto& s : logs) n += s.find(needle) != std::string::npos;
    return n;
  };
  metrics::Registry reg;
  PositionsConfig cfg;
  cfg.filename = fs.dir() + "/positions.yaml";
  cfg.sync_period_ns = 20'000'000;
  auto p = Positions::Open(cfg, &reg);
  REQUIRE(p.ok());
  (*p)->Put("/var/log/a.log", {111, {1, 1}});
  REQUIRE((*p)->Save().ok());
  const std::string before = Slurp(cfg.filename);
  REQUIRE(before.find("\"111\"") != std::string::npos);

  FillUp(fs.dir() + "/filler");
  for (int i = 0; i < 100; ++i) (*p)->Put(fmt::format("/var/log/app/{:0>80}.log", i), {i, {1, uint64_t(i + 2)}});
  (*p)->Put("/var/log/a.log", {222, {1, 1}});
  (*p)->StartSync();
  const auto failures = [&] { return reg.NewCounter("skald_collector_positions_write_failures_total", "").Value(); };
  REQUIRE(WaitFor([&] { return failures() >= 5; }, 5000));
  CHECK(Slurp(cfg.filename) == before);  // byte for byte: never a partial file
  CHECK_FALSE(std::filesystem::exists(cfg.filename + ".tmp"));
  CHECK(count("saving positions failed") == 1);
  CHECK(count("No space left") >= 1);  // the error names the cause

  std::filesystem::remove(fs.dir() + "/filler");  // space again: the next sync writes everything
  REQUIRE(WaitFor([&] { return Slurp(cfg.filename).find("\"222\"") != std::string::npos; }, 5000));
  const std::string after = Slurp(cfg.filename);
  CHECK(after.find(fmt::format("/var/log/app/{:0>80}.log", 99)) != std::string::npos);
  REQUIRE(WaitFor([&] { return count("saving positions works again") == 1; }, 2000));
  (*p)->Stop();
  CHECK(count("saving positions failed") == 1);
  log::SetSink(nullptr);
  auto reread = Positions::Open(cfg);
  REQUIRE(reread.ok());
  CHECK((*reread)->Get("/var/log/a.log")->offset == 222);
}
