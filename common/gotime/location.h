// Location: a time zone loaded from the system's TZif database (/usr/share/zoneinfo), as Go's
// time.LoadLocation does; used by Go-layout parsing/formatting and Promtail's timestamp `location`.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace skald::gotime {

struct ZoneInfo {
  int offset = 0;        // seconds east of UTC
  std::string abbr;      // "UTC", "EST", ...
  int64_t start = INT64_MIN, end = INT64_MAX;  // validity [start, end) in unix seconds
};

class Location {
 public:
  // "UTC" or "" is UTC; "Local" uses $TZ or /etc/localtime; other names are files under
  // $ZONEINFO or /usr/share/zoneinfo. Error like Go's `unknown time zone X`.
  static Result<std::shared_ptr<const Location>> Load(const std::string& name);
  static std::shared_ptr<const Location> UTC();
  static std::shared_ptr<const Location> Fixed(std::string name, int offset);

  // The zone in effect at unix second `t`.
  ZoneInfo Lookup(int64_t t) const;
  // Offset of a zone named `abbr` in effect around unix second `t` (Go's lookupName).
  bool LookupName(std::string_view abbr, int64_t t, int* offset) const;
  const std::string& name() const { return name_; }

 private:
  struct Type {
    int offset;
    bool dst;
    std::string abbr;
  };
  static Result<std::shared_ptr<const Location>> FromTZif(std::string name, std::string_view data);
  std::string name_;
  std::vector<Type> types_;
  std::vector<int64_t> trans_;
  std::vector<uint8_t> idx_;
};

using LocationPtr = std::shared_ptr<const Location>;

}  // namespace skald::gotime
