// EmbeddedUiAssets (see ui_assets.h): the generated table from the build dir when the UI was
// bundled (SKALD_UI_EMBEDDED, set by cmake/ui.cmake), else nothing.
#include "store/api/ui_assets.h"

#include <cstddef>

namespace skald::api {

#ifdef SKALD_UI_EMBEDDED
namespace ui_generated {
extern const UiAsset kAssets[];
extern const size_t kAssetCount;
}  // namespace ui_generated

std::span<const UiAsset> EmbeddedUiAssets() { return {ui_generated::kAssets, ui_generated::kAssetCount}; }
#else
std::span<const UiAsset> EmbeddedUiAssets() { return {}; }
#endif

}  // namespace skald::api
