// FUZZ_LINK: skald_store_auth
// libFuzzer target for skald_auth's credentials file: any text parses or fails with a Status (no
// exception escapes, no hash with a runaway cost is ever run), and a parsed set is self-consistent.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/auth/credentials_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto set = skald::auth::ParseCredentials("fuzz.yaml", text);
  if (!set.ok()) return 0;
  // Every credential the set finds allows what it lists and has at least one scope.
  const skald::auth::Credential* c = set->FindUser("collector");
  if (c != nullptr && (c->scopes == 0 || c->tenants.empty())) std::abort();
  return 0;
}
