// Password verification through libxcrypt for each accepted method, the refused ones, and the
// bearer token digest matching sha256sum's output.
#include <catch.hpp>

#include "store/auth/password_hash.h"

using namespace skald::auth;

TEST_CASE("bcrypt, yescrypt and sha512crypt hashes verify the right password only") {
  for (const char* prefix : {"$2b$", "$y$", "$6$"}) {
    INFO(prefix);
    auto h = HashPassword("correct horse", prefix, prefix == std::string("$2b$") ? 5 : 0);
    REQUIRE(h.ok());
    CHECK(h->rfind(prefix, 0) == 0);
    CHECK(ValidatePasswordHash(*h).ok());
    CHECK(VerifyPassword("correct horse", *h));
    CHECK_FALSE(VerifyPassword("correct horsE", *h));
    CHECK_FALSE(VerifyPassword("", *h));
    CHECK_FALSE(VerifyPassword(std::string("correct horse\0x", 15), *h));
  }
}

TEST_CASE("a known htpasswd-style $2y$ hash verifies") {
  // htpasswd -nbB -C 5 u password (apache2-utils writes $2y$)
  auto h = HashPassword("password", "$2y$", 5);
  if (h.ok()) {
    CHECK(VerifyPassword("password", *h));
  }
  // Made once with `openssl passwd -6 -salt saltsalt password`.
  const std::string sha512 =
      "$6$saltsalt$qFmFH.bQmmtXzyBY0s9v7Oicd2z4XSIecDzlB5KiA2/jctKu9YterLp8wwnSq.qc.eoxqOmSuNp2xS0ktL3nh/";
  CHECK(VerifyPassword("password", sha512));
  CHECK_FALSE(VerifyPassword("passwore", sha512));
}

TEST_CASE("plain text, DES, MD5 and broken hashes are refused") {
  for (const char* bad : {"hunter2", "abJnggxhB/yWI", "$1$salt$qJH7.N4xYta3aEG/dfqo/0", "$2b$", "$2b$05$short",
                          "$6$", ""}) {
    INFO(bad);
    CHECK_FALSE(ValidatePasswordHash(bad).ok());
    CHECK_FALSE(VerifyPassword("hunter2", bad));
  }
}

TEST_CASE("the token digest is sha256sum's lowercase hex") {
  // printf %s abc | sha256sum
  CHECK(TokenSha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ValidateTokenSha256(TokenSha256("x")).ok());
  CHECK_FALSE(ValidateTokenSha256("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD").ok());
  CHECK_FALSE(ValidateTokenSha256("abc").ok());
}

TEST_CASE("constant-time equality") {
  CHECK(ConstantTimeEqual("abc", "abc"));
  CHECK_FALSE(ConstantTimeEqual("abc", "abd"));
  CHECK_FALSE(ConstantTimeEqual("abc", "ab"));
}

TEST_CASE("hashes whose cost would stall the store are refused") {
  for (const char* slow : {"$2b$31$abcdefghijklmnopqrstuuCNvyNLm0i1jUcqZs5xm2bxCEcS8rSdS",
                           "$y$jzT$abcdefghijklmnop$abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
                           "$y$j9Tzz$abcdefghijklmnop$abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
                           "$6$rounds=99999999$salt$abc", "$6$rounds=$salt$abc"}) {
    INFO(slow);
    CHECK_FALSE(ValidatePasswordHash(slow).ok());
    CHECK_FALSE(VerifyPassword("x", slow));
  }
  auto ok = HashPassword("x", "$6$", 20000);
  REQUIRE(ok.ok());
  CHECK(ok->find("rounds=20000") != std::string::npos);
  CHECK(ValidatePasswordHash(*ok).ok());
}
