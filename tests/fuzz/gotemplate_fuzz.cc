// FUZZ_LINK: skald_common_gotemplate
// libFuzzer target for the Go template engine: any text must parse or fail with a Status, and
// whatever parses must execute (or fail with a Status) without crashing.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/gotemplate/template.h"

namespace {
struct Data : skald::gotemplate::TemplateData {
  std::optional<std::string_view> Label(std::string_view n) const override {
    if (n == "a") return std::string_view("value");
    if (n == "n") return std::string_view("42");
    return std::nullopt;
  }
  std::string_view Line() const override { return "the line"; }
  int64_t TimestampNs() const override { return 1700000000000000000LL; }
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = skald::gotemplate::Template::Parse(text);
  if (!t.ok()) return 0;
  std::string out;
  (void)t->Execute(Data(), &out);
  return 0;
}
