// The read side of object storage: list index/, download what is new, import rows into the local
// index with local stream ids; rebuild a day atomically when its object set shrank.
#include "store/shipper/bucket_index_sync.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "common/logger.h"
#include "store/fs/file_system.h"
#include "store/shipper/bucket_layout.h"

namespace skald::shipper {

BucketIndexSync::BucketIndexSync(BucketIndexSyncOptions o) : o_(std::move(o)) {
  metrics::Registry& r = o_.registry ? *o_.registry : metrics::Registry::Default();
  downloads_ = &r.NewCounter("skald_index_sync_downloads_total", "Index objects downloaded from the bucket.");
  failures_ = &r.NewCounter("skald_index_sync_failures_total", "Index sync passes that failed.");
  last_success_ = &r.NewGauge("skald_index_sync_last_success_timestamp_seconds",
                              "When the bucket index was last fully synced.");
}

Result<std::unique_ptr<BucketIndexSync>> BucketIndexSync::Open(BucketIndexSyncOptions o) {
  if (o.index == nullptr || o.bucket == nullptr) return Status::Invalid("index sync: no index or bucket");
  SKALD_RETURN_IF_ERROR(fs::FileSystem::Default()->MkdirAll(o.cache_dir).Annotate("index cache dir"));
  auto s = std::unique_ptr<BucketIndexSync>(new BucketIndexSync(std::move(o)));
  for (const auto& st : s->o_.index->AllStreams())
    s->stream_ids_[{st.tenant, st.labels.ToString()}] = st.id;
  return s;
}

BucketIndexSync::~BucketIndexSync() { Stop(); }

void BucketIndexSync::Start() {
  loop_.Start(o_.interval_ns, [this] { Pass(); });
}

void BucketIndexSync::Stop() { loop_.Stop(); }

void BucketIndexSync::Pass() {
  auto st = SyncOnce();
  if (!st.ok()) SKALD_LOG(warn, "bucket index sync failed", {{"err", st.status().message()}});
}

Result<IndexFileContents> BucketIndexSync::Load(const std::string& key, SyncStats* s) {
  const std::string path = fs::JoinPath(o_.cache_dir, key);
  if (!fs::FileSystem::Default()->FileSize(path).ok()) {
    size_t slash = path.rfind('/');
    SKALD_RETURN_IF_ERROR(fs::FileSystem::Default()->MkdirAll(path.substr(0, slash)));
    SKALD_RETURN_IF_ERROR(o_.bucket->GetFile(key, path));
    s->objects_downloaded++;
    downloads_->Inc();
  }
  auto c = ReadIndexFile(path);
  if (!c.ok()) (void)fs::FileSystem::Default()->Remove(path);   // re-fetched next pass
  return c;
}

Result<uint64_t> BucketIndexSync::LocalStream(const IndexFileStream& st) {
  auto key = std::make_pair(st.tenant, st.labels.ToString());
  auto it = stream_ids_.find(key);
  if (it != stream_ids_.end()) return it->second;
  auto id = o_.index->AddStream(st.tenant, st.fingerprint, st.labels);
  if (!id.ok()) return id.status();
  if (o_.on_new_stream) SKALD_RETURN_IF_ERROR(o_.on_new_stream(*id));
  stream_ids_.emplace(std::move(key), *id);
  return *id;
}

Status BucketIndexSync::SyncDay(const std::string& day, const std::set<std::string>& keys, SyncStats* s) {
  Day& prev = days_[day];
  bool incremental = std::includes(keys.begin(), keys.end(), prev.keys.begin(), prev.keys.end());
  std::vector<std::string> need;
  for (const auto& k : keys)
    if (!incremental || prev.keys.count(k) == 0) need.push_back(k);
  // A new compacted object repeats rows already imported from its sources: rebuild the day.
  if (incremental && std::any_of(need.begin(), need.end(), IsCompactedIndexKey) && !prev.keys.empty()) {
    incremental = false;
    need.assign(keys.begin(), keys.end());
  }
  std::map<std::string, IndexFileContents> loaded;
  std::set<std::string> replaced;
  for (const auto& k : need) {
    auto c = Load(k, s);
    if (!c.ok()) return c.status().Annotate(k);
    for (const auto& src : c->sources) replaced.insert(src);
    loaded.emplace(k, std::move(*c));
  }
  std::vector<index::FlushedChunk> added;
  std::set<std::pair<std::string, uint64_t>> seen;   // (file, offset): one row per chunk
  std::set<std::string> tenants = prev.tenants;
  for (const auto& [k, c] : loaded) {
    if (replaced.count(k) > 0) continue;
    std::map<uint64_t, uint64_t> ids;
    for (const auto& st : c.streams) {
      auto id = LocalStream(st);
      if (!id.ok()) return id.status();
      ids[st.id] = *id;
    }
    for (const auto& ch : c.chunks) {
      auto it = ids.find(ch.stream_id);
      if (it == ids.end()) return Status::Corruption(k + ": chunk row names an unknown stream");
      if (!seen.emplace(ch.ref.file, ch.ref.offset).second) continue;
      added.push_back({it->second, ch.ref, 0});
      tenants.insert(ch.ref.file.substr(0, ch.ref.file.find('/')));
    }
  }
  if (incremental) {
    SKALD_RETURN_IF_ERROR(o_.index->CommitChunks(added));
  } else {
    std::vector<int64_t> old;
    for (const auto& t : tenants) {
      auto rows = o_.index->ChunkRows(t + "/" + day + "/");
      if (!rows.ok()) return rows.status();
      for (const auto& r : *rows) old.push_back(r.id);
    }
    SKALD_RETURN_IF_ERROR(o_.index->ReplaceChunks(old, added));
    s->days_rebuilt++;
  }
  prev.keys = keys;
  prev.tenants = std::move(tenants);
  s->days_changed++;
  s->chunks_imported += static_cast<int64_t>(added.size());
  return Status::Ok();
}

Status BucketIndexSync::DropDay(const std::string& day) {
  std::vector<int64_t> old;
  for (const auto& t : days_[day].tenants) {
    auto rows = o_.index->ChunkRows(t + "/" + day + "/");
    if (!rows.ok()) return rows.status();
    for (const auto& r : *rows) old.push_back(r.id);
  }
  SKALD_RETURN_IF_ERROR(o_.index->ReplaceChunks(old, {}));
  days_.erase(day);
  return Status::Ok();
}

// Downloaded index objects the bucket no longer lists (merged or expired) leave the cache.
void BucketIndexSync::PruneCache(const std::map<std::string, std::set<std::string>>& listed) {
  fs::FileSystem* fsys = fs::FileSystem::Default();
  const std::string root = fs::JoinPath(o_.cache_dir, kIndexPrefix);
  auto days = fsys->List(root);
  if (!days.ok()) return;
  for (const auto& day : *days) {
    auto names = fsys->List(fs::JoinPath(root, day));
    if (!names.ok()) continue;
    auto it = listed.find(day);
    for (const auto& n : *names) {
      std::string key = std::string(kIndexPrefix) + day + "/" + n;
      if (it == listed.end() || it->second.count(key) == 0) (void)fsys->Remove(fs::JoinPath(root, day + "/" + n));
    }
    if (it == listed.end()) (void)fsys->RemoveDirIfEmpty(fs::JoinPath(root, day));
  }
}

Result<SyncStats> BucketIndexSync::SyncOnce() {
  std::lock_guard<std::mutex> lk(run_mu_);
  SyncStats s;
  auto list = o_.bucket->List(kIndexPrefix);
  if (!list.ok()) {
    failures_->Inc();
    return list.status().Annotate("listing " + std::string(kIndexPrefix));
  }
  std::map<std::string, std::set<std::string>> by_day;
  for (const auto& obj : *list) {
    std::string day = DayOfIndexKey(obj.key);
    if (!day.empty() && obj.key.size() > 7 && obj.key.compare(obj.key.size() - 7, 7, ".sqlite") == 0)
      by_day[day].insert(obj.key);
  }
  Status first;
  for (const auto& [day, keys] : by_day) {
    if (days_.count(day) > 0 && days_[day].keys == keys) continue;
    Status st = SyncDay(day, keys, &s);
    if (!st.ok() && first.ok()) first = st;   // other days still sync; this one retries next pass
  }
  std::vector<std::string> gone;
  for (const auto& [day, d] : days_)
    if (by_day.count(day) == 0) gone.push_back(day);
  for (const auto& day : gone) SKALD_RETURN_IF_ERROR(DropDay(day));
  PruneCache(by_day);
  if (!first.ok()) {
    failures_->Inc();
    return first;
  }
  synced_ = true;
  last_success_->Set(static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::system_clock::now().time_since_epoch()).count()));
  return s;
}

}  // namespace skald::shipper
