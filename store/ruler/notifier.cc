// Alertmanager v2 encoding and fan-out: every batch goes to each configured Alertmanager through
// its own queue, so one that is down delays nobody else.
#include "store/ruler/notifier.h"

#include <cstdio>

#include "common/time_util.h"

namespace skald::ruler {

std::string JsonQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

namespace {

void AppendObject(std::string* out, const std::vector<std::pair<std::string, std::string>>& kv) {
  out->push_back('{');
  for (size_t i = 0; i < kv.size(); ++i) {
    if (i) out->push_back(',');
    *out += JsonQuote(kv[i].first) + ":" + JsonQuote(kv[i].second);
  }
  out->push_back('}');
}

}  // namespace

std::string EncodeAlerts(const std::vector<Alert>& alerts, const StringPairs& external_labels,
                         const std::string& generator_url) {
  std::string out = "[";
  for (size_t i = 0; i < alerts.size(); ++i) {
    const Alert& a = alerts[i];
    LabelSet labels = a.labels;
    for (const auto& [k, v] : external_labels)
      if (!labels.Has(k)) labels.Set(k, v);
    std::vector<std::pair<std::string, std::string>> lv;
    for (const Label& l : labels) lv.emplace_back(l.name, l.value);
    if (i) out.push_back(',');
    out += "{\"labels\":";
    AppendObject(&out, lv);
    out += ",\"annotations\":";
    AppendObject(&out, a.annotations);
    int64_t ends = a.state == AlertState::kInactive ? a.resolved_at_ns : a.valid_until_ns;
    out += ",\"startsAt\":" + JsonQuote(FormatRFC3339Nano(a.fired_at_ns));
    out += ",\"endsAt\":" + JsonQuote(FormatRFC3339Nano(ends));
    out += ",\"generatorURL\":" + JsonQuote(generator_url) + "}";
  }
  out += "]";
  return out;
}

Notifier::Notifier(NotifierOptions opts, metrics::Registry* registry) {
  for (const std::string& url : opts.urls) {
    if (url.empty()) continue;
    SenderOptions so;
    so.url = url;
    so.path_suffix = "/api/v2/alerts";
    so.content_type = "application/json";
    so.timeout_ns = opts.timeout_ns;
    so.capacity = opts.capacity;
    so.max_backoff_ns = 10LL * 1000000000LL;
    so.metric_prefix = "skald_ruler_notifications";
    senders_.push_back(std::make_unique<PayloadSender>(std::move(so), registry));
  }
  alerts_sent_ = &registry->NewCounter("skald_ruler_alerts_sent_total",
                                       "Alerts handed to the Alertmanager queues (each counted once).");
}

void Notifier::Start() {
  for (auto& s : senders_) s->Start();
}

void Notifier::Stop() {
  for (auto& s : senders_) s->Stop();
}

void Notifier::Send(const std::vector<Alert>& alerts, const StringPairs& external_labels,
                    const std::string& generator_url) {
  if (alerts.empty() || senders_.empty()) return;
  std::string body = EncodeAlerts(alerts, external_labels, generator_url);
  for (auto& s : senders_) s->Enqueue(body);
  alerts_sent_->Inc(double(alerts.size()));
}

}  // namespace skald::ruler
