// MANIFEST encoding (line-oriented text, see FORMAT.md), atomic write and file verification.
#include "store/backup/manifest.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "store/backup/file_copy.h"
#include "store/fs/crc32c.h"

namespace skald::backup {
namespace {

bool SafePath(const std::string& p) {
  if (p.empty() || p.front() == '/' || p.find('\n') != std::string::npos) return false;
  std::stringstream ss(p);
  std::string part;
  while (std::getline(ss, part, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

Status Bad(int line, const std::string& why) {
  return Status::Corruption("MANIFEST line " + std::to_string(line) + ": " + why);
}

// "file <size> <crc32c hex> <path>"
Status ParseFileLine(const std::string& rest, int lineno, ManifestFile* f) {
  unsigned long long size = 0;
  unsigned crc = 0;
  int used = 0;
  if (std::sscanf(rest.c_str(), "%llu %8x %n", &size, &crc, &used) != 2 || used <= 0)
    return Bad(lineno, "want `file <size> <crc32c> <path>`");
  f->size = size;
  f->crc32c = crc;
  f->path = rest.substr(static_cast<size_t>(used));
  if (!SafePath(f->path)) return Bad(lineno, "unsafe path \"" + f->path + "\"");
  return Status::Ok();
}

}  // namespace

std::string CrcHex(uint32_t v) {
  char b[9];
  std::snprintf(b, sizeof b, "%08x", v);
  return b;
}

std::string EncodeManifest(const Manifest& m) {
  std::string out = "skald-snapshot " + std::to_string(m.version) + "\n";
  out += "store_version " + m.store_version + "\n";
  out += "created_unix_ns " + std::to_string(m.created_unix_ns) + "\n";
  out += "source_dir " + m.source_dir + "\n";
  for (const auto& f : m.files)
    out += "file " + std::to_string(f.size) + " " + CrcHex(f.crc32c) + " " + f.path + "\n";
  out += "end " + CrcHex(fs::Crc32c(out)) + "\n";
  return out;
}

Result<Manifest> ParseManifest(const std::string& text) {
  Manifest m;
  size_t pos = 0, body_end = std::string::npos;
  int lineno = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) return Bad(lineno + 1, "missing newline (truncated file?)");
    std::string line = text.substr(pos, nl - pos);
    ++lineno;
    size_t sp = line.find(' ');
    std::string key = line.substr(0, sp), rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (lineno == 1) {
      if (key != "skald-snapshot") return Bad(1, "not a skald snapshot manifest");
      if (rest != std::to_string(kManifestVersion)) return Bad(1, "unsupported version " + rest);
    } else if (key == "store_version") {
      m.store_version = rest;
    } else if (key == "created_unix_ns") {
      m.created_unix_ns = std::strtoll(rest.c_str(), nullptr, 10);
    } else if (key == "source_dir") {
      m.source_dir = rest;
    } else if (key == "file") {
      ManifestFile f;
      SKALD_RETURN_IF_ERROR(ParseFileLine(rest, lineno, &f));
      m.files.push_back(std::move(f));
    } else if (key == "end") {
      if (rest != CrcHex(fs::Crc32c(std::string_view(text).substr(0, pos)))) return Bad(lineno, "checksum mismatch");
      body_end = nl + 1;
      break;
    } else {
      return Bad(lineno, "unknown key \"" + key + "\"");
    }
    pos = nl + 1;
  }
  if (body_end == std::string::npos) return Bad(lineno, "no `end` line (truncated file?)");
  if (body_end != text.size()) return Bad(lineno + 1, "data after `end`");
  return m;
}

Status WriteManifest(const std::string& dir, const Manifest& m) {
  const std::string tmp = Join(dir, std::string(kManifestName) + ".tmp");
  SKALD_RETURN_IF_ERROR(WriteFileSynced(tmp, EncodeManifest(m)));
  if (std::rename(tmp.c_str(), Join(dir, kManifestName).c_str()) != 0)
    return Status::IOError("renaming the MANIFEST into " + dir);
  return SyncDir(dir);
}

Result<Manifest> ReadManifest(const std::string& dir) {
  const std::string path = Join(dir, kManifestName);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": no MANIFEST (not a snapshot, or an incomplete one)");
  std::stringstream ss;
  ss << in.rdbuf();
  auto m = ParseManifest(ss.str());
  if (!m.ok()) return m.status().Annotate(path);
  return m;
}

std::vector<std::string> VerifyManifestFiles(const std::string& dir, const Manifest& m) {
  std::vector<std::string> problems;
  for (const auto& f : m.files) {
    uint64_t size = 0;
    uint32_t crc = 0;
    Status st = FileCrc(Join(dir, f.path), &size, &crc);
    if (!st.ok()) {
      problems.push_back(f.path + ": missing or unreadable (" + st.message() + ")");
    } else if (size != f.size) {
      problems.push_back(f.path + ": size " + std::to_string(size) + ", MANIFEST says " + std::to_string(f.size));
    } else if (crc != f.crc32c) {
      problems.push_back(f.path + ": crc32c " + CrcHex(crc) + ", MANIFEST says " + CrcHex(f.crc32c));
    }
  }
  return problems;
}

}  // namespace skald::backup
