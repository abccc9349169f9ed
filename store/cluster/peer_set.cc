// Write node list parsing and lazy DNS expansion (see peer_set.h).
#include "store/cluster/peer_set.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "common/logger.h"
#include "common/metrics.h"

namespace skald::cluster {
namespace {

Status SplitHostPort(std::string_view hp, NodeSpec* out) {
  size_t colon;
  if (!hp.empty() && hp.front() == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) return Status::Invalid("unclosed [ in the host");
    out->host = std::string(hp.substr(1, close - 1));
    colon = close + 1;
    if (colon >= hp.size() || hp[colon] != ':') return Status::Invalid("want host:port");
  } else {
    colon = hp.rfind(':');
    if (colon == std::string_view::npos) return Status::Invalid("want host:port");
    out->host = std::string(hp.substr(0, colon));
  }
  std::string port(hp.substr(colon + 1));
  char* end = nullptr;
  long p = std::strtol(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || p <= 0 || p > 65535)
    return Status::Invalid(fmt::format("bad port {:?}", port));
  if (out->host.empty()) return Status::Invalid("empty host");
  out->port = static_cast<int>(p);
  return Status::Ok();
}

std::string UrlHost(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

metrics::CounterVec& DnsLookups() {
  static auto& c = metrics::Registry::Default().NewCounterVec(
      "skald_cluster_dns_lookups_total", "Lookups of dns+ write node names, by result.", {"result"});
  return c;
}

}  // namespace

Result<NodeSpec> ParseNodeSpec(const std::string& text) {
  NodeSpec s;
  s.text = text;
  std::string_view rest(text);
  if (rest.starts_with("dns+")) {
    s.dns = true;
    rest.remove_prefix(4);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    s.https = true;
    rest.remove_prefix(8);
  } else {
    return Status::Invalid(fmt::format("{:?}: want http://host:port, https://host:port or dns+host:port", text));
  }
  if (!s.dns && rest.ends_with("/")) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos)
    return Status::Invalid(fmt::format("{:?}: no path allowed after host:port", text));
  Status st = SplitHostPort(rest, &s);
  if (!st.ok()) return Status::Invalid(fmt::format("{:?}: {}", text, st.message()));
  return s;
}

Result<std::vector<std::string>> ResolveHost(const std::string& host) {
  std::vector<std::string> out;
  for (int family : {AF_INET, AF_INET6}) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
    if (rc != 0) continue;
    for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
      char buf[INET6_ADDRSTRLEN] = {};
      const void* src = family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                                          : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
      if (inet_ntop(family, src, buf, sizeof(buf)) != nullptr) out.emplace_back(buf);
    }
    freeaddrinfo(res);
    if (!out.empty()) break;   // A records when there are any (Loki's dns+ is an A lookup)
  }
  if (out.empty()) return Status::Unavailable(fmt::format("no address for {}", host));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

PeerSet::PeerSet(std::vector<NodeSpec> nodes, bool dns_https, int64_t refresh_ns, Resolver resolver,
                 std::function<int64_t()> now_ns)
    : dns_https_(dns_https), refresh_ns_(refresh_ns), resolver_(std::move(resolver)), now_ns_(std::move(now_ns)) {
  for (auto& n : nodes) entries_.push_back(Entry{std::move(n), {}, false, false, 0, ""});
}

int64_t PeerSet::Now() const {
  if (now_ns_) return now_ns_();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch()).count();
}

void PeerSet::Refresh(Entry& e, int64_t now) {
  auto got = resolver_(e.spec.host);
  e.resolved_at_ns = now;
  e.tried = true;
  if (got.ok()) {
    if (got->size() != e.addrs.size() || !e.resolved)
      SKALD_LOG(info, "write nodes resolved", {{"node", e.spec.text}, {"addresses", got->size()}});
    e.addrs = std::move(*got);
    e.resolved = true;
    e.last_error.clear();
    DnsLookups().WithLabelValues({"success"}).Inc();
    return;
  }
  e.last_error = got.status().message();
  DnsLookups().WithLabelValues({"failure"}).Inc();
  SKALD_LOG(warn, "write node lookup failed; keeping the last addresses",
            {{"node", e.spec.text}, {"err", e.last_error}, {"kept", e.addrs.size()}});
}

std::vector<Peer> PeerSet::Current() {
  std::lock_guard lock(mu_);
  const int64_t now = Now();
  std::vector<Peer> out;
  for (Entry& e : entries_) {
    if (!e.spec.dns) {
      out.push_back({e.spec.text, fmt::format("{}://{}:{}", e.spec.https ? "https" : "http",
                                              UrlHost(e.spec.host), e.spec.port), ""});
      continue;
    }
    if (!e.tried || now - e.resolved_at_ns >= refresh_ns_) Refresh(e, now);
    if (e.addrs.empty()) {
      out.push_back({e.spec.text, "", "cannot resolve: " + e.last_error});
      continue;
    }
    for (const auto& a : e.addrs)
      out.push_back({e.spec.text, fmt::format("{}://{}:{}", dns_https_ ? "https" : "http", UrlHost(a), e.spec.port), ""});
  }
  return out;
}

}  // namespace skald::cluster
