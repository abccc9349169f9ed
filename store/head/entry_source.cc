// The EntrySource kinds (a chunk on disk is deferred until the merge reaches it). Decoded blocks
// live only while their source is being merged, so a read holds one decompressed block per run.
#include "store/head/entry_source.h"

namespace skald::head {
namespace {

class SortedSource : public EntrySource {
 public:
  explicit SortedSource(SortedPtr b) : b_(std::move(b)) { min_ts_ = b_->min_ts; max_ts_ = b_->max_ts; }
  Status Load() override { return Status::Ok(); }
  void Release() override { b_.reset(); }
  size_t size() const override { return b_ ? b_->size() : 0; }
  int64_t ts(size_t i) const override { return b_->ts(i); }
  std::string_view line(size_t i) const override { return b_->line(i); }
  const std::vector<Label>* metadata(size_t i) const override { return b_->metadata(i); }

 private:
  SortedPtr b_;
};

class DecodedSource : public EntrySource {
 public:
  void Release() override { d_.reset(); }
  size_t size() const override { return d_ ? d_->size() : 0; }
  int64_t ts(size_t i) const override { return d_->ts(i); }
  std::string_view line(size_t i) const override { return d_->line(i); }
  const std::vector<Label>* metadata(size_t i) const override { return d_->metadata(i); }

 protected:
  std::unique_ptr<chunk::DecodedBlock> d_;
};

class BlockSource : public DecodedSource {
 public:
  explicit BlockSource(chunk::BlockPtr b) : b_(std::move(b)) { min_ts_ = b_->meta.min_ts; max_ts_ = b_->meta.max_ts; }
  Status Load() override {
    d_ = std::make_unique<chunk::DecodedBlock>();
    return d_->Decode(b_->meta, b_->data);
  }

 private:
  chunk::BlockPtr b_;
};

class FileBlockSource : public DecodedSource {
 public:
  FileBlockSource(const chunk::ChunkFiles* files, chunk::ChunkRef ref,
                  std::shared_ptr<const chunk::ChunkHeader> h, size_t i)
      : files_(files), ref_(std::move(ref)), h_(std::move(h)), i_(i) {
    min_ts_ = h_->blocks[i].min_ts;
    max_ts_ = h_->blocks[i].max_ts;
  }
  Status Load() override {
    std::string comp;
    SKALD_RETURN_IF_ERROR(files_->ReadBlock(ref_, *h_, i_, &comp));
    d_ = std::make_unique<chunk::DecodedBlock>();
    return d_->Decode(h_->blocks[i_], comp).Annotate(ref_.file + " @" + std::to_string(ref_.offset) + " block " +
                                                     std::to_string(i_));
  }

 private:
  const chunk::ChunkFiles* files_;
  chunk::ChunkRef ref_;
  std::shared_ptr<const chunk::ChunkHeader> h_;
  size_t i_;
};

class FileChunkSource : public EntrySource {
 public:
  FileChunkSource(const chunk::ChunkFiles* files, chunk::ChunkRef ref, int64_t start, int64_t end)
      : files_(files), ref_(std::move(ref)), start_(start), end_(end) {
    min_ts_ = ref_.min_ts;
    max_ts_ = ref_.max_ts;
  }
  bool deferred() const override { return true; }
  Status Expand(std::vector<std::unique_ptr<EntrySource>>* out) override {
    auto h = files_->Header(ref_);
    if (!h.ok()) return h.status();
    const auto& hp = *h;
    for (size_t i = 0; i < hp->blocks.size(); ++i)
      if (hp->blocks[i].min_ts < end_ && hp->blocks[i].max_ts >= start_)
        out->push_back(std::make_unique<FileBlockSource>(files_, ref_, hp, i));
    return Status::Ok();
  }
  Status Load() override { return Status::Internal("a deferred chunk source is expanded, not loaded"); }
  void Release() override {}
  size_t size() const override { return 0; }
  int64_t ts(size_t) const override { return 0; }
  std::string_view line(size_t) const override { return {}; }
  const std::vector<Label>* metadata(size_t) const override { return nullptr; }

 private:
  const chunk::ChunkFiles* files_;
  chunk::ChunkRef ref_;
  int64_t start_, end_;
};

ChunkSummary SummaryOf(const chunk::BlockMeta& m) {
  return {m.min_ts, m.max_ts, m.entries, static_cast<int64_t>(m.line_bytes)};
}

void CopySizes(const chunk::BlockSizes& b, std::vector<int64_t>* ts, std::vector<uint32_t>* len, bool* meta) {
  ts->assign(b.ts.begin(), b.ts.end());
  len->assign(b.len.begin(), b.len.end());
  *meta = b.metadata;
}

class SortedCountRun : public CountRun {
 public:
  explicit SortedCountRun(SortedPtr b) : b_(std::move(b)) {
    summary = {b_->min_ts, b_->max_ts, static_cast<int64_t>(b_->size()), static_cast<int64_t>(b_->bytes)};
    metadata = !b_->metas.empty();
  }
  Status Load(std::vector<int64_t>* ts, std::vector<uint32_t>* len, bool* meta) override {
    ts->resize(b_->size());
    len->resize(b_->size());
    for (size_t i = 0; i < b_->size(); ++i) (*ts)[i] = b_->ents[i].ts, (*len)[i] = b_->ents[i].len;
    *meta = !b_->metas.empty();
    return Status::Ok();
  }

 private:
  SortedPtr b_;
};

class BlockCountRun : public CountRun {
 public:
  explicit BlockCountRun(chunk::BlockPtr b) : b_(std::move(b)) {
    summary = SummaryOf(b_->meta);
    metadata = b_->meta.metadata;
  }
  Status Load(std::vector<int64_t>* ts, std::vector<uint32_t>* len, bool* meta) override {
    chunk::BlockSizes sz;
    SKALD_RETURN_IF_ERROR(chunk::DecodeBlockSizes(b_->meta, b_->data, &sz));
    CopySizes(sz, ts, len, meta);
    return Status::Ok();
  }

 private:
  chunk::BlockPtr b_;
};

class FileBlockCountRun : public CountRun {
 public:
  FileBlockCountRun(const chunk::ChunkFiles* files, chunk::ChunkRef ref, std::shared_ptr<const chunk::ChunkHeader> h,
                    size_t i)
      : files_(files), ref_(std::move(ref)), h_(std::move(h)), i_(i) {
    summary = SummaryOf(h_->blocks[i]);
    metadata = h_->blocks[i].metadata;
  }
  Status Load(std::vector<int64_t>* ts, std::vector<uint32_t>* len, bool* meta) override {
    thread_local std::string comp;
    thread_local chunk::BlockSizes sz;
    SKALD_RETURN_IF_ERROR(files_->ReadBlock(ref_, *h_, i_, &comp));
    SKALD_RETURN_IF_ERROR(chunk::DecodeBlockSizes(h_->blocks[i_], comp, &sz)
                              .Annotate(ref_.file + " @" + std::to_string(ref_.offset) + " block " + std::to_string(i_)));
    CopySizes(sz, ts, len, meta);
    return Status::Ok();
  }

 private:
  const chunk::ChunkFiles* files_;
  chunk::ChunkRef ref_;
  std::shared_ptr<const chunk::ChunkHeader> h_;
  size_t i_;
};

}  // namespace

std::unique_ptr<CountRun> MakeSortedCountRun(SortedPtr block) { return std::make_unique<SortedCountRun>(std::move(block)); }
std::unique_ptr<CountRun> MakeBlockCountRun(chunk::BlockPtr block) { return std::make_unique<BlockCountRun>(std::move(block)); }
std::unique_ptr<CountRun> MakeFileBlockCountRun(const chunk::ChunkFiles* files, chunk::ChunkRef ref,
                                                std::shared_ptr<const chunk::ChunkHeader> header, size_t i) {
  return std::make_unique<FileBlockCountRun>(files, std::move(ref), std::move(header), i);
}

std::unique_ptr<EntrySource> MakeSortedSource(SortedPtr block) { return std::make_unique<SortedSource>(std::move(block)); }
std::unique_ptr<EntrySource> MakeBlockSource(chunk::BlockPtr block) { return std::make_unique<BlockSource>(std::move(block)); }
std::unique_ptr<EntrySource> MakeFileBlockSource(const chunk::ChunkFiles* files, chunk::ChunkRef ref,
                                                 std::shared_ptr<const chunk::ChunkHeader> header, size_t i) {
  return std::make_unique<FileBlockSource>(files, std::move(ref), std::move(header), i);
}
std::unique_ptr<EntrySource> MakeFileChunkSource(const chunk::ChunkFiles* files, chunk::ChunkRef ref, int64_t start,
                                                 int64_t end) {
  return std::make_unique<FileChunkSource>(files, std::move(ref), start, end);
}

}  // namespace skald::head
