// Delete requests as bucket objects: one immutable JSON object per request, a marker object once
// processed, a cancel deletes the request object. Every node lists the prefix each resync interval.
#include "store/shipper/bucket_deletes.h"

#include <simdjson.h>

#include <set>

#include <fmt/format.h>

#include "common/json_quote.h"
#include "common/logger.h"
#include "store/chunk/chunk_files.h"

namespace skald::shipper {
namespace {

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

BucketDeletes::BucketDeletes(BucketDeletesOptions o) : o_(std::move(o)) {
  metrics::Registry& r = o_.registry ? *o_.registry : metrics::Registry::Default();
  failures_ = &r.NewCounter("skald_bucket_delete_requests_sync_failures_total",
                            "Passes that failed to read the delete requests from the bucket.");
  bad_objects_ = &r.NewCounter("skald_bucket_delete_requests_bad_objects_total",
                               "Objects under deletes/ that are not valid delete requests (skipped).");
  requests_ = &r.NewGauge("skald_bucket_delete_requests", "Delete requests in the bucket at the last sync.");
}

Result<std::unique_ptr<BucketDeletes>> BucketDeletes::Open(BucketDeletesOptions o) {
  if (o.bucket == nullptr || o.local == nullptr) return Status::Invalid("bucket delete requests: no bucket");
  return std::unique_ptr<BucketDeletes>(new BucketDeletes(std::move(o)));
}

BucketDeletes::~BucketDeletes() { Stop(); }

void BucketDeletes::Start() {
  loop_.Start(o_.interval_ns, [this] {
    auto st = SyncOnce();
    if (!st.ok()) SKALD_LOG(warn, "delete requests sync from the bucket failed", {{"err", st.status().message()}});
    else if (o_.after_sync) o_.after_sync();
  });
}

void BucketDeletes::Stop() { loop_.Stop(); }

std::string BucketDeletes::RequestKey(const std::string& tenant, const std::string& id) {
  return fmt::format("{}{}/{}.json", kDeletesPrefix, chunk::ChunkFiles::EscapeTenant(tenant), id);
}

std::string BucketDeletes::ProcessedKey(const std::string& tenant, const std::string& id) {
  return fmt::format("{}{}/{}.processed", kDeletesPrefix, chunk::ChunkFiles::EscapeTenant(tenant), id);
}

std::string BucketDeletes::Encode(const retention::DeleteRequest& r) {
  return fmt::format(
      "{{\"version\":{},\"request_id\":{},\"tenant\":{},\"query\":{},\"start_ns\":{},\"end_ns\":{},"
      "\"created_ns\":{}}}\n",
      kDeleteObjectVersion, JsonQuote(r.id), JsonQuote(r.tenant), JsonQuote(r.query), r.start_ns, r.end_ns,
      r.created_ns);
}

Result<retention::DeleteRequest> BucketDeletes::Decode(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return Status::Corruption("not valid JSON");
  int64_t version = 0;
  if (doc["version"].get(version) || version != kDeleteObjectVersion)
    return Status::Corruption(fmt::format("unknown delete request object version {}", version));
  retention::DeleteRequest r;
  std::string_view id, tenant, query;
  if (doc["request_id"].get(id) || doc["tenant"].get(tenant) || doc["query"].get(query) ||
      doc["start_ns"].get(r.start_ns) || doc["end_ns"].get(r.end_ns) || doc["created_ns"].get(r.created_ns))
    return Status::Corruption("delete request object lacks a field");
  r.id = std::string(id), r.tenant = std::string(tenant), r.query = std::string(query);
  return r;
}

Status BucketDeletes::Put(const retention::DeleteRequest& r) {
  const std::string key = RequestKey(r.tenant, r.id);
  auto head = o_.bucket->Head(key);
  if (head.ok()) return Status::Internal("delete request id " + r.id + " is taken; retry the request");
  if (head.status().code() != Code::kNotFound) return head.status().Annotate("delete request " + r.id);
  return o_.bucket->Put(key, Encode(r)).Annotate("storing delete request " + r.id + " in the bucket");
}

// A cancel deletes the request object; a request the backend has marked processed stays.
Status BucketDeletes::Remove(const retention::DeleteRequest& r) {
  auto marker = o_.bucket->Head(ProcessedKey(r.tenant, r.id));
  if (marker.ok()) return Status::Invalid("deletion of request which is in process or already processed is not allowed");
  if (marker.status().code() != Code::kNotFound) return marker.status();
  return o_.bucket->Delete(RequestKey(r.tenant, r.id)).Annotate("cancelling delete request " + r.id);
}

Status BucketDeletes::MarkProcessed(const retention::DeleteRequest& r) {
  return o_.bucket->Put(ProcessedKey(r.tenant, r.id), Encode(r)).Annotate("marking delete request " + r.id);
}

// The request in object `obj`, parsed once per (key, ETag, size); NotFound when it is gone (a
// cancel since the list) or not a request (skipped, counted).
Result<retention::DeleteRequest> BucketDeletes::Load(const objstore::ObjectInfo& obj,
                                                     std::map<std::string, retention::DeleteRequest>* parsed) {
  const std::string cache_key = obj.key + " " + obj.etag + " " + std::to_string(obj.size);
  auto it = parsed_.find(cache_key);
  if (it == parsed_.end()) {
    std::string body;
    Status st = o_.bucket->Get(obj.key, 0, UINT64_MAX, &body);
    if (!st.ok()) return st.Annotate(obj.key);
    auto r = Decode(body);
    if (!r.ok() || RequestKey(r->tenant, r->id) != obj.key) {
      bad_objects_->Inc();
      SKALD_LOG(warn, "skipping an object under deletes/ that is not a delete request",
                {{"key", obj.key}, {"err", r.ok() ? std::string("key does not match its body") : r.status().message()}});
      return Status::NotFound(obj.key + ": not a delete request");
    }
    it = parsed_.emplace(cache_key, std::move(*r)).first;
  }
  parsed->emplace(cache_key, it->second);
  return it->second;
}

Result<int64_t> BucketDeletes::SyncOnce() {
  auto changes = o_.local->LockChanges();   // no Add/Cancel/MarkProcessed between the list and Replace
  std::lock_guard<std::mutex> lk(mu_);
  auto list = o_.bucket->List(kDeletesPrefix);
  if (!list.ok()) {
    failures_->Inc();
    return list.status().Annotate("listing deletes/");
  }
  std::set<std::string> processed;   // "<tenant dir>/<id>"
  const size_t plen = std::string(kDeletesPrefix).size();
  for (const auto& obj : *list)
    if (EndsWith(obj.key, ".processed")) processed.insert(obj.key.substr(plen, obj.key.size() - plen - 10));
  std::map<std::string, retention::DeleteRequest> parsed;
  std::vector<retention::DeleteRequest> all;
  for (const auto& obj : *list) {
    if (!EndsWith(obj.key, ".json")) continue;
    auto r = Load(obj, &parsed);
    if (r.status().code() == Code::kNotFound) continue;
    if (!r.ok()) {
      failures_->Inc();
      return r.status();
    }
    const std::string stem = obj.key.substr(plen, obj.key.size() - plen - 5);
    r->status = processed.count(stem) > 0 ? "processed" : "received";
    all.push_back(std::move(*r));
  }
  parsed_ = std::move(parsed);
  auto changed = o_.local->Replace(all);
  if (!changed.ok()) {
    failures_->Inc();
    return changed.status();
  }
  requests_->Set(static_cast<double>(all.size()));
  if (*changed > 0) SKALD_LOG(info, "delete requests synced from the bucket", {{"requests", all.size()}, {"changed", *changed}});
  synced_ = true;
  return *changed;
}

}  // namespace skald::shipper
