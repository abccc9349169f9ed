// TZif (RFC 8536) reader: the version-2 64-bit block of a zoneinfo file; times after the last
// transition keep the last zone (the POSIX TZ footer is not interpreted).
#include "common/gotime/location.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace skald::gotime {
namespace {

int64_t BigEndian(std::string_view d, size_t pos, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(d[pos + i]);
  if (n == 4) return static_cast<int32_t>(static_cast<uint32_t>(v));
  return static_cast<int64_t>(v);
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

struct Counts {
  int64_t isut, isstd, leap, time, type, chars;
};

Counts ReadCounts(std::string_view d, size_t pos) {
  return {BigEndian(d, pos + 20, 4), BigEndian(d, pos + 24, 4), BigEndian(d, pos + 28, 4),
          BigEndian(d, pos + 32, 4), BigEndian(d, pos + 36, 4), BigEndian(d, pos + 40, 4)};
}

}  // namespace

std::shared_ptr<const Location> Location::UTC() {
  static const auto utc = Fixed("UTC", 0);
  return utc;
}

std::shared_ptr<const Location> Location::Fixed(std::string name, int offset) {
  auto l = std::make_shared<Location>();
  l->name_ = name;
  l->types_.push_back({offset, false, std::move(name)});
  return l;
}

Result<std::shared_ptr<const Location>> Location::Load(const std::string& name) {
  if (name.empty() || name == "UTC") return UTC();
  std::string data, path;
  if (name == "Local") {
    const char* tz = std::getenv("TZ");
    if (tz && *tz) return Load(*tz == ':' ? tz + 1 : tz);
    if (!ReadFile("/etc/localtime", &data)) return UTC();
    return FromTZif("Local", data);
  }
  if (name.find("..") != std::string::npos || name[0] == '/' || name[0] == '\\')
    return Status::Invalid("unknown time zone " + name);
  const char* zi = std::getenv("ZONEINFO");
  std::string dir = zi && *zi ? zi : "/usr/share/zoneinfo";
  if (!ReadFile(dir + "/" + name, &data)) return Status::Invalid("unknown time zone " + name);
  return FromTZif(name, data);
}

Result<std::shared_ptr<const Location>> Location::FromTZif(std::string name, std::string_view d) {
  auto bad = Status::Invalid("unknown time zone " + name + ": malformed time zone information");
  if (d.size() < 44 || d.substr(0, 4) != "TZif") return bad;
  Counts c = ReadCounts(d, 0);
  size_t pos = 44;
  int tsize = 4;
  if (d[4] >= '2') {  // skip the v1 block, use the 64-bit one
    pos += c.time * 4 + c.time + c.type * 6 + c.chars + c.leap * 8 + c.isstd + c.isut;
    if (d.size() < pos + 44 || d.substr(pos, 4) != "TZif") return bad;
    c = ReadCounts(d, pos);
    pos += 44;
    tsize = 8;
  }
  size_t need = pos + c.time * tsize + c.time + c.type * 6 + c.chars;
  if (d.size() < need || c.type == 0) return bad;
  auto l = std::make_shared<Location>();
  l->name_ = std::move(name);
  for (int64_t i = 0; i < c.time; ++i) l->trans_.push_back(BigEndian(d, pos + i * tsize, tsize));
  pos += c.time * tsize;
  for (int64_t i = 0; i < c.time; ++i) l->idx_.push_back(static_cast<uint8_t>(d[pos + i]));
  pos += c.time;
  size_t chars = pos + c.type * 6;
  for (int64_t i = 0; i < c.type; ++i) {
    size_t p = pos + i * 6;
    size_t ai = static_cast<unsigned char>(d[p + 5]);
    std::string abbr;
    for (size_t k = chars + ai; k < chars + c.chars && d[k] != 0; ++k) abbr += d[k];
    l->types_.push_back({static_cast<int>(BigEndian(d, p, 4)), d[p + 4] != 0, abbr});
  }
  for (uint8_t i : l->idx_)
    if (i >= l->types_.size()) return bad;
  return std::shared_ptr<const Location>(l);
}

ZoneInfo Location::Lookup(int64_t t) const {
  if (trans_.empty() || t < trans_[0]) {
    // Go: before the first transition use the first non-DST type.
    size_t i = 0;
    while (i < types_.size() && types_[i].dst) ++i;
    if (i == types_.size()) i = 0;
    ZoneInfo z{types_[i].offset, types_[i].abbr, INT64_MIN, trans_.empty() ? INT64_MAX : trans_[0]};
    return z;
  }
  size_t k = std::upper_bound(trans_.begin(), trans_.end(), t) - trans_.begin() - 1;
  const Type& ty = types_[idx_[k]];
  return {ty.offset, ty.abbr, trans_[k], k + 1 < trans_.size() ? trans_[k + 1] : INT64_MAX};
}

bool Location::LookupName(std::string_view abbr, int64_t t, int* offset) const {
  for (const Type& ty : types_) {  // first, a zone with this name in effect at t
    if (ty.abbr != abbr) continue;
    ZoneInfo z = Lookup(t - ty.offset);
    if (z.abbr == abbr) {
      *offset = z.offset;
      return true;
    }
  }
  for (const Type& ty : types_) {  // otherwise any zone with this name
    if (ty.abbr == abbr) {
      *offset = ty.offset;
      return true;
    }
  }
  return false;
}

}  // namespace skald::gotime
