// Bucket backup verification (see bucket_check.h): digests first, then the index → chunk references.
#include "store/backup/bucket_check.h"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "store/backup/file_copy.h"
#include "store/backup/object_copy.h"
#include "store/shipper/bucket_layout.h"
#include "store/shipper/index_file.h"

namespace skald::backup {
namespace {

bool IsIndexKey(const std::string& k) { return k.rfind(shipper::kIndexPrefix, 0) == 0; }

// Files under <objects> that the manifest does not list (FsObjectStore's .tmp/ excluded).
void FindUnlisted(const std::string& objects, const std::set<std::string>& listed, std::vector<std::string>* problems) {
  namespace sfs = std::filesystem;
  std::error_code ec;
  if (!sfs::is_directory(objects, ec)) return;
  for (auto it = sfs::recursive_directory_iterator(objects, ec); !ec && it != sfs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string rel = sfs::relative(it->path(), objects).generic_string();
    if (rel.rfind(".tmp/", 0) == 0) continue;
    if (!listed.count(rel)) problems->push_back(rel + ": in the backup directory but not in the manifest");
  }
}

}  // namespace

int64_t CheckIndexReferences(const std::map<std::string, std::string>& index_paths,
                             const std::map<std::string, uint64_t>& chunk_sizes, std::vector<std::string>* problems) {
  int64_t rows = 0;
  for (const auto& [key, path] : index_paths) {
    auto c = shipper::ReadIndexFile(path);
    if (!c.ok()) {
      problems->push_back(key + ": unreadable index object: " + c.status().message());
      continue;
    }
    std::set<std::string> reported;
    for (const auto& ch : c->chunks) {
      ++rows;
      const std::string chunk_key = shipper::kChunksPrefix + ch.ref.file;
      auto it = chunk_sizes.find(chunk_key);
      if (it == chunk_sizes.end()) {
        if (reported.insert(chunk_key).second)
          problems->push_back(key + ": references " + chunk_key + ", which the backup does not hold");
      } else if (ch.ref.offset + ch.ref.length > it->second && reported.insert(chunk_key).second) {
        problems->push_back(fmt::format("{}: references {} bytes [{}, {}) but that object has {} bytes", key, chunk_key,
                                        ch.ref.offset, ch.ref.offset + ch.ref.length, it->second));
      }
    }
  }
  return rows;
}

Result<BucketCheckReport> CheckBucketBackup(const std::string& dir) {
  auto m = ReadBucketManifest(dir);
  if (!m.ok()) return m.status();
  BucketCheckReport r;
  r.manifest = std::move(*m);
  const std::string objects = Join(dir, kBucketObjectsDir);
  std::set<std::string> listed;
  std::map<std::string, std::string> index_paths;
  std::map<std::string, uint64_t> chunk_sizes;
  for (const auto& o : r.manifest.objects) {
    ++r.objects;
    listed.insert(o.key);
    const std::string path = Join(objects, o.key);
    std::string sha;
    uint64_t size = 0;
    if (Status st = Sha256File(path, &sha, &size); !st.ok()) {
      r.problems.push_back(o.key + ": missing from the backup directory (" + path + ")");
      continue;
    }
    r.bytes += static_cast<int64_t>(size);
    if (size != o.size || sha != o.sha256) {
      r.problems.push_back(fmt::format("{}: damaged: {} bytes with sha256 {}, the manifest says {} bytes with sha256 {}",
                                       o.key, size, sha, o.size, o.sha256));
      if (IsIndexKey(o.key)) continue;   // a damaged chunk object still counts as held below
    }
    if (IsIndexKey(o.key)) {
      ++r.index_objects;
      index_paths[o.key] = path;
    } else if (o.key.rfind(shipper::kChunksPrefix, 0) == 0) {
      ++r.chunk_objects;
      chunk_sizes[o.key] = o.size;
    }   // else a delete request object (deletes/): checked by its digest only
  }
  FindUnlisted(objects, listed, &r.problems);
  r.chunk_rows = CheckIndexReferences(index_paths, chunk_sizes, &r.problems);
  return r;
}

std::string FormatBucketCheckReport(const BucketCheckReport& r) {
  std::string out = fmt::format(
      "bucket backup of {} taken {} by skald {}: {} objects ({} index, {} chunk), {} bytes, {} chunk rows: {}\n",
      r.manifest.source, r.manifest.started_unix_ns, r.manifest.tool_version, r.objects, r.index_objects,
      r.chunk_objects, r.bytes, r.chunk_rows, r.ok() ? "ok" : fmt::format("{} problem(s)", r.problems.size()));
  for (const auto& p : r.problems) out += "  " + p + "\n";
  return out;
}

}  // namespace skald::backup
