// Positions file load/save (Promtail-compatible YAML) with atomic replace and a periodic sync thread.
#include "collector/tail/positions.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "common/labels.h"
#include "common/logger.h"

namespace skald::tail {

std::string EncodePositions(const std::map<std::string, Position>& pos) {
  std::string out = "positions:\n";
  for (const auto& [path, p] : pos) out += fmt::format("  {}: \"{}\"\n", GoQuote(path), p.offset);
  out += "skald_file_ids:\n";
  for (const auto& [path, p] : pos) {
    out += fmt::format("  {}: \"{}:{}\"\n", GoQuote(path), p.id.dev, p.id.ino);
  }
  return out;
}

Result<std::map<std::string, Position>> DecodePositions(const std::string& text) {
  std::map<std::string, Position> out;
  try {
    YAML::Node root = YAML::Load(text);
    if (!root || root.IsNull()) return out;
    if (!root.IsMap()) return Status::Corruption("positions file is not a YAML map");
    for (const auto& kv : root["positions"]) {
      out[kv.first.as<std::string>()].offset = std::stoll(kv.second.as<std::string>());
    }
    for (const auto& kv : root["skald_file_ids"]) {
      auto it = out.find(kv.first.as<std::string>());
      if (it == out.end()) continue;
      unsigned long long dev = 0, ino = 0;
      if (std::sscanf(kv.second.as<std::string>().c_str(), "%llu:%llu", &dev, &ino) == 2) {
        it->second.id = {dev, ino};
      }
    }
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("invalid positions YAML: ") + e.what());
  }
  return out;
}

Positions::Positions(PositionsConfig cfg, metrics::Registry* registry) : cfg_(std::move(cfg)) {
  metrics::Registry& r = registry ? *registry : metrics::Registry::Default();
  write_failures_ = &r.NewCounter("skald_collector_positions_write_failures_total",
                                  "Failed writes of the positions file (the previous file is kept).");
}

Result<std::unique_ptr<Positions>> Positions::Open(const PositionsConfig& cfg, metrics::Registry* registry) {
  std::unique_ptr<Positions> p(new Positions(cfg, registry));
  Status st = p->Load();
  if (!st.ok()) {
    if (!cfg.ignore_invalid_yaml || st.code() != Code::kCorruption) return st;
    SKALD_LOG(warn, "ignoring invalid positions file", {{"file", cfg.filename}, {"error", st.message()}});
  }
  return p;
}

Positions::~Positions() { Stop(); }

Status Positions::Load() {
  std::ifstream in(cfg_.filename);
  if (!in) return Status::Ok();  // first start
  std::stringstream ss;
  ss << in.rdbuf();
  auto decoded = DecodePositions(ss.str());
  if (!decoded.ok()) return decoded.status().Annotate(cfg_.filename);
  std::lock_guard<std::mutex> l(mu_);
  pos_ = std::move(*decoded);
  return Status::Ok();
}

std::optional<Position> Positions::Get(const std::string& path) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = pos_.find(path);
  if (it == pos_.end()) return std::nullopt;
  return it->second;
}

void Positions::Put(const std::string& path, Position p) {
  std::lock_guard<std::mutex> l(mu_);
  auto& slot = pos_[path];
  if (!(slot == p)) { slot = p; dirty_ = true; }
}

void Positions::Remove(const std::string& path) {
  std::lock_guard<std::mutex> l(mu_);
  dirty_ |= pos_.erase(path) > 0;
}

std::map<std::string, Position> Positions::Snapshot() const {
  std::lock_guard<std::mutex> l(mu_);
  return pos_;
}

namespace {
std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

// Writes and fsyncs `tmp`; on failure removes it (a disk-full episode must not leave a partial file
// taking the space the next attempt needs). The file at the final path is never touched here.
Status WriteTemp(const std::string& tmp, const std::string& data) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("open " + tmp + ": " + std::strerror(errno));
  Status st = Status::Ok();
  for (size_t off = 0; off < data.size() && st.ok();) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) st = Status::IOError("write " + tmp + ": " + std::strerror(errno));
    else off += static_cast<size_t>(w);
  }
  if (st.ok() && ::fsync(fd) != 0) st = Status::IOError("fsync " + tmp + ": " + std::strerror(errno));
  if (::close(fd) != 0 && st.ok()) st = Status::IOError("close " + tmp + ": " + std::strerror(errno));
  if (!st.ok()) ::unlink(tmp.c_str());
  return st;
}

// tmp + fsync + rename + directory fsync: a crash or a failure leaves the old file or the new one.
Status WriteAtomically(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp";
  SKALD_RETURN_IF_ERROR(WriteTemp(tmp, data));
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status st = Status::IOError("rename " + tmp + ": " + std::strerror(errno));
    ::unlink(tmp.c_str());
    return st;
  }
  int dfd = ::open(DirOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) { ::fsync(dfd); ::close(dfd); }
  return Status::Ok();
}
}  // namespace

Status Positions::Save() {
  std::lock_guard<std::mutex> s(save_mu_);
  std::string text;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!dirty_) return Status::Ok();
    text = EncodePositions(pos_);
    dirty_ = false;
  }
  Status st = WriteAtomically(cfg_.filename, text);
  if (!st.ok()) {
    std::lock_guard<std::mutex> l(mu_);
    dirty_ = true;  // the next sync retries with whatever is current then
  }
  return st;
}

void Positions::SaveAndReport() {
  Status st = Save();
  if (!st.ok()) {
    write_failures_->Inc();
    if (!failing_) {
      SKALD_LOG(error, "saving positions failed, keeping the previous file and retrying every sync_period "
                "(logged once until a save succeeds)", {{"file", cfg_.filename}, {"error", st.message()}});
    }
  } else if (failing_) {
    SKALD_LOG(info, "saving positions works again", {{"file", cfg_.filename}});
  }
  failing_ = !st.ok();
}

void Positions::StartSync() {
  sync_ = std::thread([this] {
    std::unique_lock<std::mutex> l(sync_mu_);
    while (!stop_) {
      cv_.wait_for(l, std::chrono::nanoseconds(cfg_.sync_period_ns), [this] { return stop_; });
      l.unlock();
      SaveAndReport();
      l.lock();
    }
  });
}

void Positions::Stop() {
  {
    std::lock_guard<std::mutex> l(sync_mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (sync_.joinable()) sync_.join();
  SaveAndReport();
}

}  // namespace skald::tail
