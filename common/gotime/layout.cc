// Go's layout tokenizer (time.nextStdChunk) re-expressed: scans for the reference-time elements.
#include "common/gotime/layout.h"

namespace skald::gotime::internal {
namespace {

bool StartsWith(std::string_view s, size_t i, std::string_view p) { return s.substr(i, p.size()) == p; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigitAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

Chunk Make(std::string_view l, size_t i, Std std, size_t len) {
  return {l.substr(0, i), std, l.substr(i + len)};
}

// Chunks introduced by '-' or 'Z' (zone offsets).
bool ZoneChunk(std::string_view l, size_t i, Chunk* out) {
  struct Z {
    std::string_view text;
    Std std;
  };
  static constexpr Z kDash[] = {{"-07:00:00", Std::kNumColonSecondsTZ}, {"-070000", Std::kNumSecondsTz},
                                {"-07:00", Std::kNumColonTZ}, {"-0700", Std::kNumTZ},
                                {"-07", Std::kNumShortTZ}};
  static constexpr Z kZ[] = {{"Z07:00:00", Std::kISO8601ColonSecondsTZ}, {"Z070000", Std::kISO8601SecondsTZ},
                             {"Z07:00", Std::kISO8601ColonTZ}, {"Z0700", Std::kISO8601TZ},
                             {"Z07", Std::kISO8601ShortTZ}};
  const auto& table = l[i] == '-' ? kDash : kZ;
  for (const Z& z : table) {
    if (StartsWith(l, i, z.text)) {
      *out = Make(l, i, z.std, z.text.size());
      return true;
    }
  }
  return false;
}

bool ChunkAt(std::string_view l, size_t i, Chunk* out) {
  auto at = [&](std::string_view p) { return StartsWith(l, i, p); };
  switch (l[i]) {
    case 'J':
      if (at("January")) return *out = Make(l, i, Std::kLongMonth, 7), true;
      if (at("Jan") && !(i + 3 < l.size() && IsLower(l[i + 3]))) return *out = Make(l, i, Std::kMonth, 3), true;
      return false;
    case 'M':
      if (at("Monday")) return *out = Make(l, i, Std::kLongWeekDay, 6), true;
      if (at("Mon") && !(i + 3 < l.size() && IsLower(l[i + 3]))) return *out = Make(l, i, Std::kWeekDay, 3), true;
      if (at("MST")) return *out = Make(l, i, Std::kTZ, 3), true;
      return false;
    case '0':
      if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
        static constexpr Std k[] = {Std::kZeroMonth, Std::kZeroDay, Std::kZeroHour12,
                                    Std::kZeroMinute, Std::kZeroSecond, Std::kYear};
        return *out = Make(l, i, k[l[i + 1] - '1'], 2), true;
      }
      if (at("002")) return *out = Make(l, i, Std::kZeroYearDay, 3), true;
      return false;
    case '1':
      if (at("15")) return *out = Make(l, i, Std::kHour, 2), true;
      return *out = Make(l, i, Std::kNumMonth, 1), true;
    case '2':
      if (at("2006")) return *out = Make(l, i, Std::kLongYear, 4), true;
      return *out = Make(l, i, Std::kDay, 1), true;
    case '_':
      if (at("_2")) {
        if (at("_2006")) return *out = Make(l, i + 1, Std::kLongYear, 4), true;  // "_" is literal
        return *out = Make(l, i, Std::kUnderDay, 2), true;
      }
      if (at("__2")) return *out = Make(l, i, Std::kUnderYearDay, 3), true;
      return false;
    case '3': return *out = Make(l, i, Std::kHour12, 1), true;
    case '4': return *out = Make(l, i, Std::kMinute, 1), true;
    case '5': return *out = Make(l, i, Std::kSecond, 1), true;
    case 'P':
      if (at("PM")) return *out = Make(l, i, Std::kPM, 2), true;
      return false;
    case 'p':
      if (at("pm")) return *out = Make(l, i, Std::kpm, 2), true;
      return false;
    case '-':
    case 'Z':
      return ZoneChunk(l, i, out);
    case '.':
    case ',':
      if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
        char ch = l[i + 1];
        size_t j = i + 1;
        while (j < l.size() && l[j] == ch) ++j;
        if (!IsDigitAt(l, j)) {
          *out = Make(l, i, ch == '0' ? Std::kFracSecond0 : Std::kFracSecond9, j - i);
          out->frac_digits = static_cast<int>(j - (i + 1));
          out->frac_sep = l[i];
          return true;
        }
      }
      return false;
    default:
      return false;
  }
}

}  // namespace

Chunk NextChunk(std::string_view layout) {
  for (size_t i = 0; i < layout.size(); ++i) {
    Chunk c;
    if (ChunkAt(layout, i, &c)) return c;
  }
  return {layout, Std::kNone, {}};
}

}  // namespace skald::gotime::internal
