// Test helpers: build real push bodies (protobuf + raw snappy, gzip, zlib/raw deflate) the way
// Promtail, Alloy and Fluent Bit send them. Header-only; shared by ingest and api tests.
#pragma once

#include <snappy.h>
#include <zlib.h>

#include <string>
#include <utility>
#include <vector>

#include "push.pb.h"

namespace skald::testing {

struct PbEntry {
  int64_t ts_ns;
  std::string line;
  std::vector<std::pair<std::string, std::string>> metadata = {};
};
struct PbStream {
  std::string labels;
  std::vector<PbEntry> entries;
};

inline std::string ProtoPushBody(const std::vector<PbStream>& streams) {
  logproto::PushRequest req;
  for (const auto& s : streams) {
    auto* ps = req.add_streams();
    ps->set_labels(s.labels);
    for (const auto& e : s.entries) {
      auto* pe = ps->add_entries();
      pe->mutable_timestamp()->set_seconds(e.ts_ns / 1000000000);
      pe->mutable_timestamp()->set_nanos(static_cast<int32_t>(e.ts_ns % 1000000000));
      pe->set_line(e.line);
      for (const auto& [k, v] : e.metadata) {
        auto* m = pe->add_structuredmetadata();
        m->set_name(k);
        m->set_value(v);
      }
    }
  }
  std::string raw, out;
  req.SerializeToString(&raw);
  snappy::Compress(raw.data(), raw.size(), &out);
  return out;
}

// window_bits: 31 gzip, 15 zlib, -15 raw deflate.
inline std::string Deflate(const std::string& in, int window_bits) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, in.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline std::string Gzip(const std::string& in) { return Deflate(in, 31); }

}  // namespace skald::testing
