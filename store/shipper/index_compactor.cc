// Bucket compaction and retention: merge a day's index objects, expire rows, upload the merged
// object before deleting what it replaces, and delete unreferenced chunk objects after a delay.
#include "store/shipper/index_compactor.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/logger.h"
#include "store/fs/file_system.h"
#include "store/shipper/bucket_layout.h"
#include "store/shipper/index_file.h"

namespace skald::shipper {
namespace {

int64_t WallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

IndexCompactor::IndexCompactor(IndexCompactorOptions o) : o_(std::move(o)) {
  metrics::Registry& r = o_.registry ? *o_.registry : metrics::Registry::Default();
  merged_ = &r.NewCounter("skald_bucket_index_objects_merged_total", "Index objects merged into a day's compacted object.");
  deleted_ = &r.NewCounter("skald_bucket_chunk_objects_deleted_total",
                           "Chunk objects deleted from the bucket (no index object points into them).");
  failures_ = &r.NewCounter("skald_bucket_compaction_failures_total", "Bucket compaction passes that failed.");
}

Result<std::unique_ptr<IndexCompactor>> IndexCompactor::Open(IndexCompactorOptions o) {
  if (o.bucket == nullptr) return Status::Invalid("bucket compactor: no bucket");
  if (!o.now_ns) o.now_ns = WallNs;
  SKALD_RETURN_IF_ERROR(fs::FileSystem::Default()->MkdirAll(o.scratch_dir).Annotate("bucket compactor scratch dir"));
  return std::unique_ptr<IndexCompactor>(new IndexCompactor(std::move(o)));
}

IndexCompactor::~IndexCompactor() { Stop(); }

void IndexCompactor::Start() {
  loop_.Start(o_.interval_ns, [this] { Pass(); });
}

void IndexCompactor::Stop() { loop_.Stop(); }

void IndexCompactor::Pass() {
  auto st = RunOnce();
  if (!st.ok()) {
    failures_->Inc();
    SKALD_LOG(warn, "bucket compaction failed", {{"err", st.status().message()}});
  }
}

Status IndexCompactor::CompactDay(const std::string& day, const std::vector<std::string>& keys, int64_t now,
                                  std::set<std::string>* live_files, BucketCompactStats* s) {
  std::map<std::string, IndexFileContents> loaded;
  std::set<std::string> replaced;
  const std::string path = fs::JoinPath(o_.scratch_dir, "in.sqlite");
  for (const auto& k : keys) {
    SKALD_RETURN_IF_ERROR(o_.bucket->GetFile(k, path).Annotate(k));
    auto c = ReadIndexFile(path);
    if (!c.ok()) return c.status().Annotate(k);
    for (const auto& src : c->sources) replaced.insert(src);
    loaded.emplace(k, std::move(*c));
  }
  auto policy = o_.policy ? o_.policy() : nullptr;
  IndexFileContents out;
  out.node = "compactor";
  out.created_ns = now;
  std::map<std::pair<std::string, std::string>, uint64_t> ids;
  std::set<std::pair<std::string, uint64_t>> seen;
  int64_t expired = 0;
  for (const auto& [k, c] : loaded) {
    out.sources.push_back(k);
    if (replaced.count(k) > 0) continue;   // already merged into a compacted object
    std::map<uint64_t, std::pair<uint64_t, int64_t>> local;   // file id → (merged id, cutoff)
    for (const auto& st : c.streams) {
      auto key = std::make_pair(st.tenant, st.labels.ToString());
      auto it = ids.find(key);
      if (it == ids.end()) {
        it = ids.emplace(key, out.streams.size() + 1).first;
        out.streams.push_back({it->second, st.tenant, st.fingerprint, st.labels});
      }
      int64_t cutoff = policy ? policy->CutoffFor(st.tenant, st.labels, now) : INT64_MIN;
      local[st.id] = {it->second, cutoff};
    }
    for (const auto& ch : c.chunks) {
      auto it = local.find(ch.stream_id);
      if (it == local.end()) return Status::Corruption(k + ": chunk row names an unknown stream");
      if (!seen.emplace(ch.ref.file, ch.ref.offset).second) continue;
      if (ch.ref.max_ts < it->second.second) {
        ++expired;
        continue;
      }
      out.chunks.push_back({it->second.first, ch.ref});
    }
  }
  for (const auto& ch : out.chunks) live_files->insert(ch.ref.file);
  if (keys.size() == 1 && expired == 0) return Status::Ok();   // already one object, nothing to drop
  if (!out.chunks.empty()) {
    const std::string merged = fs::JoinPath(o_.scratch_dir, "out.sqlite");
    SKALD_RETURN_IF_ERROR(WriteIndexFile(merged, out));
    SKALD_RETURN_IF_ERROR(o_.bucket->PutFile(CompactedIndexKey(day, now), merged));
  }
  for (const auto& k : keys) SKALD_RETURN_IF_ERROR(o_.bucket->Delete(k));
  s->days_compacted++;
  s->index_objects_merged += static_cast<int64_t>(keys.size());
  s->chunks_expired += expired;
  merged_->Inc(static_cast<double>(keys.size()));
  return Status::Ok();
}

// Chunk objects no index object points into: a write node uploads a segment before its index
// object, and a reader may still hold rows of a replaced object, so an object goes only once it
// has been unreferenced for the delete delay (counted from when this compactor first saw it so)
// and is itself older than that delay.
Status IndexCompactor::SweepChunks(const std::set<std::string>& live_files, int64_t now, BucketCompactStats* s) {
  auto chunks = o_.bucket->List(kChunksPrefix);
  if (!chunks.ok()) return chunks.status();
  const int64_t delay = std::max(o_.delete_delay_ns, o_.min_delete_delay_ns);
  const size_t plen = std::string(kChunksPrefix).size();
  std::map<std::string, int64_t> still;
  for (const auto& obj : *chunks) {
    std::string rel = obj.key.substr(plen);
    if (live_files.count(rel) > 0) continue;
    auto it = unreferenced_since_.find(obj.key);
    const int64_t since = it == unreferenced_since_.end() ? now : it->second;
    if (obj.mtime_ns == 0 || now - obj.mtime_ns < delay || now - since < delay) {
      still[obj.key] = since;
      continue;
    }
    SKALD_RETURN_IF_ERROR(o_.bucket->Delete(obj.key));
    s->chunk_objects_deleted++;
    s->bytes_deleted += static_cast<int64_t>(obj.size);
    deleted_->Inc();
  }
  unreferenced_since_ = std::move(still);
  return Status::Ok();
}

// An index object this compactor wrote or a shipper wrote (`*.sqlite` under index/<day>/); other
// objects under index/ (a Loki table left in the bucket) are not ours and are left alone.
static bool IsOurIndexKey(const std::string& key) {
  return !DayOfIndexKey(key).empty() && key.size() > 7 && key.compare(key.size() - 7, 7, ".sqlite") == 0;
}

Result<BucketCompactStats> IndexCompactor::RunOnce() {
  std::lock_guard<std::mutex> lk(run_mu_);
  BucketCompactStats s;
  const int64_t now = o_.now_ns();
  auto list = o_.bucket->List(kIndexPrefix);
  if (!list.ok()) return list.status();
  std::map<std::string, std::vector<std::string>> by_day;
  for (const auto& obj : *list)
    if (IsOurIndexKey(obj.key)) by_day[DayOfIndexKey(obj.key)].push_back(obj.key);
  std::set<std::string> live;
  Status first;
  for (const auto& [day, keys] : by_day) {
    Status st = CompactDay(day, keys, now, &live, &s);
    if (st.ok()) continue;
    SKALD_LOG(warn, "bucket compaction of a day failed; the others go on", {{"day", day}, {"err", st.message()}});
    if (first.ok()) first = st.Annotate("day " + day);
  }
  // The sweep needs every day's rows: with a day unread, its chunks would look unreferenced.
  if (!first.ok()) return first;
  SKALD_RETURN_IF_ERROR(SweepChunks(live, now, &s));
  if (s.days_compacted > 0 || s.chunk_objects_deleted > 0)
    SKALD_LOG(info, "bucket compacted", {{"days", s.days_compacted}, {"index_objects", s.index_objects_merged},
                                         {"expired_chunks", s.chunks_expired},
                                         {"chunk_objects_deleted", s.chunk_objects_deleted}});
  return s;
}

}  // namespace skald::shipper
