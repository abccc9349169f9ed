// Export line codec (see export_line.h): a small JSON string escaper and a simdjson parser.
#include "store/backup/export_line.h"

#include <simdjson.h>

namespace skald::backup {
namespace {

// Length of the valid UTF-8 sequence at s[i] (2..4), or 0.
size_t Utf8Len(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; k++)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
  if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90))
    return 0;
  return n;
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      out->push_back(static_cast<char>(c));
      i++;
    } else if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      i++;
    } else if (c < 0x20) {
      char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      size_t n = 6;
      if (c == '\n' || c == '\t' || c == '\r') esc[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r', n = 2;
      out->append(esc, n);
      i++;
    } else if (size_t n = Utf8Len(s, i); n > 0) {
      out->append(s.substr(i, n));
      i += n;
    } else {
      out->append("\xEF\xBF\xBD");
      i++;
    }
  }
  out->push_back('"');
}

namespace {

void Str(std::string_view s, std::string* out) { AppendJsonString(s, out); }

void Object(const std::vector<Label>& ls, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < ls.size(); i++) {
    if (i) out->push_back(',');
    Str(ls[i].name, out);
    out->push_back(':');
    Str(ls[i].value, out);
  }
  out->push_back('}');
}

Status ReadPairs(simdjson::ondemand::object obj, std::vector<Label>* out) {
  for (auto field : obj) {
    std::string_view k, v;
    if (field.unescaped_key().get(k) || field.value().get_string().get(v))
      return Status::Invalid("metadata values must be strings");
    out->push_back({std::string(k), std::string(v)});
  }
  return Status::Ok();
}

}  // namespace

void AppendExportLine(std::string_view labels, int64_t ts_ns, std::string_view line,
                      const std::vector<Label>* metadata, const std::vector<Label>* parsed, std::string* out) {
  out->append("{\"labels\":");
  Str(labels, out);
  out->append(",\"ts\":\"").append(std::to_string(ts_ns)).append("\",\"line\":");
  Str(line, out);
  if (metadata && !metadata->empty()) {
    out->append(",\"metadata\":");
    Object(*metadata, out);
  }
  if (parsed && !parsed->empty()) {
    out->append(",\"parsed\":");
    Object(*parsed, out);
  }
  out->append("}\n");
}

struct ExportLineParser::Impl {
  simdjson::ondemand::parser parser;
  simdjson::padded_string buf;
};

ExportLineParser::ExportLineParser() : impl_(new Impl) {}
ExportLineParser::~ExportLineParser() { delete impl_; }

Status ExportLineParser::Parse(std::string_view json, ExportEntry* out) {
  *out = ExportEntry{};
  impl_->buf = simdjson::padded_string(json);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  if (impl_->parser.iterate(impl_->buf).get(doc) || doc.get_object().get(obj)) return Status::Invalid("not a JSON object");
  bool have_ts = false, have_line = false;
  for (auto field : obj) {
    std::string_view key, v;
    if (field.unescaped_key().get(key)) return Status::Invalid("bad key");
    if (key == "metadata" || key == "parsed") {
      simdjson::ondemand::object o;
      if (field.value().get_object().get(o)) return Status::Invalid(std::string(key).append(": must be an object"));
      SKALD_RETURN_IF_ERROR(ReadPairs(o, key == "metadata" ? &out->metadata : &out->parsed));
      continue;
    }
    if (field.value().get_string().get(v)) return Status::Invalid(std::string(key).append(": must be a string"));
    if (key == "labels") out->labels = std::string(v);
    if (key == "line") out->line = std::string(v), have_line = true;
    if (key == "error") return Status::Internal("the export failed on the server: " + std::string(v));
    if (key == "ts") {
      char* end = nullptr;
      std::string t(v);
      out->ts_ns = std::strtoll(t.c_str(), &end, 10);
      if (t.empty() || *end != '\0') return Status::Invalid("bad ts \"" + t + "\"");
      have_ts = true;
    }
  }
  if (out->labels.empty() || !have_ts || !have_line) return Status::Invalid("want labels, ts and line");
  return Status::Ok();
}

}  // namespace skald::backup
