// S3ObjectStore's multipart upload (PutFile above the part size): CreateMultipartUpload, one
// UploadPart per part_size bytes, CompleteMultipartUpload; AbortMultipartUpload on any failure.
#include <unistd.h>

#include <fmt/format.h>

#include "common/logger.h"
#include "store/objstore/s3_object_store.h"
#include "store/objstore/s3_xml.h"

namespace skald::objstore {

Status S3ObjectStore::UploadParts(const std::string& key, const std::string& upload_id, int fd,
                                  uint64_t size, std::vector<std::string>* etags) {
  std::string buf;
  for (uint64_t off = 0, part = 1; off < size; off += cfg_.part_size, ++part) {
    buf.resize(static_cast<size_t>(std::min<uint64_t>(cfg_.part_size, size - off)));
    const ssize_t r = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(off));
    if (r != static_cast<ssize_t>(buf.size())) {
      return Status::IOError(fmt::format("reading part {} of the file for {}: short read", part, key));
    }
    Request req;
    req.op = "S3.UploadPart";
    req.method = "PUT";
    req.bucket = BucketFor(key);
    req.key = key;
    req.query = {{"partNumber", std::to_string(part)}, {"uploadId", upload_id}};
    req.body = buf;
    HttpResult res;
    SKALD_RETURN_IF_ERROR(Do(req, &res));
    const std::string etag = res.headers["etag"];
    if (etag.empty()) return Status::Corruption(fmt::format("S3 UploadPart {} of {}: no ETag in the response", part, key));
    etags->push_back(etag);
  }
  return Status::Ok();
}

Status S3ObjectStore::PutMultipart(const std::string& key, int fd, uint64_t size) {
  Request init;
  init.op = "S3.CreateMultipartUpload";
  init.method = "POST";
  init.bucket = BucketFor(key);
  init.key = key;
  init.query = {{"uploads", ""}};
  init.headers = WriteHeaders();
  HttpResult res;
  SKALD_RETURN_IF_ERROR(Do(init, &res));
  auto upload_id = ParseUploadId(res.body);
  if (!upload_id.ok()) return upload_id.status().Annotate("S3 CreateMultipartUpload " + key);

  std::vector<std::string> etags;
  Status s = UploadParts(key, *upload_id, fd, size, &etags);
  if (s.ok()) {
    std::string body = "<CompleteMultipartUpload>";
    for (size_t i = 0; i < etags.size(); ++i) {
      body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, XmlEscape(etags[i]));
    }
    body += "</CompleteMultipartUpload>";
    Request done = init;
    done.op = "S3.CompleteMultipartUpload";
    done.headers.clear();
    done.query = {{"uploadId", *upload_id}};
    done.body = body;
    s = Do(done, &res);
    S3Error e;  // Complete may answer 200 and still fail, with an <Error> body
    if (s.ok() && ParseS3Error(res.body, &e)) {
      s = Status::IOError(fmt::format("S3 CompleteMultipartUpload {}: {}: {}", key, e.code, e.message));
    }
  }
  if (s.ok()) return s;
  Request abort = init;
  abort.op = "S3.AbortMultipartUpload";
  abort.method = "DELETE";
  abort.headers.clear();
  abort.query = {{"uploadId", *upload_id}};
  HttpResult ares;
  const Status as = Do(abort, &ares);
  SKALD_LOG(warn, "S3 multipart upload failed and was aborted",
            {{"key", key}, {"error", s.message()}, {"abort", as.ok() ? std::string("ok") : as.message()}});
  return s;
}

}  // namespace skald::objstore
