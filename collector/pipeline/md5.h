// MD5 (RFC 1321) for relabel's `hashmod`, which Prometheus defines on the md5 of the joined value;
// a local implementation keeps the collector free of a crypto library for one hash.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace skald::pipeline {

std::array<uint8_t, 16> Md5(std::string_view data);

}  // namespace skald::pipeline
