// Snapshot MANIFEST: the list of files in a backup with their sizes and CRC-32C, plus the store
// version and creation time. A snapshot without a MANIFEST is incomplete (see FORMAT.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace skald::backup {

constexpr int kManifestVersion = 1;
constexpr const char* kManifestName = "MANIFEST";

struct ManifestFile {
  std::string path;      // relative to the snapshot root, '/'-separated
  uint64_t size = 0;
  uint32_t crc32c = 0;
};

struct Manifest {
  int version = kManifestVersion;
  std::string store_version;
  int64_t created_unix_ns = 0;
  std::string source_dir;          // data dir the snapshot was taken from (informational)
  std::vector<ManifestFile> files;
};

// A CRC-32C as the MANIFEST writes it: 8 lowercase hex digits.
std::string CrcHex(uint32_t v);

std::string EncodeManifest(const Manifest& m);
// Rejects unknown versions, malformed lines, unsafe paths (absolute, `..`) and a bad trailer CRC.
Result<Manifest> ParseManifest(const std::string& text);

// Writes <dir>/MANIFEST atomically (temp file, fsync, rename, fsync dir).
Status WriteManifest(const std::string& dir, const Manifest& m);
Result<Manifest> ReadManifest(const std::string& dir);

// One problem per mismatching file: missing, wrong size, or wrong CRC ("<path>: ...").
std::vector<std::string> VerifyManifestFiles(const std::string& dir, const Manifest& m);

}  // namespace skald::backup
