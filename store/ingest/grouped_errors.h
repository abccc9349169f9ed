// GroupedErrors: collects validation messages of one push and prints them as Loki does — one
// message alone as is, otherwise `N errors like: <msg>` per distinct message, joined by `; `.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

namespace skald::ingest {

class GroupedErrors {
 public:
  void Add(std::string msg);
  bool empty() const { return order_.empty(); }
  size_t total() const { return total_; }
  // Distinct messages keep first-seen order (Loki's order is Go map order, i.e. unspecified).
  std::string ToString() const;

 private:
  std::vector<std::string> order_;
  std::unordered_map<std::string, size_t> counts_;
  size_t total_ = 0;
};

}  // namespace skald::ingest
