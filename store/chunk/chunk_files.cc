// Chunk segment files: append-only, one open file per (tenant, day), a new <seq>.skc once the
// current one passes the roll size. Readers use positional reads, so writing and reading never block.
#include "store/chunk/chunk_files.h"

#include <cstdio>
#include <ctime>

namespace skald::chunk {

ChunkFiles::ChunkFiles(fs::FileSystem* fsys, std::string root, uint64_t roll_size)
    : fs_(fsys != nullptr ? fsys : fs::FileSystem::Default()), root_(std::move(root)), roll_size_(roll_size) {}

std::string ChunkFiles::EscapeTenant(const std::string& t) {
  std::string out;
  for (unsigned char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (ok) {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out.empty() ? "%" : out;
}

namespace {

std::string Day(int64_t ts_ns) {
  time_t sec = static_cast<time_t>(ts_ns / 1000000000);
  if (ts_ns < 0) sec = 0;
  struct tm tm;
  gmtime_r(&sec, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

}  // namespace

Result<std::string> ChunkFiles::NextFileName(const std::string& dir_rel, uint64_t need) {
  std::string dir = fs::JoinPath(root_, dir_rel);
  SKALD_RETURN_IF_ERROR(fs_->MkdirAll(dir));
  auto names = fs_->List(dir);
  if (!names.ok()) return names.status();
  // Sequence numbers are never reused within a process, even once a shipped file is removed: a
  // query still holding a chunk ref by the old name must not find another stream's chunk there.
  uint64_t& high = high_seq_[dir_rel];
  uint64_t last = high;
  for (const auto& n : *names) last = std::max<uint64_t>(last, std::strtoull(n.c_str(), nullptr, 10));
  if (last > 0) {
    char name[32];
    std::snprintf(name, sizeof name, "%06llu.skc", static_cast<unsigned long long>(last));
    auto size = fs_->FileSize(fs::JoinPath(dir, name));
    bool sealed = sealed_.count(fs::JoinPath(dir_rel, name)) > 0;
    if (size.ok() && *size + need <= roll_size_ && !sealed) {
      high = last;
      return fs::JoinPath(dir_rel, name);
    }
  }
  char name[32];
  std::snprintf(name, sizeof name, "%06llu.skc", static_cast<unsigned long long>(last + 1));
  high = last + 1;
  return fs::JoinPath(dir_rel, name);
}

Result<ChunkFiles::OpenFile*> ChunkFiles::FileFor(const std::string& tenant, int64_t min_ts, uint64_t need) {
  std::string key = EscapeTenant(tenant) + "/" + Day(min_ts);
  auto it = open_.find(key);
  if (it != open_.end() && it->second.file->Size() + need > roll_size_) {
    if (it->second.dirty) SKALD_RETURN_IF_ERROR(it->second.file->Sync());
    SKALD_RETURN_IF_ERROR(it->second.file->Close());
    open_.erase(it);
    it = open_.end();
  }
  if (it == open_.end()) {
    auto rel = NextFileName(key, need);
    if (!rel.ok()) return rel.status();
    auto f = fs_->OpenAppend(fs::JoinPath(root_, *rel));
    if (!f.ok()) return f.status();
    if ((*f)->Size() == 0) {
      std::string hdr(kFileMagic, 4);
      hdr.append(reinterpret_cast<const char*>(&kFormatVersion), 2);
      hdr.append(kFileHeaderSize - 6, '\0');
      SKALD_RETURN_IF_ERROR((*f)->Append(hdr));
      SKALD_RETURN_IF_ERROR(fs_->SyncDir(fs::JoinPath(root_, key)));
    }
    it = open_.emplace(key, OpenFile{*rel, std::move(*f), true, true}).first;
  }
  return &it->second;
}

Result<ChunkRef> ChunkFiles::Append(const std::string& tenant, uint64_t fingerprint,
                                    const std::vector<BlockPtr>& blocks) {
  ChunkHeader h;
  const std::string buf = EncodeChunk(fingerprint, blocks, &h);
  std::lock_guard<std::mutex> lk(mu_);
  auto f = FileFor(tenant, h.min_ts, buf.size());
  if (!f.ok()) return f.status();
  ChunkRef ref{(*f)->rel, (*f)->file->Size(), buf.size(), h.min_ts, h.max_ts,
               static_cast<int64_t>(h.entries), static_cast<int64_t>(h.line_bytes)};
  SKALD_RETURN_IF_ERROR((*f)->file->Append(buf));
  (*f)->dirty = (*f)->used = true;
  return ref;
}

Status ChunkFiles::SyncAll() {
  std::lock_guard<std::mutex> lk(mu_);
  for (auto& [k, f] : open_) {
    if (!f.dirty) continue;
    SKALD_RETURN_IF_ERROR(f.file->Sync());
    f.dirty = false;
  }
  return Status::Ok();
}

void ChunkFiles::CloseIdle() {
  {
    std::lock_guard<std::mutex> lk(read_mu_);
    for (auto it = readers_.begin(); it != readers_.end();) {
      if (!it->second.used) {
        it = readers_.erase(it);   // a reader still holding the handle keeps it open until done
      } else {
        it->second.used = false;
        ++it;
      }
    }
  }
  std::lock_guard<std::mutex> lk(mu_);
  for (auto it = open_.begin(); it != open_.end();) {
    if (!it->second.used && !it->second.dirty) {
      (void)it->second.file->Close();
      it = open_.erase(it);
    } else {
      it->second.used = false;
      ++it;
    }
  }
}

Result<std::shared_ptr<const fs::RandomAccessFile>> ChunkFiles::ReaderFor(const std::string& rel) const {
  {
    std::lock_guard<std::mutex> lk(read_mu_);
    auto it = readers_.find(rel);
    if (it != readers_.end()) {
      it->second.used = true;
      return it->second.file;
    }
  }
  uint64_t gen;
  {
    std::lock_guard<std::mutex> lk(read_mu_);
    gen = close_gen_;
  }
  auto f = fs_->OpenRead(fs::JoinPath(root_, rel));   // outside the lock: other files' reads go on
  std::shared_ptr<const fs::RandomAccessFile> file;
  if (f.ok()) {
    file = std::move(*f);
  } else if (f.status().code() == Code::kNotFound && remote_) {
    auto r = remote_(rel);
    if (!r.ok()) return r.status();
    file = std::move(*r);
  } else {
    return f.status();
  }
  std::lock_guard<std::mutex> lk(read_mu_);
  if (gen != close_gen_) return file;   // a CloseFile ran meanwhile: this handle may be stale, don't keep it
  if (readers_.size() >= kMaxReaders && readers_.count(rel) == 0) readers_.erase(readers_.begin());
  auto [it, fresh] = readers_.emplace(rel, Reader{file, true});
  it->second.used = true;
  return fresh ? file : it->second.file;
}

Result<ChunkHeader> ChunkFiles::ReadHeader(const ChunkRef& ref) const {
  auto f = ReaderFor(ref.file);
  if (!f.ok()) return f.status();
  // One read covers the header of a chunk of up to ~100 blocks; a longer header takes a second.
  std::string buf;
  SKALD_RETURN_IF_ERROR((*f)->Read(ref.offset, std::min<uint64_t>(ref.length, 4096), &buf));
  ChunkHeader h;
  uint32_t n;
  SKALD_RETURN_IF_ERROR(DecodeChunkFixed(std::string_view(buf).substr(0, kChunkFixedSize), &h, &n).Annotate(ref.file));
  size_t need = kChunkFixedSize + n * kBlockMetaSize + 4;
  if (need > ref.length) return Status::Corruption(ref.file + ": chunk header longer than the chunk");
  if (need > buf.size()) SKALD_RETURN_IF_ERROR((*f)->Read(ref.offset, need, &buf));
  buf.resize(need);
  SKALD_RETURN_IF_ERROR(DecodeChunkHeader(buf, &h).Annotate(ref.file + " @" + std::to_string(ref.offset)));
  return h;
}

Result<std::shared_ptr<const ChunkHeader>> ChunkFiles::Header(const ChunkRef& ref) const {
  if (auto h = headers_.Get(ref.file, ref.offset)) return h;
  const uint64_t gen = headers_.Generation();
  auto h = ReadHeader(ref);
  if (!h.ok()) return h.status();
  auto hp = std::make_shared<const ChunkHeader>(std::move(*h));
  headers_.Put(ref.file, ref.offset, hp, gen);
  return hp;
}

Status ChunkFiles::ReadBlock(const ChunkRef& ref, const ChunkHeader& h, size_t i, std::string* out) const {
  uint64_t off = h.EncodedSize();
  for (size_t k = 0; k < i; ++k) off += h.blocks[k].comp_len;
  if (off + h.blocks[i].comp_len > ref.length) return Status::Corruption(ref.file + ": block past chunk end");
  auto f = ReaderFor(ref.file);
  if (!f.ok()) return f.status();
  return (*f)->Read(ref.offset + off, h.blocks[i].comp_len, out);
}

}  // namespace skald::chunk

namespace skald::chunk {

Status ChunkFiles::Seal(const std::string& rel) {
  {
    std::lock_guard<std::mutex> lk(mu_);
    sealed_.insert(rel);
  }
  return CloseFile(rel);
}

void ChunkFiles::Unseal(const std::string& rel) {
  std::lock_guard<std::mutex> lk(mu_);
  sealed_.erase(rel);
}

Status ChunkFiles::CloseFile(const std::string& rel) {
  {
    std::lock_guard<std::mutex> lk(read_mu_);
    readers_.erase(rel);
    ++close_gen_;
  }
  headers_.Invalidate(rel);
  std::lock_guard<std::mutex> lk(mu_);
  for (auto it = open_.begin(); it != open_.end(); ++it) {
    if (it->second.rel != rel) continue;
    Status st = it->second.dirty ? it->second.file->Sync() : Status::Ok();
    Status cl = it->second.file->Close();
    open_.erase(it);
    return st.ok() ? cl : st;
  }
  return Status::Ok();
}

}  // namespace skald::chunk
