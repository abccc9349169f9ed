// Loki's validation message texts (formatting only).
#include "store/ingest/validation_messages.h"

#include "common/time_util.h"

namespace skald::ingest {

namespace {
std::string S(std::string_view v) { return std::string(v); }
std::string N(int64_t v) { return std::to_string(v); }
}  // namespace

std::string TooOldMsg(std::string_view stream, int64_t ts, int64_t oldest) {
  return "entry for stream '" + S(stream) + "' has timestamp too old: " + FormatRFC3339(ts) +
         ", oldest acceptable timestamp is: " + FormatRFC3339(oldest);
}
std::string TooNewMsg(std::string_view stream, int64_t ts) {
  return "entry for stream '" + S(stream) + "' has timestamp too new: " + FormatRFC3339(ts);
}
std::string LineTooLongMsg(int64_t max, std::string_view stream, int64_t len) {
  return "Max entry size '" + N(max) + "' bytes exceeded for stream '" + S(stream) +
         "' while adding an entry with length '" + N(len) + "' bytes";
}
std::string TooManyLabelsMsg(std::string_view stream, int64_t n, int64_t limit) {
  return "entry for stream '" + S(stream) + "' has " + N(n) + " label names; limit " + N(limit);
}
std::string LabelNameTooLongMsg(std::string_view stream, std::string_view name) {
  return "stream '" + S(stream) + "' has label name too long: '" + S(name) + "'";
}
std::string LabelValueTooLongMsg(std::string_view stream, std::string_view value) {
  return "stream '" + S(stream) + "' has label value too long: '" + S(value) + "'";
}
std::string DuplicateLabelMsg(std::string_view stream, std::string_view name) {
  return "stream '" + S(stream) + "' has duplicate label name: '" + S(name) + "'";
}
std::string DisallowedMetadataMsg(std::string_view stream) {
  return "stream '" + S(stream) +
         "' includes structured metadata, but this feature is disallowed. Please see "
         "`limits_config.allow_structured_metadata` or contact your Loki administrator to enable it.";
}
std::string MetadataTooLargeMsg(std::string_view stream, int64_t size, int64_t limit) {
  return "stream '" + S(stream) + "' has structured metadata too large: '" + N(size) + "' bytes, limit: '" +
         N(limit) +
         "' bytes. Please see `limits_config.max_structured_metadata_size` or contact your Loki "
         "administrator to increase it.";
}
std::string MetadataTooManyMsg(std::string_view stream, int64_t n, int64_t limit) {
  return "stream '" + S(stream) + "' has too many structured metadata labels: '" + N(n) + "', limit: '" +
         N(limit) +
         "'. Please see `limits_config.max_structured_metadata_entries_count` or contact your Loki "
         "administrator to increase it.";
}
std::string RateLimitedMsg(std::string_view tenant, int64_t limit, int64_t lines, int64_t bytes) {
  return "Ingestion rate limit exceeded for user " + S(tenant) + " (limit: " + N(limit) +
         " bytes/sec) while attempting to ingest '" + N(lines) + "' lines totaling '" + N(bytes) +
         "' bytes, reduce log volume or contact your Loki administrator to see if the limit can be increased";
}
std::string StreamLimitMsg(std::string_view stream, std::string_view tenant) {
  return "Maximum active stream limit exceeded when trying to create stream " + S(stream) +
         ", reduce the number of active streams (reduce labels or reduce label values), or contact your "
         "Loki administrator to see if the limit can be increased, user: '" + S(tenant) + "'";
}
std::string StreamRateLimitMsg(int64_t limit_bytes, std::string_view stream, int64_t bytes) {
  return "Per stream rate limit exceeded (limit: " + ByteSizeString(limit_bytes) +
         "/sec) while attempting to ingest for stream '" + S(stream) + "' totaling " + ByteSizeString(bytes) +
         ", consider splitting a stream via additional labels or contact your Loki administrator to see if "
         "the limit can be increased";
}

std::string IgnoredEntriesMsg(const std::vector<std::pair<int64_t, std::string>>& failed, size_t max_listed,
                              std::string_view tenant, size_t total, std::string_view stream) {
  std::string out;
  for (size_t i = 0; i < failed.size() && (max_listed == 0 || i < max_listed); ++i)
    out += "entry with timestamp " + FormatGoTime(failed[i].first) + " ignored, reason: '" + failed[i].second +
           "',\n";
  out += "user '" + S(tenant) + "', total ignored: " + N(static_cast<int64_t>(failed.size())) + " out of " +
         N(static_cast<int64_t>(total)) + " for stream: " + S(stream);
  return out;
}

std::string ByteSizeString(int64_t b) {
  static const char* kUnits[] = {"EB", "PB", "TB", "GB", "MB", "KB"};
  if (b == 0) return "0B";
  for (int i = 0; i < 6; ++i) {
    int64_t unit = int64_t{1} << (10 * (6 - i));
    if (b % unit == 0) return N(b / unit) + kUnits[i];
  }
  return N(b) + "B";
}

}  // namespace skald::ingest
