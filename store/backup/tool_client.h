// Connection options of the maintenance subcommands that talk to a running store (backup, export,
// import): TLS (CA, client certificate) and credentials, so they work against a secured store.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "common/cli_flags.h"
#include "common/status.h"

namespace skald::backup {

struct ToolClientOptions {
  std::string ca_file, cert_file, key_file;   // https: the CA to trust, a client certificate
  bool insecure_skip_verify = false;
  std::string username, password_file;        // basic auth (the password is read from the file)
  std::string bearer_token_file;
};

// Registers -ca-file, -cert-file, -key-file, -insecure-skip-verify, -username, -password-file,
// -bearer-token-file on `flags`.
void AddToolClientFlags(FlagSet& flags, ToolClientOptions* o);

// A client for `server` (http:// or https://) with `o` applied. Errors: unreadable secret files,
// a certificate without its key, a username without a password file, basic and bearer both set.
Result<std::unique_ptr<httplib::Client>> MakeToolClient(const std::string& server, const ToolClientOptions& o);

}  // namespace skald::backup
