// The maintenance subcommands (see tool_commands.h): flag parsing, the call, a one-line summary.
#include "store/backup/tool_commands.h"

#include <httplib.h>

#include <cstdio>
#include <functional>
#include <map>
#include <vector>

#include "common/cli_flags.h"
#include "store/backup/bucket_manifest.h"
#include "store/backup/bucket_tool.h"
#include "store/backup/check.h"
#include "store/backup/restore.h"
#include "store/backup/transfer_client.h"

namespace skald::backup {
namespace {

// Parses flags; returns -1 to go on, else the exit code (help = 0, bad flags = 2).
int ParseFlags(FlagSet& flags, int argc, const char* const* argv, const std::vector<std::string>& required,
               const std::map<std::string, std::string*>& values) {
  Status st = flags.Parse(argc, argv);
  if (st.ok() && !flags.help_requested()) {
    for (const auto& name : required)
      if (values.at(name)->empty()) st = Status::Invalid("flag -" + name + " is required");
  }
  return flags.UsageExit(st);
}

// True when argv sets -name / --name (with or without =value): picks the bucket variant of a command.
bool HasFlag(int argc, const char* const* argv, const std::string& name) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    for (const std::string& p : {"-" + name, "--" + name})
      if (a == p || a.rfind(p + "=", 0) == 0) return true;
  }
  return false;
}

int Fail(const char* what, const Status& st) {
  std::fprintf(stderr, "%s failed: %s\n", what, st.message().c_str());
  return 1;
}

int BackupCmd(int argc, const char* const* argv) {
  std::string server = "http://127.0.0.1:3100", out, config_file, to;
  bool expand_env = false;
  int parallel = 4;
  ToolClientOptions copts;
  FlagSet f("skald-store backup");
  f.String("server", &server, "store to back up (http://host:port or https://host:port)");
  f.String("out", &out, "snapshot directory on the STORE's filesystem (below skald_backup.root_dir when set); absent or empty");
  f.String("config.file", &config_file, "object storage: a store config naming the bucket; copies the bucket into -to");
  f.Bool("config.expand-env", &expand_env, "expand ${VAR} in -config.file");
  f.String("to", &to, "object storage: local backup directory to create (absent or empty)");
  f.Int("parallel", &parallel, "object storage: objects copied at a time");
  AddToolClientFlags(f, &copts);
  const bool bucket = HasFlag(argc, argv, "config.file");
  if (int rc = ParseFlags(f, argc, argv, {bucket ? "to" : "out"}, {{"out", &out}, {"to", &to}}); rc >= 0) return rc;
  if (bucket && !out.empty()) return Fail("backup", Status::Invalid("-out is for -server; with -config.file use -to"));
  if (bucket) return RunBucketBackup(config_file, expand_env, to, parallel);
  auto made = MakeToolClient(server, copts);
  if (!made.ok()) return Fail("backup", made.status());
  httplib::Client& cli = **made;
  cli.set_read_timeout(3600, 0);
  auto res = cli.Post(("/skald/admin/backup?dir=" + httplib::detail::encode_query_param(out)).c_str());
  if (!res) return Fail("backup", Status::Unavailable(server + ": " + httplib::to_string(res.error())));
  if (res->status != 200) return Fail("backup", Status::Internal("HTTP " + std::to_string(res->status) + ": " + res->body));
  std::printf("%s\n", res->body.c_str());
  return 0;
}

int RestoreCmd(int argc, const char* const* argv) {
  std::string from, to, config_file;
  bool expand_env = false, create_bucket = false;
  int parallel = 4;
  FlagSet f("skald-store restore");
  f.String("from", &from, "snapshot directory (holds MANIFEST), or a bucket backup (holds MANIFEST.json)");
  f.String("to", &to, "data dir to create; must be absent or empty (the store's common.path_prefix)");
  f.String("config.file", &config_file, "object storage: a store config naming the EMPTY bucket to restore into");
  f.Bool("config.expand-env", &expand_env, "expand ${VAR} in -config.file");
  f.Bool("create-bucket", &create_bucket, "object storage: create the bucket first (Ok when it exists)");
  f.Int("parallel", &parallel, "object storage: objects uploaded at a time");
  const bool bucket = HasFlag(argc, argv, "config.file");
  std::vector<std::string> required{"from"};
  if (!bucket) required.push_back("to");
  if (int rc = ParseFlags(f, argc, argv, required, {{"from", &from}, {"to", &to}}); rc >= 0) return rc;
  if (bucket && !to.empty())
    return Fail("restore", Status::Invalid("-to names a data dir; with -config.file the bucket is the destination"));
  if (bucket) return RunBucketRestore(config_file, expand_env, from, create_bucket, parallel);
  if (HasBucketManifest(from))
    return Fail("restore", Status::Invalid(from + " is a bucket backup (MANIFEST.json): restore it with "
                                           "-config.file=<store config naming an empty bucket>"));
  auto r = Restore(from, to);
  if (!r.ok()) return Fail("restore", r.status());
  std::printf("restored %lld files (%lld bytes) from %s to %s\n", static_cast<long long>(r->files),
              static_cast<long long>(r->bytes), from.c_str(), to.c_str());
  return 0;
}

int CheckCmd(int argc, const char* const* argv) {
  std::string path, wal_dir;
  FlagSet f("skald-store check");
  f.String("path", &path, "data dir, snapshot or bucket backup to verify");
  f.String("wal-dir", &wal_dir, "WAL directory when ingester.wal_dir is set (default <path>/wal)");
  if (int rc = ParseFlags(f, argc, argv, {"path"}, {{"path", &path}}); rc >= 0) return rc;
  if (IsBucketBackupDir(path)) return RunBucketCheck(path);
  auto r = Check(path, wal_dir);
  if (!r.ok()) return Fail("check", r.status());
  std::fputs(FormatCheckReport(*r).c_str(), stdout);
  return r->ok() ? 0 : 1;
}

int ExportCmd(int argc, const char* const* argv) {
  ExportRequest r;
  FlagSet f("skald-store export");
  f.String("server", &r.server, "store to read (http://host:port)");
  f.String("org-id", &r.tenant, "tenant (X-Scope-OrgID); empty with auth_enabled: false");
  f.String("query", &r.query, "LogQL log query, e.g. {job=\"docker\"} |= \"ERROR\"");
  f.String("start", &r.start, "start (RFC3339 or unix ns/s); default end - 1h");
  f.String("end", &r.end, "end, exclusive (RFC3339 or unix ns/s); default now");
  f.String("out", &r.out, "output file (- = stdout)");
  f.Bool("lz4", &r.lz4, "ask for and write an LZ4 frame instead of plain JSON lines");
  AddToolClientFlags(f, &r.client);
  if (int rc = ParseFlags(f, argc, argv, {"query"}, {{"query", &r.query}}); rc >= 0) return rc;
  auto rep = ExportToFile(r);
  if (!rep.ok()) return Fail("export", rep.status());
  std::fprintf(stderr, "exported %lld entries (%lld bytes) to %s\n", static_cast<long long>(rep->entries),
               static_cast<long long>(rep->bytes), r.out.c_str());
  return 0;
}

int ImportCmd(int argc, const char* const* argv) {
  ImportRequest r;
  int batch_kb = 1024;
  FlagSet f("skald-store import");
  f.String("server", &r.server, "store to push to (http://host:port)");
  f.String("org-id", &r.tenant, "tenant (X-Scope-OrgID) to import into");
  f.String("in", &r.in, "file written by `skald-store export` (plain or -lz4; - = stdin)");
  f.Int("batch-kb", &batch_kb, "push body size target in KiB");
  AddToolClientFlags(f, &r.client);
  if (int rc = ParseFlags(f, argc, argv, {"in"}, {{"in", &r.in}}); rc >= 0) return rc;
  r.batch_bytes = int64_t(batch_kb) << 10;
  auto rep = ImportFile(r);
  if (!rep.ok()) return Fail("import", rep.status());
  std::fprintf(stderr, "imported %lld entries in %lld pushes\n", static_cast<long long>(rep->entries),
               static_cast<long long>(rep->requests));
  return 0;
}

const std::map<std::string, std::function<int(int, const char* const*)>>& Commands() {
  static const std::map<std::string, std::function<int(int, const char* const*)>> m{
      {"backup", BackupCmd}, {"restore", RestoreCmd}, {"check", CheckCmd}, {"export", ExportCmd}, {"import", ImportCmd}};
  return m;
}

}  // namespace

bool IsToolCommand(const std::string& name) { return Commands().count(name) > 0; }

int RunToolCommand(int argc, const char* const* argv) {
  auto it = Commands().find(argv[0]);
  if (it == Commands().end()) return 2;
  return it->second(argc, argv);
}

}  // namespace skald::backup
