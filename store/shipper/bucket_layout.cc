// Object key naming for shipped segments and index objects; see FORMAT.md beside this file.
#include "store/shipper/bucket_layout.h"

#include <fmt/format.h>

namespace skald::shipper {

std::string SanitizeNodeId(const std::string& node) {
  std::string out;
  for (unsigned char c : node) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out.push_back(ok ? static_cast<char>(c) : '_');
  }
  return out.empty() ? "node" : out;
}

std::string ShippedFileName(const std::string& local_rel, const std::string& node, int64_t ship_ns) {
  size_t slash = local_rel.rfind('/');
  std::string dir = slash == std::string::npos ? "" : local_rel.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? local_rel : local_rel.substr(slash + 1);
  return fmt::format("{}{}-{}-{}", dir, SanitizeNodeId(node), ship_ns, base);
}

bool IsShippedFile(const std::string& rel) {
  size_t slash = rel.rfind('/');
  std::string base = slash == std::string::npos ? rel : rel.substr(slash + 1);
  return base.find('-') != std::string::npos;
}

std::string DayOfFile(const std::string& rel) {
  size_t a = rel.find('/');
  if (a == std::string::npos) return "";
  size_t b = rel.find('/', a + 1);
  if (b == std::string::npos) return "";
  return rel.substr(a + 1, b - a - 1);
}

std::string SegmentIndexKey(const std::string& shipped_rel) {
  size_t a = shipped_rel.find('/');
  std::string tenant = a == std::string::npos ? "" : shipped_rel.substr(0, a);
  size_t slash = shipped_rel.rfind('/');
  std::string base = shipped_rel.substr(slash == std::string::npos ? 0 : slash + 1);
  if (base.size() > 4 && base.compare(base.size() - 4, 4, ".skc") == 0) base.resize(base.size() - 4);
  // <node>-<ns>-<seq> → <node>-<ns>-<tenant>-<seq>: the tenant is escaped ([A-Za-z0-9_%-]).
  size_t last_dash = base.rfind('-');
  std::string head = base.substr(0, last_dash), seq = base.substr(last_dash + 1);
  return fmt::format("{}{}/{}-{}-{}.sqlite", kIndexPrefix, DayOfFile(shipped_rel), head, tenant, seq);
}

std::string CompactedIndexKey(const std::string& day, int64_t ns) {
  return fmt::format("{}{}/compacted-{}.sqlite", kIndexPrefix, day, ns);
}

std::string DayOfIndexKey(const std::string& key) {
  const std::string p = kIndexPrefix;
  if (key.compare(0, p.size(), p) != 0) return "";
  size_t slash = key.find('/', p.size());
  if (slash == std::string::npos) return "";
  return key.substr(p.size(), slash - p.size());
}

bool IsCompactedIndexKey(const std::string& key) {
  size_t slash = key.rfind('/');
  return key.compare(slash + 1, 10, "compacted-") == 0;
}

}  // namespace skald::shipper
