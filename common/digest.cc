// EVP_Digest one-shots (see digest.h); no state is kept between calls.
#include "common/digest.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace skald {
namespace {

// Digest bytes of `data` under `md` into out (EVP_MAX_MD_SIZE); returns the length.
unsigned Digest(const EVP_MD* md, std::string_view data, unsigned char* out) {
  unsigned len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) std::abort();  // only on OOM
  return len;
}

std::string Hex(const EVP_MD* md, std::string_view data) {
  static const char kDigits[] = "0123456789abcdef";
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned n = Digest(md, data, buf);
  std::string out(2 * n, '0');
  for (unsigned i = 0; i < n; ++i) {
    out[2 * i] = kDigits[buf[i] >> 4];
    out[2 * i + 1] = kDigits[buf[i] & 15];
  }
  return out;
}

}  // namespace

std::array<uint8_t, 16> Md5(std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  Digest(EVP_md5(), data, buf);
  std::array<uint8_t, 16> out;
  for (size_t i = 0; i < out.size(); ++i) out[i] = buf[i];
  return out;
}

std::string Sha256Hex(std::string_view data) { return Hex(EVP_sha256(), data); }
std::string Sha3_256Hex(std::string_view data) { return Hex(EVP_sha3_256(), data); }

}  // namespace skald
