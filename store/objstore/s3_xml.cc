// S3 XML responses: see s3_xml.h. A small SAX pass flattens the document into (path, text) pairs
// emitted at each element's end, which the three readers below walk.
#include "store/objstore/s3_xml.h"

#include <expat.h>

#include <cstdlib>
#include <memory>

#include "common/time_util.h"

namespace skald::objstore {

namespace {

constexpr int kMaxDepth = 32;

struct Elem {
  std::string path;  // "ListBucketResult/Contents/Key"
  std::string text;
};

struct Flattener {
  std::vector<std::string> stack;
  std::string path;
  std::string text;
  std::vector<Elem> out;
  bool too_deep = false;
};

void OnStart(void* ud, const XML_Char* name, const XML_Char**) {
  auto* f = static_cast<Flattener*>(ud);
  if (f->stack.size() >= kMaxDepth) {
    f->too_deep = true;
    return;
  }
  f->stack.push_back(f->path);
  if (!f->path.empty()) f->path.push_back('/');
  f->path += name;
  f->text.clear();
}

void OnEnd(void* ud, const XML_Char*) {
  auto* f = static_cast<Flattener*>(ud);
  if (f->too_deep || f->stack.empty()) return;
  f->out.push_back({f->path, std::move(f->text)});
  f->text.clear();
  f->path = std::move(f->stack.back());
  f->stack.pop_back();
}

void OnText(void* ud, const XML_Char* s, int len) {
  auto* f = static_cast<Flattener*>(ud);
  if (f->text.size() < (1u << 20)) f->text.append(s, static_cast<size_t>(len));
}

struct ParserDeleter {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

Result<std::vector<Elem>> Flatten(std::string_view xml) {
  if (xml.size() > (64u << 20)) return Status::Corruption("XML response over 64 MiB");
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserDeleter> p(XML_ParserCreate(nullptr));
  if (!p) return Status::Internal("XML_ParserCreate failed");
  Flattener f;
  XML_SetUserData(p.get(), &f);
  XML_SetElementHandler(p.get(), OnStart, OnEnd);
  XML_SetCharacterDataHandler(p.get(), OnText);
  if (XML_Parse(p.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR) {
    return Status::Corruption(std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(p.get())) +
                              " at line " + std::to_string(XML_GetCurrentLineNumber(p.get())));
  }
  if (f.too_deep) return Status::Corruption("XML nested deeper than 32 elements");
  return std::move(f.out);
}

bool ParseU64(const std::string& s, uint64_t* v) {
  if (s.empty() || s.size() > 20) return false;
  char* end = nullptr;
  errno = 0;
  *v = std::strtoull(s.c_str(), &end, 10);
  return errno == 0 && end == s.c_str() + s.size() && s[0] != '-';
}

std::string StripQuotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

Result<ListPage> ParseListObjectsV2(std::string_view xml) {
  auto elems = Flatten(xml);
  if (!elems.ok()) return elems.status();
  if (elems->empty() || elems->back().path != "ListBucketResult") {
    return Status::Corruption("not a ListBucketResult document");
  }
  ListPage page;
  ObjectInfo cur;
  for (auto& e : *elems) {
    if (e.path == "ListBucketResult/Contents/Key") {
      cur.key = std::move(e.text);
    } else if (e.path == "ListBucketResult/Contents/Size") {
      if (!ParseU64(e.text, &cur.size)) return Status::Corruption("bad <Size> \"" + e.text + "\"");
    } else if (e.path == "ListBucketResult/Contents/ETag") {
      cur.etag = StripQuotes(std::move(e.text));
    } else if (e.path == "ListBucketResult/Contents/LastModified") {
      auto t = ParseRFC3339(e.text);
      cur.mtime_ns = t.ok() ? *t : 0;
    } else if (e.path == "ListBucketResult/Contents") {
      if (cur.key.empty()) return Status::Corruption("<Contents> without <Key>");
      page.objects.push_back(std::move(cur));
      cur = ObjectInfo{};
    } else if (e.path == "ListBucketResult/IsTruncated") {
      page.truncated = e.text == "true";
    } else if (e.path == "ListBucketResult/NextContinuationToken") {
      page.next_continuation_token = std::move(e.text);
    }
  }
  if (page.truncated && page.next_continuation_token.empty()) {
    return Status::Corruption("truncated ListBucketResult without NextContinuationToken");
  }
  return page;
}

bool ParseS3Error(std::string_view xml, S3Error* out) {
  auto elems = Flatten(xml);
  if (!elems.ok() || elems->empty() || elems->back().path != "Error") return false;
  *out = S3Error{};
  for (auto& e : *elems) {
    if (e.path == "Error/Code") out->code = std::move(e.text);
    if (e.path == "Error/Message") out->message = std::move(e.text);
    if (e.path == "Error/RequestId") out->request_id = std::move(e.text);
  }
  return true;
}

Result<std::string> ParseUploadId(std::string_view xml) {
  auto elems = Flatten(xml);
  if (!elems.ok()) return elems.status();
  for (auto& e : *elems) {
    if (e.path == "InitiateMultipartUploadResult/UploadId" && !e.text.empty()) return std::move(e.text);
  }
  return Status::Corruption("no UploadId in the CreateMultipartUpload response");
}

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace skald::objstore
