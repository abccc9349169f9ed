// Credentials file parsing (see credentials_file.h): the config schema walker checks keys and
// types; a second pass checks each entry as a whole (one secret kind, tenants, scopes, no duplicates).
#include "store/auth/credentials_file.h"

#include <set>

#include "common/config_yaml.h"
#include "store/auth/password_hash.h"
#include "store/auth/route_scopes.h"
#include "store/ingest/tenant.h"

namespace skald::auth {
namespace {

using config::Key;
using config::Schema;

config::Binder BindHash(std::string* out) {
  return [out](const YAML::Node& n) -> Status {
    if (!n.IsScalar()) return Status::Invalid("expected a string");
    SKALD_RETURN_IF_ERROR(ValidatePasswordHash(n.Scalar()));
    *out = n.Scalar();
    return Status::Ok();
  };
}

config::Binder BindToken(std::string* out) {
  return [out](const YAML::Node& n) -> Status {
    if (!n.IsScalar()) return Status::Invalid("expected a string");
    SKALD_RETURN_IF_ERROR(ValidateTokenSha256(n.Scalar()));
    *out = n.Scalar();
    return Status::Ok();
  };
}

config::Binder BindTenants(std::vector<std::string>* out) {
  return [out](const YAML::Node& n) -> Status {
    SKALD_RETURN_IF_ERROR(config::BindStringList(out)(n));
    for (const std::string& t : *out) {
      if (t == kAnyTenant) continue;
      Status st = ingest::ValidateTenantId(t);
      if (!st.ok()) return Status::Invalid("tenant \"" + t + "\": " + st.message());
    }
    return Status::Ok();
  };
}

config::Binder BindScopes(uint32_t* out) {
  return [out](const YAML::Node& n) -> Status {
    std::vector<std::string> names;
    SKALD_RETURN_IF_ERROR(config::BindStringList(&names)(n));
    for (const std::string& s : names) {
      Scope sc = ParseScope(s);
      if (sc == kScopeNone) return Status::Invalid("unknown scope \"" + s + "\" (want push, read or admin)");
      *out |= sc;
    }
    return Status::Ok();
  };
}

Schema CredentialKeys(Credential* c) {
  return {config::Value("name", config::BindString(&c->name)),
          config::Section("basic_auth", {config::Value("username", config::BindString(&c->username)),
                                         config::Value("password_hash", BindHash(&c->password_hash))}),
          config::Value("bearer_token_sha256", BindToken(&c->token_sha256)),
          config::Value("tenants", BindTenants(&c->tenants)),
          config::Value("scopes", BindScopes(&c->scopes))};
}

// Whole-entry checks; `node` is the entry, for its line number.
void CheckEntry(config::Walker& w, const YAML::Node& node, const Credential& c, std::set<std::string>* names,
                std::set<std::string>* users, std::set<std::string>* tokens) {
  const std::string who = "credential \"" + c.name + "\"";
  if (c.name.empty()) w.AddError(node, "key \"credentials.name\": missing (every credential needs a name)");
  if (!c.name.empty() && !names->insert(c.name).second) w.AddError(node, who + ": name used twice");
  const bool basic = !c.username.empty() || !c.password_hash.empty();
  const bool bearer = !c.token_sha256.empty();
  if (basic == bearer)
    w.AddError(node, who + ": needs exactly one of basic_auth or bearer_token_sha256");
  if (basic && (c.username.empty() || c.password_hash.empty()))
    w.AddError(node, "key \"credentials.basic_auth\": " + who + " needs username and password_hash");
  if (!c.username.empty() && !users->insert(c.username).second)
    w.AddError(node, "key \"credentials.basic_auth.username\": " + who + ": username used twice");
  if (bearer && !tokens->insert(c.token_sha256).second)
    w.AddError(node, "key \"credentials.bearer_token_sha256\": " + who + ": token used twice");
  if (c.tenants.empty()) w.AddError(node, "key \"credentials.tenants\": " + who + " lists no tenant");
  if (c.scopes == 0) w.AddError(node, "key \"credentials.scopes\": " + who + " lists no scope");
}

}  // namespace

bool Credential::AllowsTenant(const std::string& tenant) const {
  for (const std::string& t : tenants) {
    if (t == kAnyTenant || t == tenant) return true;
  }
  return false;
}

const std::string* Credential::SoleTenant() const {
  if (tenants.size() != 1 || tenants[0] == kAnyTenant) return nullptr;
  return &tenants[0];
}

const Credential* CredentialSet::FindUser(const std::string& username) const {
  auto it = by_user_.find(username);
  return it == by_user_.end() ? nullptr : it->second;
}

const Credential* CredentialSet::FindToken(const std::string& sha256_hex) const {
  auto it = by_token_.find(sha256_hex);
  return it == by_token_.end() ? nullptr : it->second;
}

Result<CredentialSet> ParseCredentials(const std::string& name, const std::string& yaml_text) {
  auto doc = config::ParseYamlText(name, yaml_text, false);
  if (!doc.ok()) return doc.status();
  CredentialSet set;
  config::Walker w(name);
  w.Walk(doc->root, {config::List("credentials", [&set](size_t) {
                       set.creds_.emplace_back();
                       return CredentialKeys(&set.creds_.back());
                     })},
         "");
  const YAML::Node list = doc->root.IsMap() ? doc->root["credentials"] : YAML::Node();
  std::set<std::string> names, users, tokens;
  for (size_t i = 0; i < set.creds_.size() && list && list.IsSequence() && i < list.size(); ++i)
    CheckEntry(w, list[i], set.creds_[i], &names, &users, &tokens);
  SKALD_RETURN_IF_ERROR(w.ToStatus());
  for (const Credential& c : set.creds_) {
    if (!c.username.empty()) set.by_user_[c.username] = &c;
    if (!c.token_sha256.empty()) set.by_token_[c.token_sha256] = &c;
  }
  return set;
}

Result<CredentialSet> LoadCredentialsFile(const std::string& path) {
  auto doc = config::LoadYamlFile(path, false);
  if (!doc.ok()) return doc.status();
  return ParseCredentials(path, doc->text);
}

}  // namespace skald::auth
