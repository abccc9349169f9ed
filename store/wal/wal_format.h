// The WAL's on-disk constants shared by writer and reader (see FORMAT.md beside this file).
// A position is (segment seq << 40 | byte offset): monotonic across segments, used as a watermark.
#pragma once

#include <cstdint>
#include <string>

namespace skald::wal {

constexpr char kSegmentMagic[4] = {'S', 'K', 'W', 'L'};
constexpr uint16_t kFormatVersion = 1;
constexpr size_t kSegmentHeaderSize = 16;   // magic[4] version u16 reserved u16 seq u64
constexpr size_t kRecordHeaderSize = 9;     // length u32, crc32c u32, type u8
constexpr uint32_t kMaxRecordSize = 1u << 30;

enum RecordType : uint8_t {
  kZeroType = 0,        // reserved: zero-filled space is never a record
  kPushRecord = 1,      // entries of one push (see wal_record.h)
};

inline uint64_t MakePos(uint64_t seq, uint64_t offset) { return (seq << 40) | offset; }
inline uint64_t PosSegment(uint64_t pos) { return pos >> 40; }
inline uint64_t PosOffset(uint64_t pos) { return pos & ((uint64_t{1} << 40) - 1); }

// "<dir>/00000042.wal"
std::string SegmentPath(const std::string& dir, uint64_t seq);
// Parses "00000042.wal" → 42; false for other names.
bool ParseSegmentName(const std::string& name, uint64_t* seq);

}  // namespace skald::wal
