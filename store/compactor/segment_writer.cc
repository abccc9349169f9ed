// Temporary segment files for the compactor: same file header and chunk encoding as the flush
// path (store/chunk/FORMAT.md), published by rename so readers only ever see complete files.
#include "store/compactor/segment_writer.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

namespace skald::compactor {
namespace {

std::atomic<uint64_t> g_temp_seq{0};

}  // namespace

SegmentWriter::SegmentWriter(fs::FileSystem* fsys, std::string root, std::string dir_rel, uint64_t roll_size)
    : fs_(fsys != nullptr ? fsys : fs::FileSystem::Default()),
      root_(std::move(root)),
      dir_rel_(std::move(dir_rel)),
      roll_size_(roll_size) {}

SegmentWriter::~SegmentWriter() {
  if (published_) return;
  for (auto& t : files_) {
    (void)t.file->Close();
    (void)fs_->Remove(fs::JoinPath(root_, t.rel));
  }
}

bool SegmentWriter::IsSegmentName(const std::string& n) {
  if (n.size() != 10 || n.compare(6, 4, ".skc") != 0) return false;
  for (size_t i = 0; i < 6; ++i)
    if (n[i] < '0' || n[i] > '9') return false;
  return true;
}

bool SegmentWriter::IsTempName(const std::string& n) {
  return n.rfind("compact-", 0) == 0 && n.size() > 4 && n.compare(n.size() - 4, 4, ".tmp") == 0;
}

Status SegmentWriter::Roll() {
  SKALD_RETURN_IF_ERROR(fs_->MkdirAll(fs::JoinPath(root_, dir_rel_)));
  std::string rel = fs::JoinPath(dir_rel_, "compact-" + std::to_string(getpid()) + "-" +
                                               std::to_string(g_temp_seq.fetch_add(1)) + ".tmp");
  auto f = fs_->OpenAppend(fs::JoinPath(root_, rel));
  if (!f.ok()) return f.status();
  std::string hdr(chunk::kFileMagic, 4);
  hdr.append(reinterpret_cast<const char*>(&chunk::kFormatVersion), 2);
  hdr.append(chunk::kFileHeaderSize - 6, '\0');
  SKALD_RETURN_IF_ERROR((*f)->Append(hdr));
  files_.push_back(Temp{rel, std::move(*f)});
  return Status::Ok();
}

Result<chunk::ChunkRef> SegmentWriter::Append(uint64_t fingerprint, const std::vector<chunk::BlockPtr>& blocks) {
  chunk::ChunkHeader h;
  const std::string buf = chunk::EncodeChunk(fingerprint, blocks, &h);
  if (files_.empty() || files_.back().file->Size() + buf.size() > roll_size_) SKALD_RETURN_IF_ERROR(Roll());
  Temp& t = files_.back();
  chunk::ChunkRef ref{t.rel, t.file->Size(), buf.size(), h.min_ts, h.max_ts,
                      static_cast<int64_t>(h.entries), static_cast<int64_t>(h.line_bytes)};
  SKALD_RETURN_IF_ERROR(t.file->Append(buf));
  return ref;
}

Status SegmentWriter::Publish(std::vector<chunk::ChunkRef*> refs) {
  std::string dir = fs::JoinPath(root_, dir_rel_);
  auto names = fs_->List(dir);
  if (!names.ok()) return names.status();
  uint64_t last = 0;
  for (const auto& n : *names)
    if (IsSegmentName(n)) last = std::max<uint64_t>(last, std::strtoull(n.c_str(), nullptr, 10));
  std::map<std::string, std::string> renamed;
  for (auto& t : files_) {
    SKALD_RETURN_IF_ERROR(t.file->Sync());
    SKALD_RETURN_IF_ERROR(t.file->Close());
    char name[32];
    std::snprintf(name, sizeof name, "%06llu.skc", static_cast<unsigned long long>(++last));
    std::string rel = fs::JoinPath(dir_rel_, name);
    std::error_code ec;
    std::filesystem::rename(fs::JoinPath(root_, t.rel), fs::JoinPath(root_, rel), ec);
    if (ec) return Status::IOError("compactor: rename " + t.rel + " to " + rel + ": " + ec.message());
    renamed[t.rel] = rel;
  }
  SKALD_RETURN_IF_ERROR(fs_->SyncDir(dir));
  published_ = true;
  for (chunk::ChunkRef* r : refs) {
    auto it = renamed.find(r->file);
    if (it != renamed.end()) r->file = it->second;
  }
  return Status::Ok();
}

}  // namespace skald::compactor
