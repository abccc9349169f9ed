// A node's own index after bucket delete rewrites: repoint (target all) or drop (write) the rows
// of shipped chunks, so queries never go to objects the backend is about to sweep.
#include "store/shipper/local_index_moves.h"

#include <map>
#include <set>
#include <utility>

#include "store/chunk/chunk_files.h"
#include "store/shipper/bucket_layout.h"

namespace skald::shipper {
namespace {

std::string TenantDirOf(const std::string& rel) { return rel.substr(0, rel.find('/') + 1); }

}  // namespace

Status ApplyMovesToIndex(index::IndexDb* db, const std::vector<ChunkMove>& moves) {
  std::map<std::string, std::vector<const ChunkMove*>> by_tenant;
  for (const auto& m : moves) by_tenant[TenantDirOf(m.from.file)].push_back(&m);
  std::vector<int64_t> old_ids;
  std::vector<index::FlushedChunk> added;
  for (const auto& [prefix, ms] : by_tenant) {
    auto rows = db->ChunkRows(prefix);
    if (!rows.ok()) return rows.status();
    std::map<std::pair<std::string, uint64_t>, const index::ChunkRow*> at;
    for (const auto& r : *rows) at[{r.ref.file, r.ref.offset}] = &r;
    for (const ChunkMove* m : ms) {
      auto it = at.find({m->from.file, m->from.offset});
      if (it == at.end()) continue;
      old_ids.push_back(it->second->id);
      if (!m->dropped) added.push_back(index::FlushedChunk{it->second->stream_id, m->to, 0});
    }
  }
  if (old_ids.empty()) return Status::Ok();
  return db->ReplaceChunks(old_ids, added);
}

// The backend rewrites a segment whole, so every row of a file holding one matching row goes:
// rows of other streams in it would point at an object the backend sweeps after the rewrite.
Result<int64_t> DropShippedRows(index::IndexDb* db, const std::vector<retention::DeleteRequest>& reqs) {
  std::map<std::string, std::vector<const retention::DeleteRequest*>> by_tenant;
  for (const auto& r : reqs) by_tenant[r.tenant].push_back(&r);
  std::vector<int64_t> ids;
  for (const auto& [tenant, rs] : by_tenant) {
    auto rows = db->ChunkRows(chunk::ChunkFiles::EscapeTenant(tenant) + "/");
    if (!rows.ok()) return rows.status();
    std::set<std::string> files;   // shipped files with a row some request touches
    std::map<uint64_t, index::StreamRecord> streams;
    for (const retention::DeleteRequest* r : rs) {
      auto c = retention::DeleteRequests::Compile(*r);
      if (!c.ok()) continue;
      for (const auto& row : *rows) {
        if (files.count(row.ref.file) > 0 || !IsShippedFile(row.ref.file)) continue;
        if (row.ref.max_ts < r->start_ns || row.ref.min_ts > r->end_ns) continue;
        auto [it, fresh] = streams.try_emplace(row.stream_id);
        if (fresh && !db->GetStream(row.stream_id, &it->second)) it->second.labels = LabelSet();
        if (!it->second.labels.empty() && MatchesAll(c->matchers, it->second.labels)) files.insert(row.ref.file);
      }
    }
    for (const auto& row : *rows)
      if (files.count(row.ref.file) > 0) ids.push_back(row.id);
  }
  if (ids.empty()) return int64_t{0};
  SKALD_RETURN_IF_ERROR(db->ReplaceChunks(ids, {}));
  return static_cast<int64_t>(ids.size());
}

Result<std::set<std::string>> ShippedFilesOf(const index::IndexDb& db) {
  auto live = db.LiveBytesByFile();
  if (!live.ok()) return live.status();
  std::set<std::string> out;
  for (const auto& [f, bytes] : *live)
    if (IsShippedFile(f)) out.insert(f);
  return out;
}

}  // namespace skald::shipper
