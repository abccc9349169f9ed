// EntryLine: an entry's log line, a view of the caller's text until a stage changes it (then its
// own string). Most stages only read the line, so the tailer's bytes are not copied per entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace skald::pipeline {

class EntryLine {
 public:
  EntryLine() = default;
  EntryLine(const EntryLine& o) { *this = o; }
  EntryLine(EntryLine&& o) noexcept { *this = std::move(o); }
  EntryLine& operator=(const EntryLine& o) {
    if (this == &o) return *this;
    if (!o.owned_) return Borrow(o.view_), *this;
    return *this = o.view_;
  }
  EntryLine& operator=(EntryLine&& o) noexcept {
    if (this == &o) return *this;
    owned_ = o.owned_;
    if (owned_) {
      own_ = std::move(o.own_);
      view_ = own_;
    } else {
      view_ = o.view_;
    }
    o.own_.clear(), o.view_ = {}, o.owned_ = false;
    return *this;
  }

  // Points at `text`, which the caller keeps alive and unchanged while the entry is in use.
  void Borrow(std::string_view text) {
    view_ = text;
    owned_ = false;
  }
  // Copies a borrowed text into the line's own string (before the entry outlives the text).
  void Own() {
    if (owned_) return;
    own_.assign(view_.data(), view_.size());
    view_ = own_;
    owned_ = true;
  }
  bool owned() const { return owned_; }

  // Assignments make the line its own string; `s` may be a view of this line.
  EntryLine& operator=(std::string_view s) {
    const auto at = reinterpret_cast<uintptr_t>(s.data()), base = reinterpret_cast<uintptr_t>(own_.data());
    if (owned_ && at >= base && at <= base + own_.size()) {  // a piece of the line itself
      own_.erase(at - base + s.size());
      own_.erase(0, at - base);
    } else {
      own_.clear();  // (not assign: GCC 12 warns of a restrict overlap it cannot rule out)
      own_.append(s.data(), s.size());
    }
    view_ = own_;
    owned_ = true;
    return *this;
  }
  EntryLine& operator=(const std::string& s) { return *this = std::string_view(s); }
  EntryLine& operator=(const char* s) { return *this = std::string_view(s); }
  EntryLine& operator=(std::string&& s) {
    own_ = std::move(s);
    view_ = own_;
    owned_ = true;
    return *this;
  }
  EntryLine& operator+=(std::string_view s) {
    Own();
    own_.append(s.data(), s.size());
    view_ = own_;
    return *this;
  }
  EntryLine& operator+=(char c) { return *this += std::string_view(&c, 1); }

  std::string_view view() const { return view_; }
  operator std::string_view() const { return view_; }  // NOLINT: reads like the string it replaces
  std::string str() const { return std::string(view_); }
  const char* data() const { return view_.data(); }
  size_t size() const { return view_.size(); }
  bool empty() const { return view_.empty(); }
  size_t find(char c, size_t pos = 0) const { return view_.find(c, pos); }

  friend bool operator==(const EntryLine& a, std::string_view b) { return a.view_ == b; }
  friend bool operator==(const EntryLine& a, const EntryLine& b) { return a.view_ == b.view_; }
  friend std::ostream& operator<<(std::ostream& os, const EntryLine& l) { return os << l.view_; }

 private:
  std::string own_;         // the text when owned_ (keeps its capacity across Borrow)
  std::string_view view_;   // always the current text: own_ or the borrowed bytes
  bool owned_ = false;
};

}  // namespace skald::pipeline
