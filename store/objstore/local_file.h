// Local files the object stores write: a whole buffer to an fd, and a file made durable through a
// temp file (fsync, rename, fsync of its directory) — shared by the directory store's writes and
// both stores' GetFile, and the page cache's page files.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::objstore {

// Writes all of `data` to fd (retrying short writes and EINTR); `path` names it in errors.
Status WriteAll(int fd, std::string_view data, const std::string& path);

// Creates `path` durably: `fill` writes the bytes into `<path>.tmp` (given its fd and name), then
// the temp file is fsynced and renamed onto `path`, and the directory fsynced. On any failure the
// temp file is removed and `path` is untouched.
Status WriteFileDurably(const std::string& path, const std::function<Status(int fd, const std::string& tmp)>& fill);

}  // namespace skald::objstore
