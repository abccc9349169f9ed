// ImportFile (see transfer_client.h): reads the export file piece by piece (LZ4 detected by its
// frame magic), groups entries per stream into ~batch_bytes JSON push bodies, retries 429/5xx.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <httplib.h>
#include <map>
#include <thread>

#include "common/labels.h"
#include "store/backup/export_line.h"
#include "store/backup/lz4_stream.h"
#include "store/backup/transfer_client.h"

namespace skald::backup {
namespace {

class Batch {
 public:
  void Add(const ExportEntry& e) {
    auto [it, fresh] = index_.try_emplace(e.labels, streams_.size());
    if (fresh) streams_.push_back({e.labels, ""});
    std::string& v = streams_[it->second].second;
    v.append(v.empty() ? "[" : ",[");
    AppendJsonString(std::to_string(e.ts_ns), &v);
    v.push_back(',');
    AppendJsonString(e.line, &v);
    if (!e.metadata.empty()) {
      v.append(",{");
      for (size_t i = 0; i < e.metadata.size(); i++) {
        if (i) v.push_back(',');
        AppendJsonString(e.metadata[i].name, &v);
        v.push_back(':');
        AppendJsonString(e.metadata[i].value, &v);
      }
      v.push_back('}');
    }
    v.push_back(']');
    bytes_ += e.line.size() + 40;
    entries_++;
  }
  size_t bytes() const { return bytes_; }
  int64_t entries() const { return entries_; }
  Result<std::string> Body() const {
    std::string out = "{\"streams\":[";
    for (size_t i = 0; i < streams_.size(); i++) {
      auto ls = LabelSet::Parse(streams_[i].first);
      if (!ls.ok()) return ls.status().Annotate("labels " + streams_[i].first);
      out.append(i ? ",{\"stream\":{" : "{\"stream\":{");
      bool first = true;
      for (const auto& l : *ls) {
        if (!first) out.push_back(',');
        first = false;
        AppendJsonString(l.name, &out);
        out.push_back(':');
        AppendJsonString(l.value, &out);
      }
      out.append("},\"values\":[").append(streams_[i].second).append("]}");
    }
    return out.append("]}");
  }
  void Clear() { *this = Batch(); }

 private:
  std::map<std::string, size_t> index_;
  std::vector<std::pair<std::string, std::string>> streams_;
  size_t bytes_ = 0;
  int64_t entries_ = 0;
};

class Pusher {
 public:
  Pusher(const ImportRequest& r, std::unique_ptr<httplib::Client> cli) : r_(r), cli_ptr_(std::move(cli)), cli_(*cli_ptr_) {
    cli_.set_connection_timeout(10, 0);
    cli_.set_read_timeout(60, 0);
    if (!r.tenant.empty()) headers_.emplace("X-Scope-OrgID", r.tenant);
  }
  Status Push(const Batch& b, TransferReport* rep) {
    auto body = b.Body();
    if (!body.ok()) return body.status();
    std::string last;
    for (int attempt = 0; attempt <= r_.retries; attempt++) {
      if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(200 << std::min(attempt, 5)));
      auto res = cli_.Post("/loki/api/v1/push", headers_, *body, "application/json");
      rep->requests++;
      if (res && (res->status == 204 || res->status == 200)) {
        rep->entries += b.entries();
        rep->bytes += static_cast<int64_t>(body->size());
        return Status::Ok();
      }
      last = res ? "HTTP " + std::to_string(res->status) + ": " + res->body : httplib::to_string(res.error());
      if (res && res->status != 429 && res->status < 500) break;
    }
    return Status::Unavailable("push to " + r_.server + " failed after " + std::to_string(rep->entries) +
                               " entries were imported: " + last);
  }

 private:
  const ImportRequest& r_;
  std::unique_ptr<httplib::Client> cli_ptr_;
  httplib::Client& cli_;
  httplib::Headers headers_;
};

}  // namespace

Result<TransferReport> ImportFile(const ImportRequest& r) {
  std::FILE* f = r.in == "-" ? stdin : std::fopen(r.in.c_str(), "rb");
  if (f == nullptr) return Status::IOError("cannot open " + r.in);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(r.in == "-" ? nullptr : f, &std::fclose);
  auto cli = MakeToolClient(r.server, r.client);
  if (!cli.ok()) return cli.status();
  Pusher pusher(r, std::move(*cli));
  ExportLineParser parser;
  Batch batch;
  TransferReport rep;
  std::unique_ptr<Lz4FrameReader> lz4;
  std::string raw(1 << 20, '\0'), text;
  int64_t lineno = 0;
  bool first = true;
  for (;;) {
    size_t n = std::fread(raw.data(), 1, raw.size(), f);
    if (n == 0) break;
    std::string_view piece(raw.data(), n);
    if (first && n >= 4 && std::memcmp(raw.data(), "\x04\x22\x4d\x18", 4) == 0) lz4 = std::make_unique<Lz4FrameReader>();
    first = false;
    if (lz4) SKALD_RETURN_IF_ERROR(lz4->Write(piece, &text));
    else text.append(piece);
    size_t start = 0, nl;
    while ((nl = text.find('\n', start)) != std::string::npos) {
      ExportEntry e;
      ++lineno;
      Status st = parser.Parse(std::string_view(text).substr(start, nl - start), &e);
      if (!st.ok()) return st.Annotate(r.in + ": line " + std::to_string(lineno));
      batch.Add(e);
      if (batch.bytes() >= static_cast<size_t>(r.batch_bytes)) {
        SKALD_RETURN_IF_ERROR(pusher.Push(batch, &rep));
        batch.Clear();
      }
      start = nl + 1;
    }
    text.erase(0, start);
  }
  if (std::ferror(f)) return Status::IOError("reading " + r.in);
  if (!text.empty()) return Status::Corruption(r.in + ": last line has no newline (truncated file?)");
  if (batch.entries() > 0) SKALD_RETURN_IF_ERROR(pusher.Push(batch, &rep));
  return rep;
}

}  // namespace skald::backup
