// FUZZ_LINK: skald_store_backup
// libFuzzer target for the snapshot MANIFEST parser (read by `skald-store restore`/`check`): any text
// must parse or fail with a Status; what parses has only safe paths and re-encodes to a valid MANIFEST.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "store/backup/manifest.h"

using namespace skald::backup;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto m = ParseManifest(text);
  if (!m.ok()) return 0;
  for (const auto& f : m->files)
    if (f.path.empty() || f.path[0] == '/' || f.path.find("..") != std::string::npos) std::abort();
  auto again = ParseManifest(EncodeManifest(*m));
  if (!again.ok() || again->files.size() != m->files.size()) std::abort();
  for (size_t i = 0; i < m->files.size(); i++)
    if (again->files[i].path != m->files[i].path || again->files[i].size != m->files[i].size ||
        again->files[i].crc32c != m->files[i].crc32c)
      std::abort();
  return 0;
}
