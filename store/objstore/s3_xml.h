// Parsing of S3's XML responses (ListObjectsV2 pages, <Error> bodies, CreateMultipartUpload's
// UploadId) with expat; bounded depth, malformed input is an error value, never a crash.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/objstore/object_store.h"

namespace skald::objstore {

struct ListPage {
  std::vector<ObjectInfo> objects;  // in the server's (key) order
  bool truncated = false;
  std::string next_continuation_token;
};

struct S3Error {
  std::string code;        // "NoSuchKey", "SignatureDoesNotMatch", ...
  std::string message;
  std::string request_id;
};

// A ListBucketResult document (ListObjectsV2). Corruption when it is not one.
Result<ListPage> ParseListObjectsV2(std::string_view xml);
// An <Error> document; false when the body is not one (empty, HTML from a proxy, ...).
bool ParseS3Error(std::string_view xml, S3Error* out);
// The UploadId of an InitiateMultipartUploadResult. Corruption when absent.
Result<std::string> ParseUploadId(std::string_view xml);
// Escapes &, <, >, ", ' for element text (CompleteMultipartUpload's ETags).
std::string XmlEscape(std::string_view s);

}  // namespace skald::objstore
