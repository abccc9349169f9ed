// The write nodes a read node asks: static URLs, and `dns+host:port` names expanded to one peer per
// address record, re-resolved lazily once the last lookup is older than the refresh period.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

namespace skald::cluster {

struct NodeSpec {
  std::string text;        // as configured
  bool dns = false;        // "dns+host:port"
  bool https = false;      // "https://" (dns+: from use_https)
  std::string host;        // without brackets
  int port = 0;
};

// "http://host:port", "https://host:port" (a trailing "/" allowed), "dns+host:port". IPv6
// literals in brackets. Errors say what is wrong, not where (the caller adds the key).
Result<NodeSpec> ParseNodeSpec(const std::string& text);

struct Peer {
  std::string node;      // the configured entry this address came from (for errors and metrics)
  std::string base_url;  // "http://10.0.0.3:3100"; empty when `error` is set
  std::string error;     // a dns+ name with no address (never resolved): the node is unavailable
};

// Returns the IPv4 addresses of host (the IPv6 ones when it has none), sorted, or an error.
using Resolver = std::function<Result<std::vector<std::string>>(const std::string& host)>;
Result<std::vector<std::string>> ResolveHost(const std::string& host);

// Thread-safe.
class PeerSet {
 public:
  PeerSet(std::vector<NodeSpec> nodes, bool dns_https, int64_t refresh_ns,
          Resolver resolver = ResolveHost, std::function<int64_t()> now_ns = nullptr);

  // The peers right now. A failed lookup keeps the addresses of the last good one (logged and
  // counted); a name never resolved yields one Peer with `error` set.
  std::vector<Peer> Current();

 private:
  struct Entry {
    NodeSpec spec;
    std::vector<std::string> addrs;   // last good lookup
    bool resolved = false;
    bool tried = false;
    int64_t resolved_at_ns = 0;
    std::string last_error;
  };
  void Refresh(Entry& e, int64_t now);
  int64_t Now() const;

  bool dns_https_;
  int64_t refresh_ns_;
  Resolver resolver_;
  std::function<int64_t()> now_ns_;
  std::mutex mu_;
  std::vector<Entry> entries_;   // guarded by mu_
};

}  // namespace skald::cluster
