// ResolveBackupDir (declared in admin_handler.h): confines POST /skald/admin/backup's `dir` to
// skald_backup.root_dir, resolving symbolic links so none can lead outside it.
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <deque>

#include "store/api/admin_handler.h"

namespace skald::api {
namespace {

bool HasDotDot(const std::string& path) {
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string::npos) slash = path.size();
    if (path.compare(pos, slash - pos, "..") == 0 && slash - pos == 2) return true;
    pos = slash + 1;
  }
  return false;
}

Result<std::string> RealPath(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf) == nullptr) return Status::Invalid("cannot resolve " + p);
  return std::string(buf);
}

std::string Parent(const std::string& p) {
  size_t slash = p.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : p.substr(0, slash);
}

}  // namespace

Result<std::string> ResolveBackupDir(const BackupPathPolicy& policy, const std::string& dir) {
  if (dir.empty()) return Status::Invalid("dir is required");
  if (dir.find('\0') != std::string::npos || HasDotDot(dir))
    return Status::Invalid("dir must not contain '..'");
  if (policy.root_dir.empty()) {
    if (policy.root_required)
      return Status::Invalid("backups are disabled: set skald_backup.root_dir (required with skald_auth.credentials_file)");
    if (dir.front() != '/') return Status::Invalid("dir must be an absolute path on the store's filesystem");
    return dir;
  }
  auto root = RealPath(policy.root_dir);
  if (!root.ok()) return Status::Invalid("skald_backup.root_dir " + policy.root_dir + " does not exist");
  std::string full = dir.front() == '/' ? dir : policy.root_dir + "/" + dir;
  while (full.size() > 1 && full.back() == '/') full.pop_back();
  // Split into the longest existing prefix and the part still to be created.
  std::deque<std::string> missing;
  std::string existing = full;
  struct stat st {};
  while (::lstat(existing.c_str(), &st) != 0) {
    missing.push_front(existing.substr(existing.find_last_of('/') + 1));
    existing = Parent(existing);
  }
  if (missing.empty() && S_ISLNK(st.st_mode)) return Status::Invalid("dir must not be a symbolic link");
  auto real = RealPath(existing);
  if (!real.ok()) return real.status();
  std::string target = *real;
  for (const std::string& part : missing) target += (target == "/" ? "" : "/") + part;
  const std::string prefix = *root == "/" ? *root : *root + "/";
  if (target.size() <= prefix.size() || !target.starts_with(prefix)) {
    return Status::Invalid("dir must be below skald_backup.root_dir (" + policy.root_dir + ")");
  }
  return target;
}

}  // namespace skald::api
