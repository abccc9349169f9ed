// Bucket backup manifest: JSON encoding with the store's own escaping and simdjson parsing.
#include "store/backup/bucket_manifest.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/json_quote.h"
#include "common/time_util.h"
#include "store/backup/file_copy.h"
#include "store/shipper/bucket_layout.h"

namespace skald::backup {
namespace {

bool SafeKey(const std::string& k) {
  if (k.empty() || k[0] == '/' || k.find('\0') != std::string::npos) return false;
  if (k.rfind(shipper::kChunksPrefix, 0) != 0 && k.rfind(shipper::kIndexPrefix, 0) != 0 &&
      k.rfind(shipper::kDeletesPrefix, 0) != 0)
    return false;
  size_t start = 0;
  while (start <= k.size()) {
    size_t end = k.find('/', start);
    if (end == std::string::npos) end = k.size();
    std::string part = k.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

bool HexDigest(const std::string& h) {
  if (h.size() != 64) return false;
  for (char c : h)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Status ParseObject(simdjson::dom::element e, BucketObject* o) {
  std::string_view key, sha;
  uint64_t size = 0;
  if (e["key"].get(key) || e["size"].get(size) || e["sha256"].get(sha))
    return Status::Corruption("an object needs key, size and sha256");
  o->key = std::string(key);
  o->size = size;
  o->sha256 = std::string(sha);
  if (!SafeKey(o->key)) return Status::Corruption("unsafe or foreign object key \"" + o->key + "\"");
  if (!HexDigest(o->sha256)) return Status::Corruption(o->key + ": sha256 is not 64 lowercase hex digits");
  return Status::Ok();
}

}  // namespace

std::string EncodeBucketManifest(const BucketManifest& m) {
  std::string out = fmt::format(
      "{{\n  \"format\": \"{}\",\n  \"version\": {},\n  \"tool_version\": {},\n  \"source\": {},\n"
      "  \"started_unix_ns\": {},\n  \"started\": \"{}\",\n  \"finished_unix_ns\": {},\n  \"objects\": [",
      kBucketManifestFormat, m.version, JsonQuote(m.tool_version), JsonQuote(m.source), m.started_unix_ns,
      FormatRFC3339Nano(m.started_unix_ns), m.finished_unix_ns);
  for (size_t i = 0; i < m.objects.size(); ++i) {
    const auto& o = m.objects[i];
    out += fmt::format("{}\n    {{\"key\": {}, \"size\": {}, \"sha256\": \"{}\"}}", i ? "," : "", JsonQuote(o.key),
                       o.size, o.sha256);
  }
  return out + "\n  ]\n}\n";
}

Result<BucketManifest> ParseBucketManifest(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return Status::Corruption("not valid JSON");
  std::string_view format, tool, source;
  int64_t version = 0;
  BucketManifest m;
  if (doc["format"].get(format) || format != kBucketManifestFormat)
    return Status::Corruption(fmt::format("\"format\" is not \"{}\"", kBucketManifestFormat));
  if (doc["version"].get(version) || version != kBucketManifestVersion)
    return Status::Corruption(fmt::format("unsupported version (this tool reads version {})", kBucketManifestVersion));
  if (doc["tool_version"].get(tool) || doc["source"].get(source) || doc["started_unix_ns"].get(m.started_unix_ns) ||
      doc["finished_unix_ns"].get(m.finished_unix_ns))
    return Status::Corruption("missing tool_version, source, started_unix_ns or finished_unix_ns");
  m.version = int(version);
  m.tool_version = std::string(tool);
  m.source = std::string(source);
  simdjson::dom::array objects;
  if (doc["objects"].get(objects)) return Status::Corruption("missing \"objects\" array");
  for (simdjson::dom::element e : objects) {
    BucketObject o;
    SKALD_RETURN_IF_ERROR(ParseObject(e, &o));
    if (!m.objects.empty() && m.objects.back().key >= o.key)
      return Status::Corruption("objects are not sorted by key or repeat one (at \"" + o.key + "\")");
    m.objects.push_back(std::move(o));
  }
  return m;
}

Status WriteBucketManifest(const std::string& dir, const BucketManifest& m) {
  const std::string tmp = Join(dir, std::string(kBucketManifestName) + ".tmp");
  SKALD_RETURN_IF_ERROR(WriteFileSynced(tmp, EncodeBucketManifest(m)));
  if (std::rename(tmp.c_str(), Join(dir, kBucketManifestName).c_str()) != 0)
    return Status::IOError("rename " + tmp + " failed");
  return SyncDir(dir);
}

Result<BucketManifest> ReadBucketManifest(const std::string& dir) {
  const std::string path = Join(dir, kBucketManifestName);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": missing (not a bucket backup, or an incomplete one)");
  std::stringstream ss;
  ss << in.rdbuf();
  auto m = ParseBucketManifest(ss.str());
  if (!m.ok()) return m.status().Annotate(path);
  return m;
}

bool HasBucketManifest(const std::string& dir) {
  struct stat st {};
  return ::stat(Join(dir, kBucketManifestName).c_str(), &st) == 0;
}

bool IsBucketBackupDir(const std::string& dir) {
  struct stat st {};
  return HasBucketManifest(dir) || (::stat(Join(dir, kBucketObjectsDir).c_str(), &st) == 0 && S_ISDIR(st.st_mode));
}

}  // namespace skald::backup
