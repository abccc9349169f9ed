// FUZZ_LINK: skald_store_backup
// libFuzzer target for the export/import JSON-lines record parser (`skald-store import` input): any
// line must parse or fail with a Status, and a parsed entry must survive an export round trip.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/backup/export_line.h"

using namespace skald::backup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ExportLineParser parser;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  ExportEntry e;
  if (!parser.Parse(in, &e).ok()) return 0;
  std::string again;
  AppendExportLine(e.labels, e.ts_ns, e.line, &e.metadata, &e.parsed, &again);
  if (again.empty() || again.back() != '\n') std::abort();
  again.pop_back();
  ExportEntry r;
  if (!parser.Parse(again, &r).ok()) std::abort();
  if (r.labels != e.labels || r.ts_ns != e.ts_ns || r.line != e.line || r.metadata != e.metadata ||
      r.parsed != e.parsed)
    std::abort();
  return 0;
}
