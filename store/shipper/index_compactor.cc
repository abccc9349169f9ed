// Bucket compaction and retention: merge a day's index objects, expire rows, upload the merged
// object before deleting what it replaces, and delete unreferenced chunk objects after a delay.
#include "store/shipper/index_compactor.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/logger.h"
#include "store/chunk/chunk_files.h"
#include "store/compactor/compactor_metrics.h"
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
  invalid_requests_ = &r.NewCounter("skald_bucket_delete_requests_invalid_total",
                                    "Delete requests skipped by a bucket compaction pass: their query does not compile.");
  held_back_ = &r.NewCounter("skald_bucket_delete_requests_held_back_total",
                             "Due delete requests not marked processed by a pass: an index object too fresh to "
                             "merge holds rows they may delete.");
}

Result<std::unique_ptr<IndexCompactor>> IndexCompactor::Open(IndexCompactorOptions o) {
  if (o.bucket == nullptr) return Status::Invalid("bucket compactor: no bucket");
  if (!o.now_ns) o.now_ns = WallNs;
  o.rewrite.bucket = o.bucket;
  o.rewrite.scratch_dir = o.scratch_dir;
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

// Downloads a day's index objects. With deletes to apply, a segment's index object waits the
// minimum delete delay before it is merged, so its writer has pointed its own rows at the object
// (a target=all node learns of moves of rows it has; a row renamed later would point at a replaced
// object); its files stay live meanwhile.
Status IndexCompactor::LoadDay(const std::vector<objstore::ObjectInfo>& objs, int64_t now, bool deleting,
                               DayInput* in, std::set<std::string>* live_files, std::vector<Deferred>* deferred,
                               BucketCompactStats* s) {
  const std::string path = fs::JoinPath(o_.scratch_dir, "in.sqlite");
  const int64_t fresh_after = now - o_.min_delete_delay_ns;
  for (const auto& obj : objs) {
    SKALD_RETURN_IF_ERROR(o_.bucket->GetFile(obj.key, path).Annotate(obj.key));
    auto c = ReadIndexFile(path);
    if (!c.ok()) return c.status().Annotate(obj.key);
    if (deleting && !IsCompactedIndexKey(obj.key) && obj.mtime_ns > fresh_after) {
      // Its rows per stream: which due requests it holds back (FinishDeletes).
      std::map<uint64_t, Deferred> by_stream;
      for (const auto& st : c->streams) by_stream[st.id] = Deferred{st.tenant, st.labels};
      for (const auto& ch : c->chunks) {
        live_files->insert(ch.ref.file);
        auto it = by_stream.find(ch.stream_id);
        if (it == by_stream.end()) continue;
        it->second.min_ts = std::min(it->second.min_ts, ch.ref.min_ts);
        it->second.max_ts = std::max(it->second.max_ts, ch.ref.max_ts);
      }
      for (auto& [id, d] : by_stream)
        if (d.min_ts <= d.max_ts) deferred->push_back(std::move(d));
      s->objects_deferred++;
      continue;
    }
    for (const auto& src : c->sources) in->replaced.insert(src);
    in->keys.push_back(obj.key);
    in->loaded.emplace(obj.key, std::move(*c));
  }
  return Status::Ok();
}

// Streams by tenant and labels, chunks by (file, offset), rows past retention dropped; each row
// with the group of delete requests it still needs (-1: none).
Status IndexCompactor::MergeDay(const DayInput& in, int64_t now, const Plan& plan, Merged* m) {
  auto policy = o_.policy ? o_.policy() : nullptr;
  m->out.node = "compactor";
  m->out.created_ns = now;
  std::map<std::pair<std::string, std::string>, uint64_t> ids;
  std::set<std::pair<std::string, uint64_t>> seen;
  std::map<std::string, int> group_of;
  for (const auto& [k, c] : in.loaded) {
    m->out.sources.push_back(k);
    if (in.replaced.count(k) > 0) continue;   // already merged into a compacted object
    const int group = plan.apply.empty() ? -1 : PendingGroup(plan, c.deletes_applied, &group_of, &m->groups);
    std::map<uint64_t, std::pair<uint64_t, int64_t>> local;   // file id → (merged id, cutoff)
    for (const auto& st : c.streams) {
      auto key = std::make_pair(st.tenant, st.labels.ToString());
      auto it = ids.find(key);
      if (it == ids.end()) {
        it = ids.emplace(key, m->out.streams.size() + 1).first;
        m->out.streams.push_back({it->second, st.tenant, st.fingerprint, st.labels});
      }
      int64_t cutoff = policy ? policy->CutoffFor(st.tenant, st.labels, now) : INT64_MIN;
      local[st.id] = {it->second, cutoff};
    }
    for (const auto& ch : c.chunks) {
      auto it = local.find(ch.stream_id);
      if (it == local.end()) return Status::Corruption(k + ": chunk row names an unknown stream");
      if (!seen.emplace(ch.ref.file, ch.ref.offset).second) continue;
      if (ch.ref.max_ts < it->second.second) {
        ++m->expired;
        continue;
      }
      m->out.chunks.push_back({it->second.first, ch.ref});
      m->group_of_row.push_back(group);
    }
  }
  return Status::Ok();
}

Status IndexCompactor::CompactDay(const std::string& day, const std::vector<objstore::ObjectInfo>& objs, int64_t now,
                                  const Plan& plan, std::set<std::string>* live_files,
                                  std::vector<Deferred>* deferred, BucketCompactStats* s) {
  const bool deleting = !plan.apply.empty();
  DayInput in;
  SKALD_RETURN_IF_ERROR(LoadDay(objs, now, deleting, &in, live_files, deferred, s));
  if (in.keys.empty()) return Status::Ok();
  Merged m;
  SKALD_RETURN_IF_ERROR(MergeDay(in, now, plan, &m));
  std::vector<ChunkMove> moves;
  DeleteRewriteStats ds;
  if (deleting && o_.rewrite.files != nullptr) {
    SKALD_RETURN_IF_ERROR(
        RewriteDeleted(o_.rewrite, now, m.groups, m.group_of_row, &m.out, &moves, &ds).Annotate("deletes"));
    for (const auto& r : plan.apply) m.out.deletes_applied.push_back(AppliedKey(r));
  }
  for (const auto& ch : m.out.chunks) live_files->insert(ch.ref.file);
  // Already one object, nothing dropped, no row checked against a new request: nothing to write.
  if (in.keys.size() == 1 && m.expired == 0 && ds.chunks_checked == 0) return Status::Ok();
  // New chunk objects (RewriteDeleted), this node's own rows onto them, then the merged index, then
  // what it replaces. Rows repointed first: a kill before the index upload leaves them on the new
  // objects (kept live by local_files) while the next pass rewrites the old ones again; repointed
  // after, they would stay on old objects no pass ever moves them off.
  if (!moves.empty() && o_.on_moved) SKALD_RETURN_IF_ERROR(o_.on_moved(moves).Annotate("moving local index rows"));
  if (!m.out.chunks.empty()) {
    const std::string merged = fs::JoinPath(o_.scratch_dir, "out.sqlite");
    SKALD_RETURN_IF_ERROR(WriteIndexFile(merged, m.out));
    SKALD_RETURN_IF_ERROR(o_.bucket->PutFile(CompactedIndexKey(day, now), merged));
  }
  for (const auto& k : in.keys) SKALD_RETURN_IF_ERROR(o_.bucket->Delete(k));
  s->days_compacted++;
  s->index_objects_merged += static_cast<int64_t>(in.keys.size());
  s->chunks_expired += m.expired;
  s->chunks_rewritten += ds.chunks_rewritten;
  s->lines_deleted += ds.lines_deleted;
  merged_->Inc(static_cast<double>(in.keys.size()));
  if (ds.lines_deleted > 0)
    SKALD_LOG(info, "deleted lines removed from the bucket", {{"day", day}, {"lines", ds.lines_deleted},
                                                             {"chunks_rewritten", ds.chunks_rewritten},
                                                             {"objects_written", ds.objects_written}});
  return Status::Ok();
}

// Rows of an object that has been cleaned of `applied` still need the rest of the plan: one group
// of compiled requests per distinct rest (usually one or two per day).
int IndexCompactor::PendingGroup(const Plan& plan, const std::vector<std::string>& applied,
                                 std::map<std::string, int>* group_of,
                                 std::vector<std::vector<retention::CompiledDelete>>* groups) {
  const std::set<std::string> done(applied.begin(), applied.end());
  std::string sig;
  for (const auto& r : plan.apply)
    if (done.count(AppliedKey(r)) == 0) sig += AppliedKey(r) + " ";
  if (sig.empty()) return -1;
  auto [it, fresh] = group_of->try_emplace(sig, static_cast<int>(groups->size()));
  if (!fresh) return it->second;
  std::vector<retention::CompiledDelete> g;
  for (const auto& r : plan.apply) {
    if (done.count(AppliedKey(r)) > 0) continue;
    auto c = retention::DeleteRequests::Compile(r);
    if (c.ok()) g.push_back(std::move(*c));   // PlanDeletes left out the ones that do not compile
  }
  groups->push_back(std::move(g));
  return it->second;
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
  Plan plan = PlanDeletes(now);
  auto list = o_.bucket->List(kIndexPrefix);
  if (!list.ok()) return list.status();
  std::map<std::string, std::vector<objstore::ObjectInfo>> by_day;
  for (const auto& obj : *list)
    if (IsOurIndexKey(obj.key)) by_day[DayOfIndexKey(obj.key)].push_back(obj);
  std::set<std::string> live;
  std::vector<Deferred> deferred;
  if (o_.local_files) {   // a target=all node's own rows: their objects stay while it points there
    auto mine = o_.local_files();
    if (!mine.ok()) return mine.status().Annotate("local index files");
    live.insert(mine->begin(), mine->end());
  }
  Status first;
  for (const auto& [day, objs] : by_day) {
    Status st = CompactDay(day, objs, now, plan, &live, &deferred, &s);
    if (st.ok()) continue;
    SKALD_LOG(warn, "bucket compaction of a day failed; the others go on", {{"day", day}, {"err", st.message()}});
    if (first.ok()) first = st.Annotate("day " + day);
  }
  // The sweep needs every day's rows: with a day unread, its chunks would look unreferenced; and
  // a request is processed only once every day is clean of it.
  if (!first.ok()) return first;
  SKALD_RETURN_IF_ERROR(FinishDeletes(plan, deferred, &s));
  SKALD_RETURN_IF_ERROR(SweepChunks(live, now, &s));
  if (s.days_compacted > 0 || s.chunk_objects_deleted > 0)
    SKALD_LOG(info, "bucket compacted", {{"days", s.days_compacted}, {"index_objects", s.index_objects_merged},
                                         {"expired_chunks", s.chunks_expired},
                                         {"chunk_objects_deleted", s.chunk_objects_deleted},
                                         {"lines_deleted", s.lines_deleted}});
  return s;
}

IndexCompactor::Plan IndexCompactor::PlanDeletes(int64_t now) {
  Plan p;
  if (o_.deletes == nullptr || o_.rewrite.files == nullptr || o_.deletes->empty()) return p;
  // The freshest set: a cancel made through another node must not be missed by a stale copy.
  Status st = o_.deletes->Refresh();
  if (!st.ok()) {
    SKALD_LOG(warn, "bucket compaction: delete requests not refreshed; applying none this pass", {{"err", st.message()}});
    return p;
  }
  // One that does not compile (a bad object in the bucket) deletes nothing: it is neither listed as
  // applied nor marked processed.
  for (auto& r : RequestsToApply(*o_.deletes, now, o_.cancel_period_ns, o_.mode)) {
    auto c = retention::DeleteRequests::Compile(r);
    if (!c.ok()) {
      invalid_requests_->Inc();
      SKALD_LOG(warn, "bucket compaction: skipping a delete request whose query does not compile",
                {{"request_id", r.id}, {"tenant", r.tenant}, {"err", c.status().message()}});
      continue;
    }
    if (r.status != "processed") p.due.push_back(r);
    p.apply.push_back(std::move(r));
  }
  return p;
}

Status IndexCompactor::FinishDeletes(const Plan& plan, const std::vector<Deferred>& deferred, BucketCompactStats* s) {
  auto& m = compactor::CompactorMetrics::Get();
  m.deleted_lines.Inc(static_cast<double>(s->lines_deleted));
  m.chunks_rewritten.Inc(static_cast<double>(s->chunks_rewritten));
  // "processed" = gone from every object the bucket holds: a request is held back only by a
  // deferred object with rows of its tenant, of a stream it selects, in its window.
  for (const auto& r : plan.due) {
    auto c = retention::DeleteRequests::Compile(r);   // compiled in PlanDeletes: cannot fail here
    if (!c.ok()) continue;
    bool held = false;
    for (const auto& d : deferred)
      if (d.tenant == r.tenant && d.min_ts <= r.end_ns && d.max_ts >= r.start_ns && MatchesAll(c->matchers, d.labels)) {
        held = true;
        break;
      }
    if (held) {
      held_back_->Inc();
      SKALD_LOG(info, "delete request waits for index objects too fresh to merge",
                {{"request_id", r.id}, {"tenant", r.tenant}, {"objects_deferred", s->objects_deferred}});
      continue;
    }
    SKALD_RETURN_IF_ERROR(o_.deletes->MarkProcessed(r.tenant, r.id).Annotate("delete request " + r.id));
    s->deletes_processed++;
    m.delete_requests.Inc();
    m.deletes_processed.WithLabelValues({r.tenant}).Inc();
    SKALD_LOG(info, "delete request processed on the bucket", {{"request_id", r.id}, {"tenant", r.tenant},
                                                               {"query", r.query}});
  }
  return Status::Ok();
}

std::string AppliedKey(const retention::DeleteRequest& r) {
  return chunk::ChunkFiles::EscapeTenant(r.tenant) + "/" + r.id;
}

std::vector<retention::DeleteRequest> RequestsToApply(
    const retention::DeleteRequests& d, int64_t now, int64_t cancel_period_ns,
    const std::function<retention::DeletionMode(const std::string&)>& mode) {
  std::vector<retention::DeleteRequest> out;
  auto all = d.All();
  if (!all.ok()) {
    SKALD_LOG(warn, "delete requests unreadable", {{"err", all.status().message()}});
    return out;
  }
  for (auto& r : *all) {
    if (mode && mode(r.tenant) != retention::DeletionMode::kFilterAndDelete) continue;
    if (r.status != "processed" && now - r.created_ns < cancel_period_ns) continue;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace skald::shipper
