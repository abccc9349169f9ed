// `timestamp` stage: sets the entry time from an extracted value with a Go layout (or Unix/UnixMs/
// UnixUs/UnixNs), fallback_formats, location; on failure `fudge` (last good time of the stream + 1ns,
// Promtail's default) or `skip`.
#include <chrono>
#include <charconv>
#include <list>
#include <unordered_map>

#include "collector/pipeline/stages/config.h"
#include "collector/pipeline/stages/factories.h"
#include "common/gotime/gotime.h"
#include "common/logger.h"

namespace skald::pipeline {
namespace {

constexpr int64_t kSec = 1000000000LL;

// v * unit + add, saturated to int64 (Go's arithmetic wraps there; C++'s would be undefined).
int64_t Scaled(int64_t v, int64_t unit, int64_t add = 0) {
  int64_t r = 0;
  if (__builtin_mul_overflow(v, unit, &r) || __builtin_add_overflow(r, add, &r)) return v < 0 ? INT64_MIN : INT64_MAX;
  return r;
}

bool ParseInt(std::string_view s, int64_t* v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), *v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size() && !s.empty();
}

// One way of turning a string into a time (Promtail's convertDateLayout).
class TimeFormat {
 public:
  TimeFormat(std::string fmt, gotime::LocationPtr loc) : fmt_(std::move(fmt)), loc_(std::move(loc)) {
    if (auto named = gotime::NamedLayout(fmt_)) layout_ = std::string(*named), named_ = true;
    else layout_ = fmt_;
    no_year_ = !named_ && layout_.find("06") == std::string::npos;
  }

  bool Parse(const std::string& v, int64_t* ns) const {
    int64_t i = 0;
    if (fmt_ == "Unix") return ParseUnix(v, ns);
    if (fmt_ == "UnixMs") return ParseInt(v, &i) && (*ns = Scaled(i, 1000000), true);
    if (fmt_ == "UnixUs") return ParseInt(v, &i) && (*ns = Scaled(i, 1000), true);
    if (fmt_ == "UnixNs") return ParseInt(v, &i) && (*ns = i, true);
    auto t = gotime::Parse(layout_, v, named_ ? nullptr : loc_);
    if (!t.ok()) return false;
    if (!no_year_) {
      *ns = t->unix_ns();
      return true;
    }
    if (t->year != 0) return false;  // "timestamp is expected to not contain the year"
    *ns = WithCurrentYear(*t);
    return true;
  }

 private:
  static bool ParseUnix(const std::string& v, int64_t* ns) {
    size_t dot = v.find('.');
    int64_t sec = 0, frac = 0;
    if (dot == std::string::npos || v.find('.', dot + 1) != std::string::npos) {
      return ParseInt(v, &sec) && (*ns = Scaled(sec, kSec), true);
    }
    std::string_view fs = std::string_view(v).substr(dot + 1);
    if (!ParseInt(std::string_view(v).substr(0, dot), &sec) || !ParseInt(fs, &frac)) return false;
    for (size_t k = fs.size(); k < 9; ++k) frac *= 10;
    for (size_t k = 9; k < fs.size(); ++k) frac /= 10;
    *ns = Scaled(sec, kSec, frac);
    return true;
  }

  // Promtail's parseTimestampWithoutYear: this year, or the neighbour year across new year's eve.
  int64_t WithCurrentYear(const gotime::ParsedTime& t) const {
    int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count();
    int64_t ny, py;
    int nm, nd, pm, pd;
    gotime::CivilFromDays((now_s + t.offset) / 86400, &ny, &nm, &nd);
    int64_t local = t.unix_sec + t.offset;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int64_t rem = local - days * 86400;
    gotime::CivilFromDays(days, &py, &pm, &pd);
    int64_t year = ny;
    if (pm == 12 && nm == 1) year = ny - 1;
    else if (pm == 1 && nm == 12) year = ny + 1;
    int64_t sec = gotime::DaysFromCivil(year, pm, pd) * 86400 + rem - t.offset;
    return sec * kSec + t.nsec;
  }

  std::string fmt_, layout_;
  bool named_ = false, no_year_ = false;
  gotime::LocationPtr loc_;
};

class TimestampStage : public Stage {
 public:
  std::string_view Name() const override { return "timestamp"; }
  std::optional<KeySet> ReadsExtracted() const override { return KeySet{source_}; }
  void Process(Entry& e) override {
    const std::string* v = e.extracted.Get(source_);
    int64_t ns = 0;
    bool ok = false;
    if (v)
      for (const auto& f : formats_)
        if ((ok = f.Parse(*v, &ns))) break;
    if (!ok) {
      SKALD_LOG(debug, v ? "failed to parse time" : "extracted data did not contain a timestamp",
                {{"component", "stage"}, {"type", "timestamp"}, {"source", source_}});
      if (fudge_) Fudge(e);
      return;
    }
    e.ts_ns = ns;
    if (fudge_) Remember(StreamHash(e.labels), ns);
  }

  std::string source_;
  std::vector<TimeFormat> formats_;
  bool fudge_ = true;

 private:
  void Fudge(Entry& e) {
    if (last_.empty()) return;
    auto it = last_.find(StreamHash(e.labels));
    if (it == last_.end()) return;
    if (it->second.first != INT64_MAX) it->second.first += 1;
    e.ts_ns = it->second.first;
  }
  // Last good timestamp per label set; an LRU of Promtail's size (10000 streams).
  void Remember(uint64_t key, int64_t ns) {
    auto it = last_.find(key);
    if (it != last_.end()) {
      it->second.first = ns;
      order_.splice(order_.begin(), order_, it->second.second);
      return;
    }
    order_.push_front(key);
    last_.emplace(key, std::make_pair(ns, order_.begin()));
    if (last_.size() > 10000) {
      last_.erase(order_.back());
      order_.pop_back();
    }
  }
  // The label set's identity for the LRU (Promtail keys it by the labels' text): a sum of per-label
  // hashes, so equal sets hash equal whatever base and edits they came from. The base's part is
  // computed once per base (held, so its address cannot be reused); each edit swaps its label in.
  uint64_t StreamHash(const EditedLabels& l) {
    if (l.base() != base_) {
      base_ = l.base();
      base_hash_ = 0;
      if (base_)
        for (const Label& b : *base_) base_hash_ += LabelHash(b.name, b.value);
    }
    uint64_t h = base_hash_;
    for (const Label* e = l.edits_begin(); e != l.edits_end(); ++e) {
      if (base_)
        if (auto old = base_->Get(e->name)) h -= LabelHash(e->name, *old);
      if (!e->value.empty()) h += LabelHash(e->name, e->value);
    }
    return h;
  }
  static uint64_t LabelHash(std::string_view name, std::string_view value) {
    uint64_t a = std::hash<std::string_view>()(name), b = std::hash<std::string_view>()(value);
    a ^= (b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2));
    a *= 0xBF58476D1CE4E5B9ULL;
    return a ^ (a >> 31);
  }
  std::list<uint64_t> order_;
  std::unordered_map<uint64_t, std::pair<int64_t, std::list<uint64_t>::iterator>> last_;
  std::shared_ptr<const LabelSet> base_;  // the base StreamHash last saw, and its hash
  uint64_t base_hash_ = 0;
};

}  // namespace

Result<StagePtr> NewTimestampStage(const YAML::Node& cfg, const StageContext& ctx) {
  ConfigReader r(cfg, "timestamp", ctx);
  r.Only({"source", "format", "fallback_formats", "location", "action_on_failure"});
  auto st = std::make_unique<TimestampStage>();
  st->source_ = r.String("source", "");
  std::string format = r.String("format", "");
  auto fallbacks = r.StringList("fallback_formats");
  std::string location = r.String("location", "");
  std::string action = r.String("action_on_failure", "fudge");
  if (r.ok() && st->source_.empty()) r.Fail("source", "source is required");
  if (r.ok() && format.empty()) r.Fail("format", "format is required");
  gotime::LocationPtr loc;
  if (r.ok() && !location.empty()) {
    auto l = gotime::Location::Load(location);
    if (!l.ok()) r.Fail("location", "failed to load location: " + l.status().message());
    else loc = *l;
  }
  if (r.ok() && action != "fudge" && action != "skip")
    r.Fail("action_on_failure", "invalid action on failure (supported values are fudge, skip): " + action);
  st->fudge_ = action == "fudge";
  st->formats_.emplace_back(format, loc);
  for (const auto& f : fallbacks) st->formats_.emplace_back(f, loc);
  SKALD_RETURN_IF_ERROR(r.Done());
  return StagePtr(std::move(st));
}

}  // namespace skald::pipeline
