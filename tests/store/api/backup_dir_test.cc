// ResolveBackupDir: POST /skald/admin/backup's `dir` confined to skald_backup.root_dir on a real
// directory tree with symbolic links, and the behaviour without a root.
#include <catch.hpp>
#include <unistd.h>

#include <filesystem>

#include "store/api/admin_handler.h"

using namespace skald::api;
namespace fs = std::filesystem;

namespace {

struct Tree {
  fs::path base;
  Tree() {
    char tmpl[] = "/tmp/skald-backupdir-XXXXXX";
    base = ::mkdtemp(tmpl);
    fs::create_directories(base / "root" / "sub");
    fs::create_directories(base / "outside");
    fs::create_directory_symlink(base / "outside", base / "root" / "out-link");
    fs::create_directory_symlink(base / "root" / "sub", base / "root" / "in-link");
  }
  ~Tree() { fs::remove_all(base); }
  std::string p(const std::string& rel) const { return (base / rel).string(); }
};

}  // namespace

TEST_CASE("backup dirs resolve strictly below the root") {
  Tree t;
  BackupPathPolicy pol{t.p("root"), true};
  auto ok = ResolveBackupDir(pol, t.p("root/new/deeper"));
  REQUIRE(ok.ok());
  CHECK(*ok == fs::canonical(t.base).string() + "/root/new/deeper");
  auto rel = ResolveBackupDir(pol, "nightly");
  REQUIRE(rel.ok());
  CHECK(*rel == fs::canonical(t.base).string() + "/root/nightly");
  auto via_inner_link = ResolveBackupDir(pol, t.p("root/in-link/x"));
  REQUIRE(via_inner_link.ok());
  CHECK(*via_inner_link == fs::canonical(t.base).string() + "/root/sub/x");
}

TEST_CASE("backup dirs outside the root, with '..' or through an escaping symlink are refused") {
  Tree t;
  BackupPathPolicy pol{t.p("root"), true};
  for (const std::string& bad : {t.p("outside/x"), t.p("root/../outside/x"), std::string("../outside"),
                                 t.p("root/out-link/x"), t.p("root/out-link"), t.p("root/in-link"),
                                 t.p("root"), t.p("root/"), std::string("/"), std::string(""),
                                 t.p("rootx/y")}) {
    INFO(bad);
    auto r = ResolveBackupDir(pol, bad);
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == skald::Code::kInvalidArgument);
  }
}

TEST_CASE("without a root: absolute paths only, and refused when credentials are on") {
  CHECK(ResolveBackupDir({"", false}, "/var/backups/x").ok());
  CHECK_FALSE(ResolveBackupDir({"", false}, "relative").ok());
  CHECK_FALSE(ResolveBackupDir({"", false}, "/a/../b").ok());
  auto r = ResolveBackupDir({"", true}, "/var/backups/x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("skald_backup.root_dir") != std::string::npos);
  CHECK_FALSE(ResolveBackupDir({"/nonexistent-skald-root", false}, "/nonexistent-skald-root/x").ok());
}
