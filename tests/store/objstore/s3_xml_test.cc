// S3 XML parsing: ListObjectsV2 pages (with and without continuation), <Error> bodies,
// UploadId, and malformed documents as errors.
#include "store/objstore/s3_xml.h"

#include <catch.hpp>

using namespace skald;
using namespace skald::objstore;

TEST_CASE("s3 xml parses a truncated ListObjectsV2 page") {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>fake/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>fake/a&amp;b</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>
    <StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>fake/c</Key><Size>0</Size></Contents>
</ListBucketResult>)";
  auto page = ParseListObjectsV2(xml);
  REQUIRE(page.ok());
  REQUIRE(page->objects.size() == 2);
  CHECK(page->objects[0].key == "fake/a&b");
  CHECK(page->objects[0].size == 434234);
  CHECK(page->objects[0].etag == "fba9dede5f27731c9771645a39863328");
  CHECK(page->objects[0].mtime_ns == 1255369830000000000);
  CHECK(page->objects[1].key == "fake/c");
  CHECK(page->objects[1].size == 0);
  CHECK(page->truncated);
  CHECK(page->next_continuation_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
}

TEST_CASE("s3 xml parses an empty last page") {
  auto page = ParseListObjectsV2("<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>");
  REQUIRE(page.ok());
  CHECK(page->objects.empty());
  CHECK_FALSE(page->truncated);
}

TEST_CASE("s3 xml refuses malformed or foreign list documents") {
  const char* bad[] = {
      "",
      "<ListBucketResult>",
      "<Error><Code>AccessDenied</Code></Error>",
      "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>",
      "<ListBucketResult><Contents><Key>k</Key><Size>99999999999999999999999</Size></Contents></ListBucketResult>",
      "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
  };
  for (const char* x : bad) {
    INFO(x);
    auto page = ParseListObjectsV2(x);
    CHECK_FALSE(page.ok());
    if (!page.ok()) CHECK(page.status().code() == Code::kCorruption);
  }
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  CHECK_FALSE(ParseListObjectsV2(deep).ok());
}

TEST_CASE("s3 xml reads Error bodies and UploadId") {
  S3Error e;
  REQUIRE(ParseS3Error(R"(<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code>
<Message>The specified bucket does not exist</Message><BucketName>x</BucketName>
<RequestId>tx1</RequestId></Error>)", &e));
  CHECK(e.code == "NoSuchBucket");
  CHECK(e.message == "The specified bucket does not exist");
  CHECK(e.request_id == "tx1");
  CHECK_FALSE(ParseS3Error("<html>bad gateway</html>", &e));
  CHECK_FALSE(ParseS3Error("", &e));

  auto id = ParseUploadId("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                          "<UploadId>2~abc</UploadId></InitiateMultipartUploadResult>");
  REQUIRE(id.ok());
  CHECK(*id == "2~abc");
  CHECK_FALSE(ParseUploadId("<InitiateMultipartUploadResult/>").ok());
  CHECK(XmlEscape("\"a\"&<b>'") == "&quot;a&quot;&amp;&lt;b&gt;&apos;");
}
