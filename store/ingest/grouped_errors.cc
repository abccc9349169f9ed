// GroupedErrors: counting distinct messages and Loki's `N errors like:` folding.
#include "store/ingest/grouped_errors.h"

namespace skald::ingest {

void GroupedErrors::Add(std::string msg) {
  ++total_;
  auto [it, inserted] = counts_.try_emplace(msg, 0);
  ++it->second;
  if (inserted) order_.push_back(std::move(msg));
}

std::string GroupedErrors::ToString() const {
  std::string out;
  for (size_t i = 0; i < order_.size(); ++i) {
    if (i) out += "; ";
    size_t n = counts_.at(order_[i]);
    if (order_.size() > 1 || n > 1) out += std::to_string(n) + " errors like: ";
    out += order_[i];
  }
  return out;
}

}  // namespace skald::ingest
