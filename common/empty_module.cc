// Placeholder translation unit for a module folder that has no sources yet.
// CMake needs at least one source per static library; remove nothing here.
namespace skald {}
