// One real skald-store for the end-to-end tests (config written into the test's temp dir, started,
// waited for /ready, stopped) plus the JSON push/query and acknowledged-id helpers the tests share.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <httplib.h>

#include "common/log_entry.h"
#include "tests/e2e/process.h"

namespace skald::e2e {

// The YAML every store test starts from, followed by `extra` (further top-level sections):
// auth_enabled, server.http_listen_port and common.path_prefix; in the object-storage variant
// (object_store_mode.h) followed by the bucket sections for path_prefix.
std::string StoreYaml(int port, const std::string& path_prefix, bool auth_enabled, const std::string& extra = "");

// skald-store -config.file=<dir>/<name>.yaml on a free port, output appended to <dir>/<name>.log.
// Can be started again after Stop/Kill (a restart over the same data); the destructor SIGKILLs.
class StoreUnderTest {
 public:
  explicit StoreUnderTest(const std::string& dir, const std::string& name = "store");
  // Writes StoreYaml(port(), path_prefix, auth_enabled, extra) to config().
  void Configure(const std::string& path_prefix, bool auth_enabled, const std::string& extra = "");
  // Starts the binary; true once GET /ready answers 200 (within timeout_ms).
  bool Start(int timeout_ms = 15000);
  int Stop();                 // SIGTERM and wait: the exit status (0 = clean shutdown)
  void Kill(int sig);         // send a signal (SIGKILL for a crash); Wait() reaps
  int Wait();

  int port() const { return port_; }
  int pid() const;            // -1 when not running
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& config() const { return config_; }
  const std::string& log() const { return log_; }

 private:
  int port_;
  std::string config_, log_;
  std::unique_ptr<Process> proc_;
};

// A stream to push: labels in any order (LabelSet sorts them) and its entries.
LogStream MakeStream(std::vector<Label> labels, std::vector<LogEntry> entries = {});

// A Loki JSON push body: {"streams":[{"stream":{labels},"values":[["<ts>","<line>"(,{metadata})],...]}]}.
// Labels come in LabelSet (sorted) order; strings are JSON-escaped.
std::string JsonPushBody(const std::vector<LogStream>& streams);

// Two streams {job=<job>, s="0"|"1"} of `per_stream` lines "id=<n><suffix>" stamped base_ns + n, the
// ids n taken from next_id and appended to *ids: the batches the crash and backup tests acknowledge.
std::string IdBatchBody(const std::string& job, int per_stream, const std::string& suffix, int64_t base_ns,
                        std::atomic<int>& next_id, std::vector<int>* ids);

// POSTs a JSON push body; when the store answers 204, adds `ids` to *acked (under *mu) and returns true.
bool PushAcked(httplib::Client& cli, const std::string& body, const std::vector<int>& ids, std::set<int>* acked,
               std::mutex* mu);

// GET /loki/api/v1/query_range (start/end in ns, `limit` lines) with `headers`; REQUIREs a 200, returns the body.
std::string QueryRangeBody(httplib::Client& cli, const std::string& query, int64_t start_ns, int64_t end_ns,
                           int limit, const httplib::Headers& headers = {});

// How often each id appears among the lines "id=<n>..." that `query` returns in [start_ns, end_ns),
// paged forward by the last timestamp + 1 as logcli does (5000 lines a page); REQUIREs 200s.
std::map<int, int> SeenIds(httplib::Client& cli, const std::string& query, int64_t start_ns, int64_t end_ns);
// Acknowledged ids that a store no longer returns, and ids it returns more than once.
struct IdLoss {
  int missing = 0, dups = 0;
};
IdLoss CompareIds(const std::set<int>& acked, const std::map<int, int>& seen);

// XORs the byte at `offset` of a file with 0x5a: damage that a checksum must catch.
void FlipByte(const std::string& path, uint64_t offset);

}  // namespace skald::e2e
