// Builds the maintenance subcommands' HTTP client (see tool_client.h).
#include "store/backup/tool_client.h"

#include "common/secret_file.h"

namespace skald::backup {

void AddToolClientFlags(FlagSet& f, ToolClientOptions* o) {
  f.String("ca-file", &o->ca_file, "https: CA certificate(s) to trust (PEM); default: the system's");
  f.String("cert-file", &o->cert_file, "https: client certificate (PEM), for client_auth_type Require*");
  f.String("key-file", &o->key_file, "https: the client certificate's key (PEM)");
  f.Bool("insecure-skip-verify", &o->insecure_skip_verify, "https: do not verify the store's certificate");
  f.String("username", &o->username, "basic auth user (with -password-file)");
  f.String("password-file", &o->password_file, "file holding the basic auth password");
  f.String("bearer-token-file", &o->bearer_token_file, "file holding a bearer token");
}

Result<std::unique_ptr<httplib::Client>> MakeToolClient(const std::string& server, const ToolClientOptions& o) {
  if (o.cert_file.empty() != o.key_file.empty())
    return Status::Invalid("-cert-file and -key-file go together");
  if (o.username.empty() != o.password_file.empty())
    return Status::Invalid("-username and -password-file go together");
  if (!o.username.empty() && !o.bearer_token_file.empty())
    return Status::Invalid("use basic auth (-username) or -bearer-token-file, not both");
  auto cli = o.cert_file.empty() ? std::make_unique<httplib::Client>(server)
                                 : std::make_unique<httplib::Client>(server, o.cert_file, o.key_file);
  if (!cli->is_valid()) return Status::Invalid("cannot use server " + server + " (want http:// or https://host:port)");
  if (!o.ca_file.empty()) cli->set_ca_cert_path(o.ca_file.c_str());
  cli->enable_server_certificate_verification(!o.insecure_skip_verify);
  if (!o.username.empty()) {
    auto pw = ReadSecretFile(o.password_file);
    if (!pw.ok()) return Status::Invalid("-password-file: " + pw.status().message());
    cli->set_basic_auth(o.username, *pw);
  }
  if (!o.bearer_token_file.empty()) {
    auto tok = ReadSecretFile(o.bearer_token_file);
    if (!tok.ok()) return Status::Invalid("-bearer-token-file: " + tok.status().message());
    cli->set_bearer_token_auth(*tok);
  }
  return cli;
}

}  // namespace skald::backup
