// RuleStore: Loki's local rule storage layout, `<dir>/<tenant>/<namespace>` where each namespace
// is one Prometheus-format rule file; listing for the loader, and edits for the rules API.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/ruler/rule_file.h"

namespace skald::ruler {

struct NamespaceFile {
  std::string tenant, ns, path;
  int64_t mtime_ns = 0;
  int64_t size = 0;
};

// Not internally synchronized for writes: the Ruler serializes API edits with its own mutex.
class RuleStore {
 public:
  explicit RuleStore(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }

  // Every regular, non-hidden file one level below a tenant directory; missing dir → empty.
  std::vector<NamespaceFile> List() const;
  Result<std::string> Read(const NamespaceFile& f) const;

  // The valid groups of a tenant's namespaces (invalid rules dropped), by namespace.
  Result<std::map<std::string, std::vector<RuleGroupDesc>>> Groups(const std::string& tenant) const;
  // Replaces the group of the same name, or appends it; creates the namespace file if needed.
  Status SetGroup(const std::string& tenant, const std::string& ns, const RuleGroupDesc& g);
  // NotFound when the group or namespace does not exist.
  Status DeleteGroup(const std::string& tenant, const std::string& ns, const std::string& group);
  Status DeleteNamespace(const std::string& tenant, const std::string& ns);

 private:
  std::string Path(const std::string& tenant, const std::string& ns) const;
  Status Write(const std::string& tenant, const std::string& ns, const std::vector<RuleGroupDesc>& groups);
  std::string dir_;
};

// Names used as path components: non-empty, not `.`/`..`, no `/` or NUL.
Status ValidatePathName(const std::string& what, const std::string& name);

}  // namespace skald::ruler
