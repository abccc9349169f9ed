// The payload of a WAL push record: a tenant and the accepted entries of each stream of one push.
// Encoded by the ingester before it answers a push, decoded on replay.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/log_entry.h"
#include "common/status.h"

namespace skald::wal {

struct StreamEntriesRef {
  const LabelSet* labels = nullptr;
  std::vector<const LogEntry*> entries;
};

// Appends the payload to *out.
void EncodePushRecord(std::string_view tenant, const std::vector<StreamEntriesRef>& streams,
                      std::string* out);
// An upper bound of the payload's size, to reserve the buffer once.
size_t EncodedPushRecordSizeHint(std::string_view tenant, const std::vector<StreamEntriesRef>& streams);
// Corruption on a malformed payload (the CRC passed, so this means a bug or a version mismatch).
Status DecodePushRecord(std::string_view payload, std::string* tenant, std::vector<LogStream>* streams);

}  // namespace skald::wal
