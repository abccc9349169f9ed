// SigV4 signing: see sigv4.h. Follows AWS's "Signature Version 4 signing process" for S3
// (single-encoded canonical URI, sorted query and headers, trimmed header values).
#include "store/objstore/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

namespace skald::objstore {

namespace {

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values: leading/trailing spaces removed and inner runs of spaces folded to one.
std::string TrimFold(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string HexOf(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string Sha256HexOf(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return HexOf(std::string_view(reinterpret_cast<const char*>(md), sizeof(md)));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string UriEncode(std::string_view s, bool encode_slash) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (Unreserved(c) || (c == '/' && !encode_slash)) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) enc.emplace_back(UriEncode(k, true), UriEncode(v, true));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string AmzDate(int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SigV4Result SignV4(SigV4Request* req, const SigV4Credentials& creds, const std::string& region,
                   const std::string& amz_date) {
  req->headers.emplace_back("x-amz-content-sha256", req->payload_sha256);
  req->headers.emplace_back("x-amz-date", amz_date);
  if (!creds.session_token.empty()) req->headers.emplace_back("x-amz-security-token", creds.session_token);

  std::vector<std::pair<std::string, std::string>> hs;
  for (const auto& [k, v] : req->headers) hs.emplace_back(Lower(k), TrimFold(v));
  std::stable_sort(hs.begin(), hs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string canon_headers, signed_headers;
  for (size_t i = 0; i < hs.size(); ++i) {
    // Repeated names are joined with ',' as one canonical header.
    if (i > 0 && hs[i].first == hs[i - 1].first) {
      canon_headers.pop_back();
      canon_headers += "," + hs[i].second + "\n";
      continue;
    }
    canon_headers += hs[i].first + ":" + hs[i].second + "\n";
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += hs[i].first;
  }
  SigV4Result r;
  r.canonical_request = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", req->method,
                                    UriEncode(req->path.empty() ? "/" : req->path, false),
                                    CanonicalQuery(req->query), canon_headers, signed_headers,
                                    req->payload_sha256);
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = fmt::format("{}/{}/s3/aws4_request", date, region);
  r.string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", amz_date, scope,
                                 Sha256HexOf(r.canonical_request));
  std::string key = HmacSha256("AWS4" + creds.secret_access_key, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, "s3");
  key = HmacSha256(key, "aws4_request");
  r.signature = HexOf(HmacSha256(key, r.string_to_sign));
  r.authorization = fmt::format("AWS4-HMAC-SHA256 Credential={}/{},SignedHeaders={},Signature={}",
                                creds.access_key_id, scope, signed_headers, r.signature);
  return r;
}

}  // namespace skald::objstore
