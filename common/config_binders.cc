// Typed binders for config_yaml's schema: each turns one YAML value into a field or an error
// message (the walker adds file, line and key).
#include <charconv>

#include "common/config_yaml.h"
#include "common/time_util.h"

namespace skald::config {
namespace {

Status NeedScalar(const YAML::Node& n, const char* what) {
  if (n.IsScalar()) return Status::Ok();
  return Status::Invalid(std::string("expected ") + what);
}

template <typename T>
Status ParseInteger(const YAML::Node& n, T* out) {
  SKALD_RETURN_IF_ERROR(NeedScalar(n, "an integer"));
  const std::string& s = n.Scalar();
  const char* b = s.data() + (!s.empty() && s[0] == '+' ? 1 : 0);
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), *out);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
    return Status::Invalid("invalid integer \"" + s + "\"");
  }
  return Status::Ok();
}

}  // namespace

Binder BindString(std::string* out) {
  return [out](const YAML::Node& n) -> Status {
    if (n.IsNull()) {
      out->clear();
      return Status::Ok();
    }
    SKALD_RETURN_IF_ERROR(NeedScalar(n, "a string"));
    *out = n.Scalar();
    return Status::Ok();
  };
}

Binder BindInt(int* out) {
  return [out](const YAML::Node& n) { return ParseInteger(n, out); };
}

Binder BindInt64(int64_t* out) {
  return [out](const YAML::Node& n) { return ParseInteger(n, out); };
}

Binder BindBool(bool* out) {
  return [out](const YAML::Node& n) -> Status {
    SKALD_RETURN_IF_ERROR(NeedScalar(n, "a boolean"));
    bool v = false;
    if (!YAML::convert<bool>::decode(n, v)) {
      return Status::Invalid("invalid boolean \"" + n.Scalar() + "\"");
    }
    *out = v;
    return Status::Ok();
  };
}

Binder BindDouble(double* out) {
  return [out](const YAML::Node& n) -> Status {
    SKALD_RETURN_IF_ERROR(NeedScalar(n, "a number"));
    const std::string& s = n.Scalar();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty()) {
      return Status::Invalid("invalid number \"" + s + "\"");
    }
    return Status::Ok();
  };
}

Binder BindDuration(int64_t* out_ns) {
  return [out_ns](const YAML::Node& n) -> Status {
    SKALD_RETURN_IF_ERROR(NeedScalar(n, "a duration"));
    auto r = ParseConfigDuration(n.Scalar());
    if (!r.ok()) return r.status();
    *out_ns = *r;
    return Status::Ok();
  };
}

Binder BindDurationMs(int64_t* out_ms) {
  return [out_ms](const YAML::Node& n) -> Status {
    int64_t ns = 0;
    SKALD_RETURN_IF_ERROR(BindDuration(&ns)(n));
    *out_ms = ns / kNsPerMs;
    return Status::Ok();
  };
}

Binder BindBytes(int64_t* out) {
  return [out](const YAML::Node& n) -> Status {
    SKALD_RETURN_IF_ERROR(NeedScalar(n, "a size such as 15MB"));
    auto r = ParseByteSize(n.Scalar());
    if (!r.ok()) return r.status();
    *out = *r;
    return Status::Ok();
  };
}

Binder BindStringList(std::vector<std::string>* out) {
  return [out](const YAML::Node& n) -> Status {
    out->clear();
    if (n.IsNull()) return Status::Ok();
    if (n.IsScalar()) {
      out->push_back(n.Scalar());
      return Status::Ok();
    }
    if (!n.IsSequence()) return Status::Invalid("expected a list of strings");
    for (const auto& item : n) {
      if (!item.IsScalar()) return Status::Invalid("expected a list of strings");
      out->push_back(item.Scalar());
    }
    return Status::Ok();
  };
}

Binder BindStringMap(std::vector<std::pair<std::string, std::string>>* out) {
  return [out](const YAML::Node& n) -> Status {
    out->clear();
    if (n.IsNull()) return Status::Ok();
    if (!n.IsMap()) return Status::Invalid("expected a mapping of names to strings");
    for (const auto& kv : n) {
      if (!kv.second.IsScalar() && !kv.second.IsNull()) {
        return Status::Invalid("value of \"" + kv.first.Scalar() + "\" must be a string");
      }
      out->emplace_back(kv.first.Scalar(), kv.second.IsNull() ? "" : kv.second.Scalar());
    }
    return Status::Ok();
  };
}

Binder BindNode(YAML::Node* out) {
  return [out](const YAML::Node& n) -> Status {
    *out = n;  // shares the document: marks (line numbers) stay available
    return Status::Ok();
  };
}

}  // namespace skald::config
