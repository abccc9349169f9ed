// Client side of export and import: download /skald/api/v1/export into a file (JSON lines or an
// LZ4 frame), and push such a file back through /loki/api/v1/push in bounded batches.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "store/backup/tool_client.h"

namespace skald::backup {

struct ExportRequest {
  std::string server = "http://127.0.0.1:3100";
  std::string tenant;            // X-Scope-OrgID; empty = none
  std::string query, start, end;
  bool lz4 = false;              // the file is an LZ4 frame (the `lz4` tool reads it)
  std::string out = "-";         // file path; "-" = stdout
  ToolClientOptions client;      // TLS and credentials
};

struct TransferReport {
  int64_t entries = 0, bytes = 0, requests = 0;
};

Result<TransferReport> ExportToFile(const ExportRequest& r);

struct ImportRequest {
  std::string server = "http://127.0.0.1:3100";
  std::string tenant;
  std::string in;                      // JSON lines, plain or LZ4-framed; "-" = stdin
  int64_t batch_bytes = 1 << 20;       // push body target (stays under Loki's 4 MiB default)
  int retries = 5;                     // on 429 / 5xx / connection errors, with backoff
  ToolClientOptions client;            // TLS and credentials
};

// Pushes in file order; consecutive entries of one stream share a stream in the batch.
Result<TransferReport> ImportFile(const ImportRequest& r);

}  // namespace skald::backup
