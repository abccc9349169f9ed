// CopyObject and Sha256File: a streaming digest over OpenSSL's EVP, so segments of any size are
// never held in memory.
#include "store/backup/object_copy.h"

#include <openssl/evp.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "store/backup/file_copy.h"

namespace skald::backup {

Status Sha256File(const std::string& path, std::string* hex, uint64_t* size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("open " + path);
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return Status::Internal("EVP sha256 init");
  std::vector<char> buf(1 << 20);
  *size = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto n = static_cast<size_t>(in.gcount());
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), n);
    *size += n;
  }
  if (in.bad()) return Status::IOError("read " + path);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  hex->clear();
  for (unsigned int i = 0; i < len; ++i) *hex += fmt::format("{:02x}", md[i]);
  return Status::Ok();
}

Status CopyObject(objstore::ObjectStore& src, objstore::ObjectStore& dst, const std::string& key,
                  const std::string& scratch_dir, const BucketObject* expect, BucketObject* out) {
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = Join(scratch_dir, fmt::format("copy-{}-{}", ::getpid(), counter.fetch_add(1)));
  struct Cleanup {
    std::string p;
    ~Cleanup() { ::unlink(p.c_str()); ::unlink((p + ".tmp").c_str()); }
  } cleanup{tmp};
  Status st = src.GetFile(key, tmp);
  if (!st.ok()) return st.code() == Code::kNotFound ? st : st.Annotate("reading " + key);
  out->key = key;
  SKALD_RETURN_IF_ERROR(Sha256File(tmp, &out->sha256, &out->size));
  if (expect && (expect->size != out->size || expect->sha256 != out->sha256))
    return Status::Corruption(fmt::format("{}: {} bytes with sha256 {}, the manifest says {} bytes with sha256 {}", key,
                                          out->size, out->sha256, expect->size, expect->sha256));
  st = dst.PutFile(key, tmp);
  return st.ok() ? st : st.Annotate("writing " + key);
}

}  // namespace skald::backup
