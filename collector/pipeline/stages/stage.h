// The pipeline's unit of work (Entry) and the Stage interface every Promtail stage implements:
// config parsed and validated once at start-up, then Process() per entry on the data path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "collector/pipeline/stages/entry_line.h"
#include "common/bytes_equal.h"
#include "common/label_edits.h"
#include "common/labels.h"
#include "common/status.h"

namespace skald::pipeline {

// Promtail's extracted map: string keys to string values (JSON numbers/bools are kept in their Go
// string form). Promtail seeds it with the entry's labels; here those come from an optional shared
// `base` label set (one per stream, no per-entry copy) overlaid by a flat vector of own values
// (entries carry ~10 keys, where a linear scan beats hashing). Erasing a base key hides it.
class Extracted {
 public:
  const std::string* Get(std::string_view k) const {
    for (size_t i = 0; i < n_; ++i)
      if (BytesEqual(kv_[i].k, k)) return kv_[i].erased ? nullptr : &kv_[i].v;
    if (base_ && (base_keys_ >> KeyBit(k) & 1))
      for (const auto& l : *base_)
        if (BytesEqual(l.name, k)) return &l.value;
    return nullptr;
  }
  void Set(std::string_view k, std::string v) { Slot(k, nullptr).v = std::move(v); }
  // Set with a copy of `v` into the slot's existing buffer (no allocation once warm). `v` may be
  // any string, including one of this map's values.
  void Assign(std::string_view k, std::string_view v) {
    KV& kv = Slot(k, &v);
    if (!BytesEqual(kv.v, v)) kv.v.assign(v);  // a reused slot often holds the value already
  }
  void Erase(std::string_view k) {
    for (size_t i = 0; i < n_; ++i)
      if (BytesEqual(kv_[i].k, k)) {
        kv_[i].erased = true;
        kv_[i].v.clear();
        return;
      }
    if (base_ && base_->Has(k)) {
      KV& kv = Slot(k, nullptr);
      kv.erased = true;
      kv.v.clear();
    }
  }
  void SetBase(std::shared_ptr<const LabelSet> base) {
    base_ = std::move(base);
    base_keys_ = KeyMask(base_.get());
  }
  // Empties the map and seeds it with `base` (no reference-count traffic when the base is the same;
  // the slots keep their strings' capacity for the next entry).
  void Reset(const std::shared_ptr<const LabelSet>& base) {
    n_ = 0;
    if (base_ != base) {
      base_ = base;
      base_keys_ = KeyMask(base_.get());
    }
  }
  // Calls fn(key, value) for every visible key: own values first, then unshadowed base labels.
  template <typename F>
  void ForEach(F&& fn) const {
    for (size_t i = 0; i < n_; ++i)
      if (!kv_[i].erased) fn(kv_[i].k, kv_[i].v);
    if (!base_) return;
    for (const auto& l : *base_) {
      bool shadowed = false;
      for (size_t i = 0; i < n_; ++i) shadowed = shadowed || kv_[i].k == l.name;
      if (!shadowed) fn(l.name, l.value);
    }
  }

 private:
  struct KV {
    std::string k, v;
    bool erased;
  };
  // The slot of key `k` (visible, value untouched), appended when new. `k` and `*keep` may point
  // into the map's own strings: `*keep` is re-pointed to a copy when growing the vector moves them.
  KV& Slot(std::string_view k, std::string_view* keep) {
    for (size_t i = 0; i < n_; ++i)
      if (BytesEqual(kv_[i].k, k)) {
        kv_[i].erased = false;
        return kv_[i];
      }
    if (n_ == kv_.size()) {  // growing moves the strings `k` and `*keep` may point into
      std::string key(k), held = keep ? std::string(*keep) : std::string();
      kv_.emplace_back();
      if (keep) {
        held_ = std::move(held);
        *keep = held_;
      }
      kv_[n_].k = std::move(key);
    } else if (!BytesEqual(kv_[n_].k, k)) {  // a reused slot often held this key for the last entry
      kv_[n_].k.assign(k);
    }
    KV& kv = kv_[n_++];
    kv.erased = false;
    return kv;
  }
  // A one-word filter over names: bit (length, first byte) per name.
  static unsigned KeyBit(std::string_view k) {
    return (static_cast<unsigned>(k.size()) * 7 + (k.empty() ? 0u : static_cast<uint8_t>(k[0]))) & 63;
  }
  static uint64_t KeyMask(const LabelSet* ls) {
    uint64_t m = 0;
    if (ls)
      for (const auto& l : *ls) m |= uint64_t{1} << KeyBit(l.name);
    return m;
  }
  std::vector<KV> kv_;  // the first n_ are live; the rest keep their capacity
  size_t n_ = 0;
  std::string held_;  // Assign's value across a growth of kv_
  std::shared_ptr<const LabelSet> base_;
  uint64_t base_keys_ = 0;  // KeyBit of every base label name: most missing keys skip the scan
};

// One log entry travelling through the stages. `dropped` ends its journey; `drop_reason` names why
// (Promtail's `reason` label on logentry_dropped_lines_total).
struct Entry {
  EditedLabels labels;  // the stream's labels plus what stages set or removed
  Extracted extracted;
  int64_t ts_ns = 0;
  EntryLine line;  // borrowed from the caller by Reset, owned once a stage changes it
  std::vector<Label> metadata;  // structured metadata
  bool dropped = false;
  std::string drop_reason;

  // Starts over with a line of the stream `stream_labels` (which also seed the extracted map, as
  // in Promtail); strings and vectors keep their capacity, so a reused Entry allocates little.
  // `text` is borrowed: the caller keeps it alive while the entry is in use (line.Own() copies it).
  void Reset(const std::shared_ptr<const LabelSet>& stream_labels, int64_t ts, std::string_view text) {
    labels.Reset(stream_labels);
    extracted.Reset(stream_labels);
    ts_ns = ts;
    line.Borrow(text);
    metadata.clear();
    dropped = false;
    drop_reason.clear();
  }
};

// What a stage with an optional `source` reads: the line, or that extracted value (nullopt when the
// key is absent: the stage then does nothing). The view lives until the line or that key changes.
inline std::optional<std::string_view> SourceText(const Entry& e, const std::optional<std::string>& source) {
  if (!source) return e.line.view();
  if (const std::string* v = e.extracted.Get(*source)) return std::string_view(*v);
  return std::nullopt;
}

// The label Promtail reserves for the tenant a client pushes to (set by the `tenant` stage).
inline constexpr std::string_view kTenantLabel = "__tenant_id__";

class CustomMetrics;
class LiteralRegex;
class Stage;
using StagePtr = std::unique_ptr<Stage>;

// A set of extracted-map keys (for the chain's liveness pass, see Stage::ReadsExtracted).
using KeySet = std::set<std::string, std::less<>>;

// What a stage may use when it is built: the config file (for file:line errors), the job name,
// the registry for the `metrics` stage (may be null: metrics stages then keep private counters).
struct StageContext {
  std::string file;
  std::string job_name;
  std::shared_ptr<CustomMetrics> metrics;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view Name() const = 0;
  // Mutates the entry in place; sets e.dropped to end it.
  virtual void Process(Entry& e) = 0;
  // Stages that hold entries back (multiline) override Buffers/Push/Flush.
  virtual bool Buffers() const { return false; }
  virtual void Push(Entry&& e, std::vector<Entry>& out) {
    Process(e);
    if (!e.dropped) out.push_back(std::move(e));
  }
  // Emits held entries that are due at `now_ns` (all of them when `force`).
  virtual void Flush(int64_t /*now_ns*/, bool /*force*/, std::vector<Entry>& /*out*/) {}

  // Extracted keys this stage may read; nullopt (the safe default) means any key.
  virtual std::optional<KeySet> ReadsExtracted() const { return std::nullopt; }
  // Told once, after the chain is built, which extracted keys a later stage may read (nullopt:
  // any). A stage may then skip work whose only effect is on keys nobody reads.
  virtual void SetLiveAfter(const std::optional<KeySet>& /*live*/) {}

  // Fusion of neighbours (StageChain::Build). A stage whose whole effect is "when `scan` finds a
  // match in the line, extracted `*key` = the match" returns that scan (owned by the stage).
  virtual const LiteralRegex* LineScan(std::string_view* /*key*/) const { return nullptr; }
  // A stage that can run the stage before it as part of itself takes it (true) or leaves it.
  virtual bool Absorb(StagePtr& /*prev*/) { return false; }
};

}  // namespace skald::pipeline
