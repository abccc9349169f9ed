// The web UI's files as compiled into skald-store (ui/ bundled by esbuild, embedded by cmake/ui.cmake
// when SKALD_UI is on); an empty list when the store was built without the UI.
#pragma once

#include <span>
#include <string_view>

namespace skald::api {

// One file of the UI bundle. `gzip` is the same bytes gzip-compressed at build time (empty when
// compression did not pay off); `etag` a quoted content hash.
struct UiAsset {
  std::string_view name;          // path below /ui/, e.g. "index.html", "app.js"
  std::string_view content_type;  // with charset for text types
  std::string_view body;
  std::string_view gzip;
  std::string_view etag;
};

// Every embedded file; empty when built with SKALD_UI=OFF (or when npm ci failed at configure time).
std::span<const UiAsset> EmbeddedUiAssets();

}  // namespace skald::api
