// SigV4 signer against AWS's published S3 examples (examplebucket, 20130524T000000Z): GET object
// with Range, PUT object, GET ?lifecycle and a ListObjects query; plus URI-encoding rules.
#include "store/objstore/sigv4.h"

#include <catch.hpp>

using namespace skald::objstore;

namespace {

const SigV4Credentials kCreds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const char* kEmptySha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const char* kHost = "examplebucket.s3.amazonaws.com";

}  // namespace

TEST_CASE("sigv4 signs AWS's GET object with Range example") {
  SigV4Request req{"GET", "/test.txt", {}, {{"Host", kHost}, {"Range", "bytes=0-9"}}, kEmptySha};
  const SigV4Result r = SignV4(&req, kCreds, "us-east-1", "20130524T000000Z");
  CHECK(r.canonical_request ==
        "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(r.string_to_sign ==
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
        "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  CHECK(r.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  CHECK(r.authorization ==
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  // The signer adds the headers it signed, for the caller to send.
  CHECK(req.headers.size() == 4);
  CHECK(req.headers[2] == std::make_pair(std::string("x-amz-content-sha256"), std::string(kEmptySha)));
  CHECK(req.headers[3] == std::make_pair(std::string("x-amz-date"), std::string("20130524T000000Z")));
}

TEST_CASE("sigv4 signs AWS's PUT object example with a '$' in the key") {
  const std::string body = "Welcome to Amazon S3.";
  SigV4Request req{"PUT",
                   "/test$file.text",
                   {},
                   {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                    {"Host", kHost},
                    {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                   Sha256HexOf(body)};
  CHECK(req.payload_sha256 == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  const SigV4Result r = SignV4(&req, kCreds, "us-east-1", "20130524T000000Z");
  CHECK(r.canonical_request.starts_with("PUT\n/test%24file.text\n\n"));
  CHECK(r.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("sigv4 signs AWS's GET bucket lifecycle and list-objects examples") {
  SigV4Request lifecycle{"GET", "/", {{"lifecycle", ""}}, {{"Host", kHost}}, kEmptySha};
  const SigV4Result a = SignV4(&lifecycle, kCreds, "us-east-1", "20130524T000000Z");
  CHECK(a.canonical_request.starts_with("GET\n/\nlifecycle=\n"));
  CHECK(a.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");

  SigV4Request list{"GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {{"Host", kHost}}, kEmptySha};
  const SigV4Result b = SignV4(&list, kCreds, "us-east-1", "20130524T000000Z");
  CHECK(b.canonical_request.starts_with("GET\n/\nmax-keys=2&prefix=J\n"));
  CHECK(b.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST_CASE("sigv4 adds and signs x-amz-security-token with a session token") {
  SigV4Credentials creds = kCreds;
  creds.session_token = "token/with+chars";
  SigV4Request req{"GET", "/k", {}, {{"host", "h"}}, kUnsignedPayload};
  const SigV4Result r = SignV4(&req, creds, "eu-west-1", "20240102T030405Z");
  CHECK(r.authorization.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,") !=
        std::string::npos);
  CHECK(r.canonical_request.find("x-amz-security-token:token/with+chars\n") != std::string::npos);
  CHECK(r.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
  CHECK(r.string_to_sign.find("20240102/eu-west-1/s3/aws4_request") != std::string::npos);
}

TEST_CASE("sigv4 URI encoding follows S3's rules") {
  struct Case {
    const char* in;
    bool encode_slash;
    const char* want;
  };
  const Case cases[] = {
      {"a/b c", false, "a/b%20c"},
      {"a/b c", true, "a%2Fb%20c"},
      {"AZaz09-_.~", true, "AZaz09-_.~"},
      {"+=&?%*", true, "%2B%3D%26%3F%25%2A"},
      {"\xc3\xa9", false, "%C3%A9"},
      {"%20", false, "%2520"},  // already-encoded input is encoded once more, not decoded
  };
  for (const auto& c : cases) {
    INFO(c.in);
    CHECK(UriEncode(c.in, c.encode_slash) == c.want);
  }
  CHECK(CanonicalQuery({{"b", "2"}, {"a", "x y"}, {"a", "1"}}) == "a=1&a=x%20y&b=2");
  CHECK(AmzDate(1369353600) == "20130524T000000Z");
}

TEST_CASE("sigv4 folds header whitespace and joins repeated headers") {
  SigV4Request req{"GET", "/", {}, {{"host", "h"}, {"X-Amz-Meta-A", "  a   b  "}, {"x-amz-meta-a", "c"}},
                   kEmptySha};
  const SigV4Result r = SignV4(&req, kCreds, "us-east-1", "20130524T000000Z");
  CHECK(r.canonical_request.find("x-amz-meta-a:a b,c\n") != std::string::npos);
  CHECK(r.authorization.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-meta-a,") !=
        std::string::npos);
}
