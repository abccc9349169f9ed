// ObjectCache: see object_cache.h; the directory layout and page format are in FORMAT.md.
#include "store/objstore/object_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "common/logger.h"
#include "store/objstore/cache_page_format.h"
#include "store/objstore/local_file.h"
#include "store/objstore/sigv4.h"

namespace skald::objstore {

namespace stdfs = std::filesystem;

namespace {

constexpr const char* kVersionDir = "v1";

// 32 hex characters (128 bits of SHA-256): the object's name in the cache.
std::string HashKey(const std::string& key) { return Sha256HexOf(key).substr(0, 32); }
std::string PageId(const std::string& hash, uint64_t page) { return fmt::format("{}/{:016x}", hash, page); }

bool ReadWholeFile(const std::string& path, std::string* out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st{};
  bool ok = ::fstat(fd, &st) == 0;
  if (ok) {
    out->resize(static_cast<size_t>(st.st_size));
    ok = ::pread(fd, out->data(), out->size(), 0) == static_cast<ssize_t>(out->size());
  }
  ::close(fd);
  return ok;
}

bool WriteWholeFile(const std::string& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = WriteAll(fd, data, path).ok();
  ::close(fd);
  return ok;
}

}  // namespace

Result<std::unique_ptr<ObjectCache>> ObjectCache::Open(ObjectStore* backend, ObjectCacheOptions opts,
                                                       metrics::Registry* registry) {
  if (opts.page_size == 0 || opts.page_size > (1u << 30)) return Status::Invalid("cache page size out of range");
  if (opts.max_run_pages == 0) opts.max_run_pages = 1;
  std::unique_ptr<ObjectCache> c(new ObjectCache(backend, std::move(opts), registry));
  SKALD_RETURN_IF_ERROR(c->Rebuild());
  return c;
}

ObjectCache::ObjectCache(ObjectStore* backend, ObjectCacheOptions opts, metrics::Registry* registry)
    : backend_(backend), opts_(std::move(opts)) {
  if (registry == nullptr) return;
  const std::vector<std::string> l = {opts_.name};
  fetched_ = &registry->NewCounterVec("loki_cache_fetched_keys", "Total count of keys requested from cache.",
                                      {"name"}).WithLabelValues(l);
  hits_ = &registry->NewCounterVec("loki_cache_hits", "Total count of keys found in cache.", {"name"})
               .WithLabelValues(l);
  evicted_ = &registry->NewCounterVec("skald_objstore_cache_evicted_pages_total",
                                      "Pages evicted from the object cache to stay under its size.", {"name"})
                  .WithLabelValues(l);
  corrupt_ = &registry->NewCounterVec("skald_objstore_cache_corrupt_pages_total",
                                      "Object cache page files that failed their checks and were refetched.",
                                      {"name"}).WithLabelValues(l);
  bytes_gauge_ = &registry->NewGaugeVec("skald_objstore_cache_bytes", "Bytes of page files in the object cache.",
                                        {"name"}).WithLabelValues(l);
}

ObjectCache::~ObjectCache() = default;

std::string ObjectCache::PathOf(const std::string& id) const {
  // id = "<32 hex>/<16 hex>" → <dir>/v1/<hex[0:2]>/<32 hex>.<16 hex>
  return fmt::format("{}/{}/{}/{}.{}", opts_.dir, kVersionDir, id.substr(0, 2), id.substr(0, 32), id.substr(33));
}

namespace {

struct FoundPage {
  int64_t mtime_ns;
  std::string id;
  uint64_t bytes;
  bool eof;
};

// A page file found at open, or nullopt (then the caller deletes it): torn, foreign, misnamed or
// cut with another page size.
std::optional<FoundPage> CheckPageFile(const stdfs::path& path, uint64_t page_size) {
  const std::string name = path.filename().string();
  if (name.size() != 49 || name[32] != '.') return std::nullopt;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string head(kPageHeaderSize, '\0');
  struct stat st{};
  const bool read = ::pread(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()) &&
                    ::fstat(fd, &st) == 0;
  ::close(fd);
  auto h = DecodePageHeader(read ? head : std::string());
  if (!h.ok() || h->page_size != page_size || static_cast<uint64_t>(st.st_size) != kPageHeaderSize + h->length) {
    return std::nullopt;
  }
  return FoundPage{static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
                   name.substr(0, 32) + "/" + name.substr(33), static_cast<uint64_t>(st.st_size),
                   (h->flags & kPageFlagEof) != 0};
}

}  // namespace

Status ObjectCache::Rebuild() {
  const stdfs::path root = stdfs::path(opts_.dir) / kVersionDir;
  std::error_code ec;
  stdfs::create_directories(root / "tmp", ec);
  if (ec) return Status::IOError(fmt::format("object cache: creating {}: {}", root.string(), ec.message()));
  for (const auto& e : stdfs::directory_iterator(root / "tmp", ec)) stdfs::remove(e.path(), ec);
  std::vector<FoundPage> found;
  for (const auto& sub : stdfs::directory_iterator(root, ec)) {
    if (!sub.is_directory() || sub.path().filename() == "tmp") continue;
    for (const auto& f : stdfs::directory_iterator(sub.path(), ec)) {
      auto page = CheckPageFile(f.path(), opts_.page_size);
      if (page) {
        found.push_back(std::move(*page));
      } else {
        stdfs::remove(f.path(), ec);
      }
    }
  }
  std::sort(found.begin(), found.end(), [](const FoundPage& a, const FoundPage& b) { return a.mtime_ns > b.mtime_ns; });
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& f : found) {
    lru_.push_back(f.id);
    index_[f.id] = Entry{f.bytes, f.eof, std::prev(lru_.end())};
    bytes_ += f.bytes;
  }
  EvictLocked();
  SKALD_LOG(info, "object cache opened", {{"dir", opts_.dir}, {"pages", index_.size()}, {"bytes", bytes_},
                                          {"max_bytes", opts_.max_bytes}});
  return Status::Ok();
}

void ObjectCache::DropLocked(const std::string& id) {
  HotDropLocked(id);
  auto it = index_.find(id);
  if (it == index_.end()) return;
  ::unlink(PathOf(id).c_str());
  bytes_ -= it->second.file_bytes;
  lru_.erase(it->second.lru);
  index_.erase(it);
  if (bytes_gauge_ != nullptr) bytes_gauge_->Set(static_cast<double>(bytes_));
}

void ObjectCache::EvictLocked() {
  while (bytes_ > opts_.max_bytes && !lru_.empty()) {
    DropLocked(lru_.back());
    if (evicted_ != nullptr) evicted_->Inc();
  }
  if (bytes_gauge_ != nullptr) bytes_gauge_->Set(static_cast<double>(bytes_));
}

uint64_t ObjectCache::WritePage(const std::string& id, const Page& page) {
  const std::string file = EncodePage(page.data, page.eof, static_cast<uint32_t>(opts_.page_size));
  static std::atomic<uint64_t> seq{0};
  const std::string tmp = fmt::format("{}/{}/tmp/{}.{}", opts_.dir, kVersionDir, ::getpid(), seq.fetch_add(1));
  const std::string path = PathOf(id);
  std::error_code ec;
  stdfs::create_directories(stdfs::path(path).parent_path(), ec);
  if (!WriteWholeFile(tmp, file) || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    SKALD_LOG(warn, "object cache: cannot write a page; serving it uncached",
              {{"path", path}, {"error", std::strerror(err)}});
    return 0;
  }
  return file.size();
}

void ObjectCache::IndexLocked(const std::string& id, uint64_t file_bytes, bool eof) {
  if (auto it = index_.find(id); it != index_.end()) {  // replaced on disk already: no unlink
    bytes_ -= it->second.file_bytes;
    lru_.erase(it->second.lru);
    index_.erase(it);
  }
  lru_.push_front(id);
  index_[id] = Entry{file_bytes, eof, lru_.begin()};
  bytes_ += file_bytes;
}

ObjectCache::PagePtr ObjectCache::HotGetLocked(const std::string& id) {
  auto it = hot_.find(id);
  if (it == hot_.end()) return nullptr;
  hot_lru_.splice(hot_lru_.begin(), hot_lru_, it->second.lru);
  return it->second.page;
}

void ObjectCache::HotPutLocked(const std::string& id, PagePtr page) {
  if (opts_.memory_bytes == 0) return;
  HotDropLocked(id);
  hot_lru_.push_front(id);
  hot_bytes_ += page->data.size();
  hot_.emplace(id, Hot{std::move(page), hot_lru_.begin()});
  while (hot_bytes_ > opts_.memory_bytes && !hot_lru_.empty()) HotDropLocked(hot_lru_.back());
}

void ObjectCache::HotDropLocked(const std::string& id) {
  auto it = hot_.find(id);
  if (it == hot_.end()) return;
  hot_bytes_ -= it->second.page->data.size();
  hot_lru_.erase(it->second.lru);
  hot_.erase(it);
}

ObjectCache::PagePtr ObjectCache::ReadCached(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(id);
    if (it == index_.end()) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    if (PagePtr hot = HotGetLocked(id)) return hot;
  }
  std::string file;
  PageHeader h;
  auto page = std::make_shared<Page>();
  Status s = ReadWholeFile(PathOf(id), &file) ? DecodePage(file, &page->data, &h)
                                               : Status::NotFound("evicted meanwhile");
  std::lock_guard<std::mutex> lock(mu_);
  if (s.ok() && h.page_size == opts_.page_size) {
    page->eof = (h.flags & kPageFlagEof) != 0;
    if (index_.count(id) > 0) HotPutLocked(id, page);   // not if evicted or invalidated meanwhile
    return page;
  }
  if (s.code() != Code::kNotFound) {
    if (corrupt_ != nullptr) corrupt_->Inc();
    SKALD_LOG(warn, "object cache: dropping a bad page file", {{"path", PathOf(id)}, {"error", s.message()}});
  }
  // Whatever made the file unreadable (damage, removed from outside, EMFILE), the page is fetched
  // again: an index entry without a readable file would make Read() retry it forever.
  DropLocked(id);
  return nullptr;
}

Status ObjectCache::FetchRun(const std::string& key, const std::string& hash, uint64_t p, uint64_t count,
                             std::vector<PagePtr>* pages) {
  std::string data;
  Status s;
  std::vector<std::pair<uint64_t, bool>> written;  // file bytes, eof per page
  try {   // the claims below must be released whatever happens (others wait on them)
    s = backend_->Get(key, p * opts_.page_size, count * opts_.page_size, &data);
    for (uint64_t i = 0; s.ok() && i < count; ++i) {
      auto page = std::make_shared<Page>();
      const uint64_t off = i * opts_.page_size;
      if (off < data.size()) page->data = data.substr(off, opts_.page_size);
      page->eof = page->data.size() < opts_.page_size;
      const bool last = page->eof;
      written.emplace_back(WritePage(PageId(hash, p + i), *page), last);
      pages->push_back(std::move(page));
      if (last) break;
    }
  } catch (const std::exception& e) {
    s = Status::Internal(std::string("object cache fetch: ") + e.what());
    written.resize(std::min(written.size(), pages->size()));
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < written.size(); ++i) {
    if (written[i].first == 0) continue;
    IndexLocked(PageId(hash, p + i), written[i].first, written[i].second);
    HotPutLocked(PageId(hash, p + i), (*pages)[i]);
  }
  for (uint64_t i = 0; i < count; ++i) inflight_.erase(PageId(hash, p + i));
  EvictLocked();
  cv_.notify_all();
  return s;
}

uint64_t ObjectCache::ClaimRun(const std::string& hash, uint64_t p, uint64_t last) {
  std::unique_lock<std::mutex> lock(mu_);
  if (inflight_.count(PageId(hash, p)) != 0) {  // another reader is fetching it: wait for it
    cv_.wait(lock, [&] { return inflight_.count(PageId(hash, p)) == 0; });
    return 0;
  }
  // Past the request the run reads ahead (a query reads a segment's chunks in order); a GET past
  // the object's end just returns fewer bytes.
  const uint64_t ahead = std::max<uint64_t>(last, p + opts_.readahead_pages);
  uint64_t count = 0;
  while (count < opts_.max_run_pages && p + count <= ahead && index_.count(PageId(hash, p + count)) == 0 &&
         inflight_.count(PageId(hash, p + count)) == 0) {
    inflight_.insert(PageId(hash, p + count));
    ++count;
  }
  return count;
}

Status ObjectCache::Read(const std::string& key, uint64_t offset, uint64_t n, std::string* out) {
  out->clear();
  if (n == 0) return Status::Ok();
  const std::string hash = HashKey(key);
  const uint64_t ps = opts_.page_size;
  const uint64_t end = (n == UINT64_MAX || offset + n < offset) ? UINT64_MAX : offset + n;
  const uint64_t first = offset / ps;
  const uint64_t last = end == UINT64_MAX ? UINT64_MAX : (end - 1) / ps;
  // Only the asked bytes of each page are copied out.
  auto append = [&](uint64_t page_no, const Page& pg) {
    const uint64_t start = page_no * ps;
    const uint64_t lo = offset > start ? offset - start : 0;
    const uint64_t hi = std::min<uint64_t>(end - start, pg.data.size());
    if (lo < hi) out->append(pg.data, lo, hi - lo);
  };
  bool eof = false;
  for (uint64_t p = first; p <= last && !eof;) {
    if (PagePtr page = ReadCached(PageId(hash, p))) {
      if (fetched_ != nullptr) fetched_->Inc();
      if (hits_ != nullptr) hits_->Inc();
      append(p, *page);
      eof = page->eof;
      ++p;
      continue;
    }
    const uint64_t count = ClaimRun(hash, p, last);
    if (count == 0) continue;  // fetched by another reader meanwhile (or waited for): look again
    std::vector<PagePtr> pages;
    SKALD_RETURN_IF_ERROR(FetchRun(key, hash, p, count, &pages));
    // Read-ahead pages past the request count as fetched when a later read uses them.
    const uint64_t used = last == UINT64_MAX ? pages.size() : std::min<uint64_t>(pages.size(), last - p + 1);
    if (fetched_ != nullptr) fetched_->Inc(static_cast<double>(used));
    for (uint64_t i = 0; i < used; ++i) {
      append(p + i, *pages[i]);
      eof = pages[i]->eof;
    }
    p += used;
  }
  return Status::Ok();
}

void ObjectCache::Invalidate(const std::string& key) {
  const std::string prefix = HashKey(key) + "/";
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = index_.lower_bound(prefix); it != index_.end() && it->first.starts_with(prefix);) {
    const std::string id = (it++)->first;
    DropLocked(id);
  }
}

uint64_t ObjectCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t ObjectCache::pages() const {
  std::lock_guard<std::mutex> lock(mu_);
  return index_.size();
}

}  // namespace skald::objstore
