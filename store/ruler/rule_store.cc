// RuleStore on the local filesystem: directory scans with mtime/size for change detection, and
// whole-file rewrites through a temp file + rename so the poller never reads a half-written file.
#include "store/ruler/rule_store.h"

#include <algorithm>
#include <filesystem>
#include <tuple>
#include <fstream>
#include <sstream>

namespace skald::ruler {

namespace fs = std::filesystem;

Status ValidatePathName(const std::string& what, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos || name.size() > 255) {
    return Status::Invalid("invalid " + what + " name: " + name);
  }
  return Status::Ok();
}

std::string RuleStore::Path(const std::string& tenant, const std::string& ns) const {
  return dir_ + "/" + tenant + "/" + ns;
}

std::vector<NamespaceFile> RuleStore::List() const {
  std::vector<NamespaceFile> out;
  std::error_code ec;
  if (dir_.empty() || !fs::is_directory(dir_, ec)) return out;
  for (const auto& t : fs::directory_iterator(dir_, ec)) {
    if (!t.is_directory(ec)) continue;
    const std::string tenant = t.path().filename().string();
    if (tenant.starts_with(".")) continue;
    for (const auto& f : fs::directory_iterator(t.path(), ec)) {
      const std::string ns = f.path().filename().string();
      if (ns.starts_with(".") || !f.is_regular_file(ec)) continue;
      NamespaceFile nf{tenant, ns, f.path().string(), 0, 0};
      nf.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        fs::last_write_time(f.path(), ec).time_since_epoch()).count();
      nf.size = static_cast<int64_t>(fs::file_size(f.path(), ec));
      out.push_back(std::move(nf));
    }
  }
  std::sort(out.begin(), out.end(), [](const NamespaceFile& a, const NamespaceFile& b) {
    return std::tie(a.tenant, a.ns) < std::tie(b.tenant, b.ns);
  });
  return out;
}

Result<std::string> RuleStore::Read(const NamespaceFile& f) const {
  std::ifstream in(f.path, std::ios::binary);
  if (!in) return Status::IOError("cannot read rule file " + f.path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::map<std::string, std::vector<RuleGroupDesc>>> RuleStore::Groups(const std::string& tenant) const {
  std::map<std::string, std::vector<RuleGroupDesc>> out;
  for (const NamespaceFile& f : List()) {
    if (f.tenant != tenant) continue;
    auto text = Read(f);
    if (!text.ok()) return text.status();
    auto parsed = ParseRuleFile(f.path, *text);
    if (!parsed.ok()) continue;  // reported by the loader
    if (!parsed->groups.empty()) out[f.ns] = std::move(parsed->groups);
  }
  return out;
}

Status RuleStore::Write(const std::string& tenant, const std::string& ns,
                        const std::vector<RuleGroupDesc>& groups) {
  std::error_code ec;
  fs::create_directories(dir_ + "/" + tenant, ec);
  if (ec) return Status::IOError("creating " + dir_ + "/" + tenant + ": " + ec.message());
  const std::string path = Path(tenant, ns), tmp = dir_ + "/" + tenant + "/.tmp-" + ns;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << GroupsToFileYaml(groups);
    if (!out.good()) return Status::IOError("writing " + tmp);
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::IOError("renaming " + tmp + ": " + ec.message());
  return Status::Ok();
}

Status RuleStore::SetGroup(const std::string& tenant, const std::string& ns, const RuleGroupDesc& g) {
  SKALD_RETURN_IF_ERROR(ValidatePathName("tenant", tenant));
  SKALD_RETURN_IF_ERROR(ValidatePathName("namespace", ns));
  auto all = Groups(tenant);
  if (!all.ok()) return all.status();
  std::vector<RuleGroupDesc>& groups = (*all)[ns];
  bool replaced = false;
  for (RuleGroupDesc& old : groups)
    if (old.name == g.name) { old = g; replaced = true; }
  if (!replaced) groups.push_back(g);
  return Write(tenant, ns, groups);
}

Status RuleStore::DeleteGroup(const std::string& tenant, const std::string& ns, const std::string& group) {
  SKALD_RETURN_IF_ERROR(ValidatePathName("tenant", tenant));
  SKALD_RETURN_IF_ERROR(ValidatePathName("namespace", ns));
  auto all = Groups(tenant);
  if (!all.ok()) return all.status();
  auto it = all->find(ns);
  if (it == all->end()) return Status::NotFound("group does not exist");
  auto& groups = it->second;
  auto pos = std::find_if(groups.begin(), groups.end(), [&](const RuleGroupDesc& g) { return g.name == group; });
  if (pos == groups.end()) return Status::NotFound("group does not exist");
  groups.erase(pos);
  if (groups.empty()) return DeleteNamespace(tenant, ns);
  return Write(tenant, ns, groups);
}

Status RuleStore::DeleteNamespace(const std::string& tenant, const std::string& ns) {
  SKALD_RETURN_IF_ERROR(ValidatePathName("tenant", tenant));
  SKALD_RETURN_IF_ERROR(ValidatePathName("namespace", ns));
  std::error_code ec;
  if (!fs::remove(Path(tenant, ns), ec)) return Status::NotFound("no rule groups found");
  return Status::Ok();
}

}  // namespace skald::ruler
