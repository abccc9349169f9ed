// EditedLabels: edits recorded by name over a shared base; the full set is materialized lazily.
#include "common/label_edits.h"

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
  if (base_ != base) base_ = base;  // a reused entry: no reference-count traffic
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

void EditedLabels::Set(std::string_view name, std::string_view value) {
  size_t i = 0;
  while (i < n_edits_ && !BytesEqual(edits_[i].name, name)) ++i;
  if (i == n_edits_) {
    if (n_edits_ == edits_.size()) {
      // Growing may move the edits' strings, which `name`/`value` may point into (a value read
      // back with Get): keep copies across the move.
      const std::string n(name), v(value);
      edits_.emplace_back();
      edits_[i].name = n;
      edits_[i].value = v;
      ++n_edits_;
      if (set_valid_) set_.Set(n, v);
      return;
    }
    if (!BytesEqual(edits_[i].name, name)) edits_[i].name.assign(name);  // a reused entry: often the same
    ++n_edits_;
  }
  edits_[i].value.assign(value);
  if (set_valid_) set_.Set(name, value);
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
  auto take = [&packed](const std::string& v) {  // the next length-prefixed field equals v
    uint64_t n = 0;
    int shift = 0;
    while (!packed.empty() && shift < 64) {
      const auto b = static_cast<uint8_t>(packed.front());
      packed.remove_prefix(1);
      n |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return n == v.size() && packed.size() >= n && BytesEqual(packed.substr(0, n), v) &&
                           (packed.remove_prefix(n), true);
      shift += 7;
    }
    return false;
  };
  for (size_t i = 0; i < n_edits_; ++i)
    if (!take(edits_[i].name) || !take(edits_[i].value)) return false;
  return packed.empty();
}

}  // namespace skald
