// Shipper: wires discovery -> tail (+ the ScrapeHooks seam) -> clients -> acks -> positions, on one
// tail thread plus each client's sender and each docker_sd's discovery threads.
#include "collector/shipper.h"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include "common/http/router.h"

#include "collector/discovery/file_glob.h"
#include "collector/tail/ack_cursor.h"
#include "collector/tail/docker_json.h"
#include "collector/tail/file_tailer.h"
#include "collector/tail/utf8.h"
#include "common/hash_cache.h"
#include "common/logger.h"

namespace skald {

namespace {
constexpr size_t kReadChunk = 256 << 10;
constexpr int64_t kCommitEveryNs = 100'000'000;
constexpr int64_t kReopenEveryNs = 1'000'000'000;
constexpr int64_t kTickEveryNs = 100'000'000;  // multiline max_wait_time granularity

int64_t WallNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}
// A leading `docker: {}` stage is run by the built-in json-file decoder (same result as Promtail's
// docker stage: message, time, `stream` label), so it is removed from what the hooks see.
bool TakeLeadingDockerStage(YAML::Node* stages) {
  if (!stages->IsSequence() || stages->size() == 0) return false;
  const YAML::Node first = (*stages)[0];
  if (!first.IsMap() || first.size() != 1 || !first["docker"]) return false;
  YAML::Node rest(YAML::NodeType::Sequence);
  for (size_t i = 1; i < stages->size(); ++i) rest.push_back((*stages)[i]);
  *stages = rest;
  return true;
}

// A cheap hash of a label set for the per-file key cache: lengths plus the first and last 8 bytes
// of every value (entries are compared in full on a hit, so a weak hash only costs a miss).
uint64_t FastHash(const LabelSet& ls) {
  auto edge = [](std::string_view s, bool tail) {
    uint64_t v = 0;
    const size_t n = std::min<size_t>(8, s.size());
    std::memcpy(&v, s.data() + (tail ? s.size() - n : 0), n);
    return v;
  };
  uint64_t h = ls.size();
  for (const Label& l : ls) {
    h = (h ^ (l.name.size() << 32 | l.value.size())) * 0x9E3779B97F4A7C15ULL;
    h = (h ^ edge(l.value, false)) * 0x9E3779B97F4A7C15ULL;
    h = (h ^ edge(l.value, true)) * 0x9E3779B97F4A7C15ULL;
  }
  return h ^ (h >> 29);
}

constexpr size_t kMaxCachedKeys = 512;

// After the stages: "__"-prefixed labels are dropped except __tenant_id__, which the clients turn
// into X-Scope-OrgID (and strip).
LabelSet FinalLabels(const LabelSet& ls) {
  std::vector<Label> keep;
  keep.reserve(ls.size());
  for (const Label& l : ls)
    if (!l.name.starts_with("__") || l.name == "__tenant_id__") keep.push_back(l);
  return LabelSet(std::move(keep));
}

bool DropReserved(LabelSet& ls) {
  std::vector<Label> keep;
  for (const Label& l : ls) {
    if (!l.name.starts_with("__")) keep.push_back(l);
  }
  ls = LabelSet(std::move(keep));
  return true;
}
}  // namespace

// The clients' stream keys for one label set, the first inline (most configs have one client):
// a line's lookup then reads the key from the cache entry it already touched.
class Shipper::ClientKeys {
 public:
  const client::StreamKey& operator[](size_t i) const { return i == 0 ? first_ : rest_[i - 1]; }
  void clear() {
    n_ = 0;
    rest_.clear();
  }
  void push_back(client::StreamKey k) {
    if (n_++ == 0) first_ = std::move(k);
    else rest_.push_back(std::move(k));
  }

 private:
  client::StreamKey first_;
  std::vector<client::StreamKey> rest_;
  size_t n_ = 0;
};

struct Shipper::File {
  discovery::Target target;
  size_t scrape = 0;
  std::unique_ptr<tail::FileTailer> tailer, old;  // old: a rotated file found via positions, drained first
  std::unique_ptr<tail::DockerJsonDecoder> decoder;
  std::shared_ptr<tail::AckCursor> cursor, old_cursor, retiring;
  std::shared_ptr<tail::AckCursor>* active = nullptr;  // cursor of the lines being read right now
  std::unique_ptr<TargetProcessor> proc;  // this target's own pipeline (null: none or stateless)
  bool proc_built = false;
  struct Out {
    bool ready = false, keep = false;
    LabelSet labels;
    std::shared_ptr<const LabelSet> shared;  // the same labels, handed to the processor per entry
    ClientKeys keys;
  } out[2];
  // Client keys of the label sets a processor emitted other than the stream's own (pipelines emit
  // a few distinct sets per target: one per level × status, say). By the edits made to a stream's
  // labels (the common case; `labels` then holds the edits) or else by the whole label set; each
  // cache is cleared when it grows past kMaxCachedKeys entries (under 1 KB each).
  struct Keys {
    // EditedLabels::PackEdits of an own-base set, inline when short: a lookup then touches one
    // cache entry instead of chasing pointers to the edits' strings.
    std::array<char, 48> edits_inline;
    uint32_t edits_len = 0;
    ClientKeys keys;
    std::string edits_long;
    std::vector<Label> labels;  // or a whole label set (key_cache)

    std::string_view edits() const {  // reads only the entry's first cache line when short
      return edits_len <= edits_inline.size() ? std::string_view(edits_inline.data(), edits_len)
                                              : std::string_view(edits_long);
    }
    void SetEdits(const std::string& packed) {
      edits_long.clear();
      edits_len = static_cast<uint32_t>(packed.size());
      if (packed.size() <= edits_inline.size()) std::memcpy(edits_inline.data(), packed.data(), packed.size());
      else edits_long = packed;
    }
  };
  HashCache<Keys> edit_cache[2]{HashCache<Keys>(kMaxCachedKeys), HashCache<Keys>(kMaxCachedKeys)};
  // The edit_cache entry the stream's previous line used and the EditedLabels::version() it was
  // found for: consecutive lines of a container often carry the same edits (level, status).
  Keys* last_edit[2] = {nullptr, nullptr};
  uint64_t last_version[2] = {0, 0};
  HashCache<Keys> key_cache{kMaxCachedKeys};
  bool opened = false, removed = false, final_flushed = false;
  int64_t next_open_ns = 0, removed_ns = 0;
  std::atomic<int64_t> size{0}, position{0};
  metrics::Gauge *m_read_bytes = nullptr, *m_file_bytes = nullptr;  // children cached per file
  metrics::Counter* m_read_lines = nullptr;
};

Shipper::Shipper(CollectorConfig cfg, HooksFactory hooks, ShipperOptions opts)
    : cfg_(std::move(cfg)), hooks_factory_(std::move(hooks)), opts_(opts), limits_(cfg_.limits),
      registry_(opts.registry ? opts.registry : &metrics::Registry::Default()) {
  read_bytes_ = &registry_->NewGaugeVec("promtail_read_bytes_total", "Number of bytes read.", {"path"});
  file_bytes_ = &registry_->NewGaugeVec("promtail_file_bytes_total", "Number of bytes total.", {"path"});
  read_lines_ = &registry_->NewCounterVec("promtail_read_lines_total", "Number of lines read.", {"path"});
  limited_lines_ = &registry_->NewCounterVec("skald_collector_limited_lines_total",
                                             "Lines dropped or truncated by limits_config.", {"reason"});
  files_active_ = &registry_->NewGauge("promtail_files_active_total", "Number of active files.");
  // Promtail counts its file targets; a Skald target is one discovered path or container log.
  targets_active_ = &registry_->NewGauge("promtail_targets_active_total", "Number of active total.");
  final_partials_ = &registry_->NewCounter("skald_collector_final_partial_lines_total",
                                           "Last lines without a newline shipped when their docker target ended.");
}

Shipper::~Shipper() { Stop(); }

Status Shipper::Start() {
  for (const ScrapeConfig& original : cfg_.scrape_configs) {
    ScrapeConfig sc = original;
    // docker_sd lines reach the pipeline already unwrapped (Promtail reads the Docker API), so
    // there `docker: {}` stays a stage and runs on the application's line, as in Promtail.
    docker_stage_.push_back(sc.docker_sd_configs.empty() && TakeLeadingDockerStage(&sc.pipeline_stages));
    if (!hooks_factory_) { hooks_.push_back({}); continue; }
    auto h = hooks_factory_(sc);
    if (!h.ok()) return h.status().Annotate("scrape_configs " + sc.job_name);
    hooks_.push_back(std::move(*h));
  }
  auto pos = tail::Positions::Open(cfg_.positions);
  if (!pos.ok()) return pos.status();
  positions_ = std::move(*pos);
  waiter_ = tail::MakeChangeWaiter(opts_.force_poll);
  for (size_t i = 0; i < cfg_.clients.size(); ++i) {
    clients_.push_back(std::make_unique<client::Client>(cfg_.clients[i], static_cast<int>(i), registry_));
    clients_.back()->SetCapacityListener([this] { waiter_->Wake(); });
    SKALD_RETURN_IF_ERROR(clients_.back()->Start());
  }
  positions_->StartSync();
  for (size_t s = 0; s < cfg_.scrape_configs.size(); ++s) {
    const auto& sds = cfg_.scrape_configs[s].docker_sd_configs;
    for (size_t d = 0; d < sds.size(); ++d) {
      docker_.push_back(std::make_unique<discovery::DockerDiscovery>(
          sds[d], fmt::format("docker/{}/{}", s, d),
          [this, s](const std::string& src, std::vector<discovery::Target> t) { OnTargets(s, src, std::move(t)); }));
    }
  }
  for (auto& d : docker_) d->Start();
  tail_thread_ = std::thread([this] { TailLoop(); });
  return Status::Ok();
}

void Shipper::Stop() {
  if (stop_.exchange(true)) return;
  for (auto& d : docker_) d->Stop();
  if (waiter_) waiter_->Wake();
  if (tail_thread_.joinable()) tail_thread_.join();
  for (auto& c : clients_) c->Stop(opts_.client_drain_ns);
  if (positions_) {
    CommitPositions();
    positions_->Stop();
  }
}

void Shipper::OnTargets(size_t scrape, const std::string& source, std::vector<discovery::Target> targets) {
  {
    std::lock_guard<std::mutex> l(updates_mu_);
    desired_[source] = {scrape, std::move(targets)};
    updates_pending_ = true;
  }
  if (waiter_) waiter_->Wake();
}

void Shipper::RescanStatic() {
  for (size_t s = 0; s < cfg_.scrape_configs.size(); ++s) {
    if (cfg_.scrape_configs[s].static_configs.empty()) continue;
    auto targets = discovery::StaticFileTargets(cfg_.scrape_configs[s].static_configs);
    if (docker_stage_[s]) {
      for (auto& t : targets) t.kind = discovery::TargetKind::kDockerJson;
    }
    OnTargets(s, fmt::format("static/{}", s), std::move(targets));
  }
}

void Shipper::ApplyTargetUpdates(int64_t now) {
  std::map<std::string, std::pair<size_t, std::vector<discovery::Target>>> desired;
  {
    std::lock_guard<std::mutex> l(updates_mu_);
    if (!updates_pending_) return;
    desired = desired_;
    updates_pending_ = false;
  }
  std::map<std::string, std::pair<size_t, const discovery::Target*>> want;
  for (const auto& [_, st] : desired) {
    for (const auto& t : st.second) want[t.key] = {st.first, &t};
  }
  targets_active_->Set(static_cast<double>(want.size()));
  std::lock_guard<std::mutex> l(files_mu_);
  for (auto& [key, f] : files_) {
    if (!want.count(key) && !f->removed) { f->removed = true; f->removed_ns = now; }
  }
  for (const auto& [key, st] : want) {
    auto it = files_.find(key);
    if (it != files_.end()) {
      File& f = *it->second;
      f.removed = f.final_flushed = false;
      if (!(f.target.labels == st.second->labels)) { f.target.labels = st.second->labels; f.out[0].ready = f.out[1].ready = false; }
      continue;
    }
    auto f = std::make_unique<File>();
    f->target = *st.second;
    f->scrape = st.first;
    files_.emplace(key, std::move(f));
  }
}

void Shipper::OpenFile(File& f, int64_t now) {
  const std::string& path = f.target.path;
  const int n = static_cast<int>(clients_.size());
  auto tailer = std::make_unique<tail::FileTailer>(path, std::max<size_t>(1 << 20, limits_.max_line_size()));
  auto pos = positions_->Get(path);
  Status st = tailer->Open(pos ? pos->offset : 0, pos ? pos->id : tail::FileId{});
  if (!st.ok()) {
    f.next_open_ns = now + kReopenEveryNs;
    return;
  }
  if (pos && pos->id.ino != 0 && !(pos->id == tailer->id())) {  // rotated while we were down
    std::string rotated = tail::FindRotatedSibling(path, pos->id);
    if (!rotated.empty()) {
      f.old = std::make_unique<tail::FileTailer>(path);
      if (f.old->OpenDrainOnly(rotated, pos->offset).ok()) {
        f.old_cursor = std::make_shared<tail::AckCursor>(path, pos->id, f.old->offset(), n);
      } else {
        f.old.reset();
      }
    }
  }
  f.tailer = std::move(tailer);
  f.cursor = std::make_shared<tail::AckCursor>(path, f.tailer->id(), f.tailer->offset(), n);
  if (f.target.kind == discovery::TargetKind::kDockerJson) f.decoder = std::make_unique<tail::DockerJsonDecoder>();
  waiter_->Watch(path);
  f.m_read_bytes = &read_bytes_->WithLabelValues({path});
  f.m_file_bytes = &file_bytes_->WithLabelValues({path});
  f.m_read_lines = &read_lines_->WithLabelValues({path});
  f.opened = true;
  files_active_->Inc();
}

bool Shipper::PumpFile(File& f, int64_t now) {
  if (!f.opened) {
    if (now < f.next_open_ns) return false;
    OpenFile(f, now);
    if (!f.opened) return false;
  }
  auto fn = [&](std::string_view line, size_t readable, int64_t end) { HandleLine(f, line, readable, end); };
  if (f.old) {
    f.active = &f.old_cursor;
    tail::ReadResult r = f.old->Read(kReadChunk, fn);
    if (!f.old->finished() && r == tail::ReadResult::kOk) return true;
    f.retiring = f.old_cursor;
    f.old.reset();
    f.old_cursor.reset();
    if (f.decoder) f.decoder = std::make_unique<tail::DockerJsonDecoder>();
    return true;
  }
  f.active = &f.cursor;
  tail::ReadResult r = f.tailer->Read(kReadChunk, fn);
  f.size = f.tailer->size();
  f.m_file_bytes->Set(static_cast<double>(f.tailer->size()));
  f.m_read_bytes->Set(static_cast<double>(f.tailer->offset()));
  tail::FileEvent ev = f.tailer->TakeEvent();
  if (ev == tail::FileEvent::kRotated || ev == tail::FileEvent::kTruncated) {
    SKALD_LOG(info, ev == tail::FileEvent::kRotated ? "file rotated, following the new file" : "file truncated, reading from the start",
              {{"component", "tailer"}, {"path", f.target.path}});
    f.retiring = f.cursor;
    f.cursor = std::make_shared<tail::AckCursor>(f.target.path, f.tailer->id(), f.tailer->offset(),
                                                 static_cast<int>(clients_.size()));
    if (f.decoder) f.decoder = std::make_unique<tail::DockerJsonDecoder>();
  }
  if (r == tail::ReadResult::kError) {
    SKALD_LOG(error, "reading file failed, reopening", {{"component", "tailer"}, {"path", f.target.path}, {"error", f.tailer->error()}});
    f.opened = false;
    f.next_open_ns = now + kReopenEveryNs;
  }
  return r == tail::ReadResult::kOk;
}

void Shipper::HandleLine(File& f, std::string_view line, size_t readable, int64_t end) {
  int stream = 0;
  int64_t ts;
  std::string_view msg = line;
  if (f.decoder) {
    tail::DockerMessage m;
    auto r = f.decoder->Decode(line, readable, &m);
    if (r.ok() && !*r) return;  // a partial record: its position waits for the joined line
    if (r.ok()) { msg = m.line; ts = m.ts_ns; stream = static_cast<int>(m.stream); }
    else ts = WallNowNs();
  } else {
    ts = WallNowNs();
  }
  ShipMessage(f, stream, msg, ts, end);
}

void Shipper::ShipMessage(File& f, int stream, std::string_view msg, int64_t ts, int64_t end) {
  std::string fixed;
  f.m_read_lines->Inc();
  if (!tail::IsValidUtf8(msg)) { fixed = tail::ReplaceInvalidUtf8(msg); msg = fixed; }
  tail::LimitVerdict v;
  while ((v = limits_.Check(msg.size(), limits_.needs_clock() ? client::MonoNowNs() : 0)) == tail::LimitVerdict::kWait)
    ::usleep(1000);
  if (v == tail::LimitVerdict::kDrop) {
    limited_lines_->WithLabelValues({msg.size() > limits_.max_line_size() && limits_.max_line_size() > 0 ? "line_too_long" : "rate_limited"}).Inc();
    (*f.active)->Processed(end);
    return;
  }
  if (v == tail::LimitVerdict::kTruncate) {
    limited_lines_->WithLabelValues({"truncated"}).Inc();
    msg = tail::TruncateUtf8(msg, limits_.max_line_size());
  }
  File::Out& o = f.out[stream];
  if (!o.ready) {
    const bool from_docker_sd = f.target.key.starts_with("docker/");
    const std::string_view stream_name = tail::DockerStreamName(static_cast<tail::DockerStream>(stream));
    o.labels = f.target.labels;
    if (f.decoder && from_docker_sd) o.labels.Set("__meta_docker_container_log_stream", stream_name);
    const ScrapeHooks& h = hooks_[f.scrape];
    o.keep = h.relabel ? h.relabel(o.labels) : DropReserved(o.labels);
    if (!from_docker_sd) {
      o.labels.Set("filename", f.target.path);
      if (f.decoder) o.labels.Set("stream", stream_name);  // what Promtail's docker stage sets
    }
    o.keys.clear();
    for (auto& c : clients_) o.keys.push_back(c->KeyFor(o.labels));
    o.shared = std::make_shared<const LabelSet>(o.labels);
    f.edit_cache[stream].Clear();  // its keys were made from the previous labels
    f.last_edit[stream] = nullptr;
    o.ready = true;
  }
  if (o.keep) RunHooks(f, stream, msg, ts, end);
  (*f.active)->Processed(end);
}

bool Shipper::FlushPending(File& f) {
  if (!f.opened || !f.decoder || f.old) return false;
  bool any = false;
  for (int s = 0; s < 2; ++s) {
    tail::DockerMessage m;
    if (!f.decoder->TakePending(static_cast<tail::DockerStream>(s), &m)) continue;
    SKALD_LOG(info, "target ended with a line without newline, shipping it",
              {{"component", "tailer"}, {"path", f.target.path}, {"bytes", std::to_string(m.line.size())}});
    final_partials_->Inc();
    f.active = &f.cursor;
    ShipMessage(f, s, m.line, m.ts_ns, f.tailer->offset());
    any = true;
  }
  return any;
}

void Shipper::RunHooks(File& f, int stream, std::string_view msg, int64_t ts, int64_t end) {
  const ScrapeHooks& h = hooks_[f.scrape];
  if (!f.proc_built && h.new_processor) {  // once: a failed build passes lines through
    f.proc = h.new_processor();
    f.proc_built = true;
  }
  struct Ctx { Shipper* self; File* f; int stream; int64_t end; } ctx{this, &f, stream, end};
  EmitFn emit = [c = &ctx](const EditedLabels& l, const EmittedEntry& out) {  // one pointer: no allocation
    c->self->Deliver(*c->f, c->stream, &l, out.line, out.ts_ns, c->end, out.metadata);
  };
  if (f.proc) {
    f.proc->Process(f.out[stream].shared, ts, msg, emit);
  } else if (h.process) {
    LabelSet labels = f.out[stream].labels;
    LogEntry e{ts, std::string(msg), {}};
    h.process(labels, e, emit);
  } else {
    Deliver(f, stream, nullptr, msg, ts, end);
  }
}

void Shipper::TickFile(File& f, int64_t now, bool force) {
  if (!f.proc || !f.active || !*f.active) return;
  struct Ctx { Shipper* self; File* f; int64_t end; } ctx{this, &f, (*f.active)->processed_end()};
  f.proc->Tick(now, force, [c = &ctx](const EditedLabels& l, const EmittedEntry& out) {
    c->self->Deliver(*c->f, 0, &l, out.line, out.ts_ns, c->end, out.metadata);
  });
}

void Shipper::TickProcessors(int64_t now, bool force) {
  for (auto& [_, f] : files_) TickFile(*f, now, force);
}

void Shipper::Deliver(File& f, int stream, const EditedLabels* labels, std::string_view line, int64_t ts,
                      int64_t end, const std::vector<Label>* metadata) {
  const std::shared_ptr<tail::AckCursor>& cur = *f.active;
  cur->Emitted(end);
  const tail::AckRef ack{cur, end};
  const ClientKeys& keys = labels ? KeysFor(f, stream, *labels) : f.out[stream].keys;
  for (size_t i = 0; i < clients_.size(); ++i) clients_[i]->Push(keys[i], ts, line, ack, metadata);
}

const Shipper::ClientKeys& Shipper::KeysFor(File& f, int stream, const EditedLabels& labels) {
  const File::Out& o = f.out[stream];
  const bool own_base = o.ready && labels.base().get() == o.shared.get();
  if (own_base && labels.edit_count() == 0) return o.keys;
  File::Keys*& last = f.last_edit[stream];
  const uint64_t version = own_base ? labels.version() : 0;
  if (own_base && last && version == f.last_version[stream]) return last->keys;
  HashCache<File::Keys>& cache = own_base ? f.edit_cache[stream] : f.key_cache;
  const uint64_t h = own_base ? labels.EditsHash() : FastHash(labels.set());
  if (File::Keys* hit = cache.Find(h);
      hit && (own_base ? labels.EditsEqual(hit->edits()) : hit->labels == labels.set().labels())) {
    if (own_base) last = hit, f.last_version[stream] = version;
    return hit->keys;
  }
  if (!own_base && o.ready && labels.set() == o.labels) return o.keys;
  File::Keys& k = cache.Insert(h);  // a hash collision replaces the older entry
  if (own_base) {
    last = &k;  // the insert may have moved every other entry
    f.last_version[stream] = version;
    labels.PackEdits(&packed_edits_);
    k.SetEdits(packed_edits_);
  } else {
    k.labels = labels.set().labels();
  }
  const LabelSet final_labels = FinalLabels(labels.set());
  k.keys.clear();
  for (auto& c : clients_) k.keys.push_back(c->KeyFor(final_labels));
  return k.keys;
}

void Shipper::CommitPositions() {
  std::lock_guard<std::mutex> l(files_mu_);
  for (auto& [_, f] : files_) {
    if (!f->opened) continue;
    if (f->retiring && f->retiring->Committed() >= f->retiring->processed_end()) f->retiring.reset();
    const auto& c = f->retiring ? f->retiring : (f->old_cursor ? f->old_cursor : f->cursor);
    if (!c) continue;
    const int64_t off = c->Committed();
    f->position = off;
    positions_->Put(f->target.path, {off, c->id()});
  }
}

bool Shipper::ClientsHaveCapacity() const {
  for (const auto& c : clients_) {
    if (!c->HasCapacity()) return false;
  }
  return true;
}

void Shipper::TailLoop() {
  while (!stop_) {
    const int64_t now = client::MonoNowNs();
    if (now - last_rescan_ns_ >= cfg_.target_sync_period_ns) { RescanStatic(); last_rescan_ns_ = now; }
    ApplyTargetUpdates(now);
    bool progress = false, blocked = !ClientsHaveCapacity();
    for (auto it = files_.begin(); !blocked && it != files_.end(); ++it) {
      progress |= PumpFile(*it->second, now);
      blocked = !ClientsHaveCapacity();
    }
    for (auto it = files_.begin(); !blocked && it != files_.end();) {
      File& f = *it->second;
      if (!f.removed || now - f.removed_ns < opts_.removed_grace_ns || PumpFile(f, now)) { ++it; continue; }
      if (f.opened && f.retiring && f.retiring->Committed() < f.retiring->processed_end()) { ++it; continue; }
      if (FlushPending(f)) f.final_flushed = true;
      // The last line of a stopped container is acknowledged before its position is stored and the
      // target dropped, so a collector restart later never ships it twice.
      if (f.final_flushed && f.cursor->Committed() < f.cursor->processed_end()) { ++it; continue; }
      TickFile(f, now, true);  // a removed target's held multiline block is shipped, not lost
      CommitPositions();
      struct stat st;
      if (::stat(f.target.path.c_str(), &st) != 0) positions_->Remove(f.target.path);
      if (f.opened) {
        waiter_->Unwatch(f.target.path);
        files_active_->Dec();
        read_bytes_->Remove({f.target.path});
        file_bytes_->Remove({f.target.path});
        read_lines_->Remove({f.target.path});
      }
      std::lock_guard<std::mutex> l(files_mu_);
      it = files_.erase(it);
    }
    if (now - last_tick_ns_ >= kTickEveryNs) { TickProcessors(now, false); last_tick_ns_ = now; }
    if (now - last_commit_ns_ >= kCommitEveryNs) { CommitPositions(); last_commit_ns_ = now; }
    if (!progress) waiter_->Wait(blocked ? 50 : kTickEveryNs / 1'000'000);
  }
  TickProcessors(client::MonoNowNs(), true);  // shutdown: held blocks go to the draining clients
}

size_t Shipper::active_files() const {
  std::lock_guard<std::mutex> l(files_mu_);
  size_t n = 0;
  for (const auto& [_, f] : files_) n += f->opened ? 1 : 0;
  return n;
}

std::string Shipper::TargetsJson() const {
  std::lock_guard<std::mutex> l(files_mu_);
  std::string out = "[";
  for (const auto& [key, f] : files_) {
    if (out.size() > 1) out += ",";
    out += fmt::format("{{\"key\":{},\"path\":{},\"job\":{},\"ready\":{},\"removed\":{},\"position\":{},\"size\":{},\"labels\":{{",
                       GoQuote(key), GoQuote(f->target.path), GoQuote(cfg_.scrape_configs[f->scrape].job_name),
                       f->opened ? "true" : "false", f->removed ? "true" : "false", f->position.load(), f->size.load());
    bool first = true;
    for (const Label& lb : f->target.labels) {
      out += fmt::format("{}{}:{}", first ? "" : ",", GoQuote(lb.name), GoQuote(lb.value));
      first = false;
    }
    out += "}}";
  }
  return out + "]";
}

void RegisterTargetsHandler(http::Router& server, const Shipper& shipper) {
  server.Get("/targets", [&shipper](const http::Request&, http::Response& res) {
    res.set_content(shipper.TargetsJson(), "application/json");
  });
}

}  // namespace skald
