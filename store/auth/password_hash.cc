// crypt(3) verification through libxcrypt's crypt_rn (see password_hash.h); each call uses its own
// heap crypt_data, so verification is thread-safe without a lock.
#include "store/auth/password_hash.h"

#include <crypt.h>

#include <cstring>
#include <memory>

#include "common/digest.h"

namespace skald::auth {
namespace {

constexpr const char* kAcceptedPrefixes[] = {"$2b$", "$2y$", "$2a$", "$y$", "$6$", "$5$"};
constexpr const char* kItoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// Refuses costs that would make one verification take seconds or gigabytes (a typo, or a file
// meant to stall the store): bcrypt cost <= 14, yescrypt as libxcrypt's cost 1-11 makes it
// (three parameter characters, N at most `F`), sha-crypt rounds <= 1,000,000.
Status CheckCost(std::string_view h) {
  if (h.starts_with("$2")) {
    if (h.size() < 7 || h[6] != '$' || h[4] < '0' || h[4] > '9' || h[5] < '0' || h[5] > '9')
      return Status::Invalid("password_hash: malformed bcrypt cost");
    if ((h[4] - '0') * 10 + (h[5] - '0') > 14) return Status::Invalid("password_hash: bcrypt cost above 14");
  } else if (h.starts_with("$y$")) {
    std::string_view params = h.substr(3, h.find('$', 3) == std::string_view::npos ? 0 : h.find('$', 3) - 3);
    const char* n = params.size() == 3 ? std::strchr(kItoa64, params[1]) : nullptr;
    if (n == nullptr || params[1] == '\0' || n - kItoa64 > 17)
      return Status::Invalid("password_hash: yescrypt parameters beyond what libxcrypt's cost 1-11 makes");
  } else if (h.size() > 3 && h.substr(3).starts_with("rounds=")) {
    std::string_view digits = h.substr(10, h.find('$', 10) == std::string_view::npos ? 0 : h.find('$', 10) - 10);
    if (digits.empty() || digits.size() > 7 || digits.find_first_not_of("0123456789") != std::string_view::npos ||
        std::stol(std::string(digits)) > 1000000)
      return Status::Invalid("password_hash: sha-crypt rounds above 1000000");
  }
  return Status::Ok();
}

// crypt_rn's result, or "" when it fails (libxcrypt returns nullptr or a string starting with '*').
std::string Crypt(std::string_view password, const std::string& setting) {
  if (password.find('\0') != std::string_view::npos) return "";
  auto data = std::make_unique<crypt_data>();
  std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  if (out == nullptr || out[0] == '*') return "";
  return out;
}

}  // namespace

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Status ValidatePasswordHash(std::string_view hash) {
  bool accepted = false;
  for (const char* p : kAcceptedPrefixes) accepted = accepted || hash.starts_with(p);
  if (!accepted) {
    return Status::Invalid("password_hash must be a crypt(3) hash made with bcrypt ($2b$), yescrypt "
                           "($y$) or sha512crypt ($6$), e.g. by `mkpasswd -m bcrypt`; plain text "
                           "and DES/MD5 hashes are refused");
  }
  SKALD_RETURN_IF_ERROR(CheckCost(hash));
  // A complete hash: hashing anything with it as the setting gives a string of the same shape.
  const std::string probe = Crypt("skald-probe", std::string(hash));
  const size_t setting_end = hash.find_last_of('$');
  if (probe.size() != hash.size() || probe.compare(0, setting_end, hash.substr(0, setting_end)) != 0)
    return Status::Invalid("password_hash is malformed or truncated (not a complete crypt(3) hash)");
  return Status::Ok();
}

bool VerifyPassword(std::string_view password, const std::string& hash) {
  if (!CheckCost(hash).ok()) return false;
  const std::string out = Crypt(password, hash);
  return !out.empty() && ConstantTimeEqual(out, hash);
}

Result<std::string> HashPassword(std::string_view password, const std::string& prefix,
                                 unsigned long cost) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn(prefix.c_str(), cost, nullptr, 0, setting, sizeof(setting)) == nullptr)
    return Status::Invalid("crypt_gensalt_rn cannot make a salt for " + prefix);
  std::string out = Crypt(password, setting);
  if (out.empty()) return Status::Internal("crypt_rn failed for " + prefix);
  return out;
}

Status ValidateTokenSha256(std::string_view hex) {
  bool ok = hex.size() == 64;
  for (char c : hex) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) return Status::Invalid("bearer_token_sha256 must be 64 lowercase hex digits (sha256sum's output)");
  return Status::Ok();
}

std::string TokenSha256(std::string_view token) { return Sha256Hex(token); }

}  // namespace skald::auth
