// The credentials file (docs/SECURITY.md): who may call skald-store, for which tenants and with
// which scopes. Parsed and validated whole; errors name file, line and key.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace skald::auth {

inline constexpr const char* kAnyTenant = "*";

struct Credential {
  std::string name;           // for logs and metrics; unique
  std::string username;       // basic_auth.username ("" for a bearer credential)
  std::string password_hash;  // basic_auth.password_hash: a crypt(3) string
  std::string token_sha256;   // bearer_token_sha256: 64 lowercase hex digits
  std::vector<std::string> tenants;  // allowed X-Scope-OrgID values; "*" = any
  uint32_t scopes = 0;        // Scope flags (route_scopes.h)

  bool AllowsTenant(const std::string& tenant) const;
  // The one tenant to use when a request names none: set when `tenants` is exactly one, not "*".
  const std::string* SoleTenant() const;
};

// Immutable once built; shared by the request threads.
class CredentialSet {
 public:
  CredentialSet() = default;
  CredentialSet(CredentialSet&&) = default;  // the index points into creds_, which a move keeps
  CredentialSet& operator=(CredentialSet&&) = default;
  CredentialSet(const CredentialSet&) = delete;
  CredentialSet& operator=(const CredentialSet&) = delete;

  const Credential* FindUser(const std::string& username) const;
  const Credential* FindToken(const std::string& sha256_hex) const;
  size_t size() const { return creds_.size(); }

 private:
  friend Result<CredentialSet> ParseCredentials(const std::string&, const std::string&);
  std::deque<Credential> creds_;
  std::unordered_map<std::string, const Credential*> by_user_, by_token_;
};

// `name` is used in messages (the file path). Every problem is reported, one per line.
Result<CredentialSet> ParseCredentials(const std::string& name, const std::string& yaml_text);
Result<CredentialSet> LoadCredentialsFile(const std::string& path);

}  // namespace skald::auth
