// EditedLabels: edits recorded by name over a shared base; the full set is materialized lazily.
#include "common/label_edits.h"

#include <atomic>
#include <cstring>

#include "common/bytes_equal.h"

namespace skald {

namespace {
// Up to 16 bytes of `v` folded into one word without partial stores (a memcpy of a variable length
// into a word stalls on the reload): the first and last 8 (or 4, or 1..3) bytes, which cover every
// byte of a short value.
uint64_t EdgeBytes(const std::string& v) {
  const char* p = v.data();
  const size_t n = v.size();
  uint64_t a, b;
  if (n >= 8) {
    std::memcpy(&a, p, 8);
    std::memcpy(&b, p + n - 8, 8);
    return a ^ (b * 0xC2B2AE3D27D4EB4FULL);
  }
  if (n >= 4) {
    uint32_t x, y;
    std::memcpy(&x, p, 4);
    std::memcpy(&y, p + n - 4, 4);
    return (static_cast<uint64_t>(x) << 32) | y;
  }
  if (n == 0) return 0;
  a = static_cast<uint8_t>(p[0]);
  b = static_cast<uint8_t>(p[n / 2]);
  return a << 16 | b << 8 | static_cast<uint8_t>(p[n - 1]);
}
}  // namespace

EditedLabels& EditedLabels::operator=(LabelSet labels) {
  Reset(std::make_shared<const LabelSet>(std::move(labels)));
  return *this;
}

void EditedLabels::Reset(const std::shared_ptr<const LabelSet>& base) {
  if (base_ != base) {  // a reused entry mostly keeps its base: no reference-count traffic
    base_ = base;
    changed_ = true;
  }
  n_edits_ = 0;
  set_valid_ = false;
}

std::optional<std::string_view> EditedLabels::Get(std::string_view name) const {
  for (size_t i = 0; i < n_edits_; ++i) {
    if (BytesEqual(edits_[i].name, name)) {
      if (edits_[i].value.empty()) return std::nullopt;
      return std::string_view(edits_[i].value);
    }
  }
  return base_ ? base_->Get(name) : std::nullopt;
}

void EditedLabels::SetSlow(std::string_view name, std::string_view value) {
  size_t i = 0;
  while (i < n_edits_ && !BytesEqual(edits_[i].name, name)) ++i;
  if (i == n_edits_) {
    if (n_edits_ == edits_.size()) {
      // Growing may move the edits' strings, which `name`/`value` may point into (a value read
      // back with Get): keep copies across the move. (A new slot makes the count differ from the
      // snapshot's, which version() checks.)
      const std::string n(name), v(value);
      edits_.emplace_back();
      edits_[i].name = n;
      edits_[i].value = v;
      ++n_edits_;
      if (set_valid_) set_.Set(n, v);
      return;
    }
    // A reused slot often holds this very edit from the line before: nothing to copy then. (A slot
    // beyond the snapshot's makes the count differ, which version() checks.)
    if (!BytesEqual(edits_[i].name, name)) {
      edits_[i].name.assign(name);
      changed_ = true;
    }
    ++n_edits_;
  }
  if (!BytesEqual(edits_[i].value, value)) {
    edits_[i].value.assign(value);
    changed_ = true;
  }
  if (set_valid_) set_.Set(name, value);
}

namespace {
// Process-unique ids without a shared counter per call: a thread takes a block of 2^40 ids at a
// time (2^24 blocks, 2^64 ids: ~500,000 years at a million changes a second).
std::atomic<uint64_t> next_id_block{1};
uint64_t NextVersion() {
  constexpr uint64_t kBlock = uint64_t{1} << 40;
  thread_local uint64_t next = 0, end = 0;
  if (next == end) {
    next = next_id_block.fetch_add(1, std::memory_order_relaxed) * kBlock;
    end = next + kBlock;
  }
  return next++;
}
}  // namespace

uint64_t EditedLabels::version() const {
  if (changed_ || n_edits_ != snap_n_ || version_ == 0) {
    version_ = NextVersion();
    snap_n_ = n_edits_;
    changed_ = false;
  }
  return version_;
}

const LabelSet& EditedLabels::set() const {
  if (set_valid_) return set_;
  if (base_) set_ = *base_;
  else set_ = LabelSet();
  for (size_t i = 0; i < n_edits_; ++i) set_.Set(edits_[i].name, edits_[i].value);
  set_valid_ = true;
  return set_;
}


uint64_t EditedLabels::EditsHash() const {
  // Lengths plus the edge bytes of each name and value: edits are short, and a cache keyed by this
  // compares the edits in full on a hit, so a weak hash only costs a miss.
  uint64_t h = n_edits_;
  for (size_t i = 0; i < n_edits_; ++i) {
    const Label& e = edits_[i];
    h = (h ^ (e.name.size() << 32 | e.value.size())) * 0x9E3779B97F4A7C15ULL;
    h = (h ^ EdgeBytes(e.name)) * 0x9E3779B97F4A7C15ULL;
    h = (h ^ EdgeBytes(e.value)) * 0x9E3779B97F4A7C15ULL;
  }
  return h ^ (h >> 29);
}

void EditedLabels::PackEdits(std::string* out) const {
  out->clear();
  auto put = [out](const std::string& v) {  // length (varint) then bytes: unambiguous
    for (size_t n = v.size(); ; n >>= 7) {
      out->push_back(static_cast<char>(n >= 0x80 ? (n & 0x7f) | 0x80 : n));
      if (n < 0x80) break;
    }
    out->append(v);
  };
  for (size_t i = 0; i < n_edits_; ++i) {
    put(edits_[i].name);
    put(edits_[i].value);
  }
}

bool EditedLabels::EditsEqual(std::string_view packed) const {
  const char* p = packed.data();
  const char* const end = p + packed.size();
  // The next field of `packed` equals v: one length byte for short fields (the common case).
  auto take = [&p, end](const std::string& v) {
    if (p == end) return false;
    uint64_t n = static_cast<uint8_t>(*p++);
    if (n >= 0x80) {  // a longer length: the rest of its varint
      n &= 0x7f;
      for (int shift = 7;; shift += 7) {
        if (p == end || shift >= 64) return false;
        const auto b = static_cast<uint8_t>(*p++);
        n |= static_cast<uint64_t>(b & 0x7f) << shift;
        if (b < 0x80) break;
      }
    }
    if (n != v.size() || static_cast<uint64_t>(end - p) < n || !BytesEqual(std::string_view(p, n), v)) return false;
    p += n;
    return true;
  };
  for (size_t i = 0; i < n_edits_; ++i)
    if (!take(edits_[i].name) || !take(edits_[i].value)) return false;
  return p == end;
}

}  // namespace skald
