// A real skald-store in Loki multi-tenant mode (auth_enabled, X-Scope-OrgID picks the tenant) holding
// two tenants whose labels and lines are told apart by marker strings: the tenant-isolation tests' fixture.
#pragma once

#include <string>
#include <vector>

#include <httplib.h>

#include "tests/e2e/store_under_test.h"

namespace skald::e2e {

inline constexpr const char* kTenantA = "tenant-a";
inline constexpr const char* kTenantB = "tenant-b";

// Strings that only tenant B's labels, lines, rules and delete requests contain.
const std::vector<std::string>& BMarkers();

// The store under `dir` with a local rules directory (ruler API on, 1s evaluation) and retention on
// (delete requests accepted, cancel period 1h). Start() then Seed().
class TwoTenantStore {
 public:
  // `extra_yaml`: more top-level config sections (e.g. a querier section).
  explicit TwoTenantStore(const std::string& dir, const std::string& extra_yaml = "");
  bool Start();
  // Pushes both tenants' streams twice: once flushed to chunk files, once left in the head.
  void Seed();
  // A's entries per Seed (for exact counts): 3 in {job="alpha",...} and 1 in {job="shared",...}.
  static constexpr int kAEntriesPerBatch = 4;

  httplib::Client& cli() { return cli_; }
  StoreUnderTest& store() { return store_; }
  // GET `path` with `params` as `tenant`; REQUIREs an answer (any status).
  httplib::Result Get(const std::string& path, const httplib::Params& params, const std::string& tenant);
  // POST a Loki JSON push body as `tenant`; REQUIREs 204.
  void Push(const std::string& body, const std::string& tenant);

 private:
  std::string dir_;
  StoreUnderTest store_;
  httplib::Client cli_;
};

// CHECKs that none of BMarkers() occurs in `body`, except markers the request itself carried
// (`request` = the query text and parameters sent: an echo of the caller's own input is no leak).
void CheckNoLeak(const std::string& what, const std::string& body, const std::string& request = "");

// A Loki JSON push body of one line into the stream `labels` (e.g. {"job","alpha"}), stamped now.
std::string OneLineBody(std::vector<Label> labels, const std::string& line);

}  // namespace skald::e2e
