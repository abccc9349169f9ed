// ExportToFile (see transfer_client.h): streams the HTTP body straight to the file, decoding a copy
// on the side to count entries and to catch the server's mid-stream `{"error":..}` line.
#include <cstdio>
#include <httplib.h>

#include "store/backup/lz4_stream.h"
#include "store/backup/transfer_client.h"

namespace skald::backup {
namespace {

struct Sink {
  std::FILE* f = nullptr;
  bool lz4 = false;
  Lz4FrameReader reader;
  std::string text, error;
  TransferReport rep;
  Status st;

  bool Take(const char* data, size_t n) {
    if (std::fwrite(data, 1, n, f) != n) {
      st = Status::IOError("writing the export file");
      return false;
    }
    rep.bytes += static_cast<int64_t>(n);
    if (lz4) {
      Status d = reader.Write(std::string_view(data, n), &text);
      if (!d.ok()) return (st = d), false;
    } else {
      text.append(data, n);
    }
    size_t start = 0, nl;
    while ((nl = text.find('\n', start)) != std::string::npos) {
      if (text.compare(start, 9, "{\"error\":") == 0) error = text.substr(start, nl - start);
      else rep.entries++;
      start = nl + 1;
    }
    text.erase(0, start);
    return true;
  }
};

}  // namespace

Result<TransferReport> ExportToFile(const ExportRequest& r) {
  auto made = MakeToolClient(r.server, r.client);
  if (!made.ok()) return made.status();
  httplib::Client& cli = **made;
  cli.set_connection_timeout(10, 0);
  cli.set_read_timeout(600, 0);
  httplib::Headers h;
  if (!r.tenant.empty()) h.emplace("X-Scope-OrgID", r.tenant);
  httplib::Params p{{"query", r.query}};
  if (!r.start.empty()) p.emplace("start", r.start);
  if (!r.end.empty()) p.emplace("end", r.end);
  if (r.lz4) p.emplace("format", "lz4");
  Sink s;
  s.lz4 = r.lz4;
  s.f = r.out == "-" ? stdout : std::fopen(r.out.c_str(), "wb");
  if (s.f == nullptr) return Status::IOError("cannot create " + r.out);
  std::string err_body;
  int status = 0;
  auto res = cli.Get("/skald/api/v1/export", p, h,
                     [&](const httplib::Response& resp) { status = resp.status; return true; },
                     [&](const char* d, size_t n) {
                       if (status != 200) return err_body.append(d, n), true;
                       return s.Take(d, n);
                     });
  bool closed = r.out == "-" ? std::fflush(stdout) == 0 : std::fclose(s.f) == 0;
  if (!s.st.ok()) return s.st;
  if (!res) return Status::Unavailable("export from " + r.server + ": " + httplib::to_string(res.error()));
  if (status != 200) return Status::Invalid("export: HTTP " + std::to_string(status) + ": " + err_body);
  if (!closed) return Status::IOError("closing " + r.out);
  if (!s.error.empty()) return Status::Internal("the export failed part way: " + s.error);
  if (r.lz4 && !s.reader.done()) return Status::Corruption("export: the LZ4 stream ended early");
  if (!s.text.empty()) return Status::Corruption("export: the last line is incomplete (connection cut?)");
  s.rep.requests = 1;
  return s.rep;
}

}  // namespace skald::backup
