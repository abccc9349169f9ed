// The process's peer tail id (see live_tail_source.h): 16 random hex digits, drawn once.
#include "store/api/live_tail_source.h"

#include <fmt/format.h>

#include <random>

namespace skald::api {

const std::string& PeerTailId() {
  static const std::string id = [] {
    std::random_device rd;
    const uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    return fmt::format("{:016x}", v);
  }();
  return id;
}

}  // namespace skald::api
