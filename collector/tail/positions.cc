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

Result<std::unique_ptr<Positions>> Positions::Open(const PositionsConfig& cfg) {
  std::unique_ptr<Positions> p(new Positions(cfg));
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
Status WriteAtomically(const std::string& path, const std::string& data) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IOError("open " + tmp + ": " + std::strerror(errno));
  size_t off = 0;
  while (off < data.size()) {
    ssize_t w = ::write(fd, data.data() + off, data.size() - off);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) { ::close(fd); return Status::IOError("write " + tmp + ": " + std::strerror(errno)); }
    off += static_cast<size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Status::IOError("fsync " + tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::IOError("rename " + tmp + ": " + std::strerror(errno));
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
    dirty_ = true;
  }
  return st;
}

void Positions::StartSync() {
  sync_ = std::thread([this] {
    std::unique_lock<std::mutex> l(save_mu_);
    while (!stop_) {
      cv_.wait_for(l, std::chrono::nanoseconds(cfg_.sync_period_ns), [this] { return stop_; });
      l.unlock();
      Status st = Save();
      if (!st.ok()) SKALD_LOG(error, "saving positions failed", {{"file", cfg_.filename}, {"error", st.message()}});
      l.lock();
    }
  });
}

void Positions::Stop() {
  {
    std::lock_guard<std::mutex> l(save_mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (sync_.joinable()) sync_.join();
  (void)Save();
}

}  // namespace skald::tail
