// The three EntrySource kinds. Decoded blocks live only while their source is being merged, so a
// read holds at most one decompressed block per overlapping run.
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

}  // namespace

std::unique_ptr<EntrySource> MakeSortedSource(SortedPtr block) { return std::make_unique<SortedSource>(std::move(block)); }
std::unique_ptr<EntrySource> MakeBlockSource(chunk::BlockPtr block) { return std::make_unique<BlockSource>(std::move(block)); }
std::unique_ptr<EntrySource> MakeFileBlockSource(const chunk::ChunkFiles* files, chunk::ChunkRef ref,
                                                 std::shared_ptr<const chunk::ChunkHeader> header, size_t i) {
  return std::make_unique<FileBlockSource>(files, std::move(ref), std::move(header), i);
}

}  // namespace skald::head
