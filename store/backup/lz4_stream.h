// LZ4 frame streaming (the `lz4` command-line format): a compressor the export handler feeds chunk
// by chunk, and a decompressor the CLI uses, so neither side holds a whole export in memory.
#pragma once

#include <lz4frame.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace skald::backup {

class Lz4FrameWriter {
 public:
  Lz4FrameWriter();
  ~Lz4FrameWriter();
  // Appends compressed bytes for `in` to *out (the frame header on the first call).
  Status Write(std::string_view in, std::string* out);
  // Appends the frame end mark.
  Status Finish(std::string* out);

 private:
  Status Begin(std::string* out);
  LZ4F_cctx* ctx_ = nullptr;
  bool begun_ = false;
};

class Lz4FrameReader {
 public:
  Lz4FrameReader();
  ~Lz4FrameReader();
  // Appends decompressed bytes of `in` (any split of the frame) to *out.
  Status Write(std::string_view in, std::string* out);
  // True when a complete frame has been consumed.
  bool done() const { return done_; }

 private:
  LZ4F_dctx* ctx_ = nullptr;
  bool done_ = false;
};

}  // namespace skald::backup
