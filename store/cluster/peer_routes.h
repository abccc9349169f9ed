// The internal routes every node serves to read nodes: its own in-memory and local data as the
// peer entry stream (FORMAT.md), streamed, within the node's query limits.
#pragma once

#include <cstdint>
#include <functional>

#include "common/http/router.h"
#include "store/head/store_reader.h"
#include "store/store_config.h"

namespace skald::cluster {

inline constexpr const char* kEntriesPath = "/skald/internal/v1/entries";
inline constexpr const char* kSeriesPath = "/skald/internal/v1/series";

struct PeerRouteDeps {
  // The node's OWN data (the ingester, behind retention if any): never a FederatedReader, or
  // nodes would ask each other in circles. Must outlive the router.
  StoreReader* local = nullptr;
  LimitsConfig limits;                 // max_query_series, max_querier_bytes_read, query_timeout
  bool auth_enabled = true;            // X-Scope-OrgID required (else the `fake` tenant)
  std::function<int64_t()> now_ns;     // unset = the system clock
};

// GET /skald/internal/v1/entries and /skald/internal/v1/series on the query pool.
void RegisterPeerRoutes(http::Router& router, PeerRouteDeps deps);

}  // namespace skald::cluster
