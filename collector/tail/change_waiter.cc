// inotify (directory watches + an eventfd to wake) and polling implementations of ChangeWaiter.
#include "collector/tail/change_waiter.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdint>

namespace skald::tail {

namespace {
std::string DirOf(const std::string& p) {
  size_t s = p.rfind('/');
  if (s == std::string::npos) return ".";
  return s == 0 ? "/" : p.substr(0, s);
}

class PollWaiter : public ChangeWaiter {
 public:
  PollWaiter() : efd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}
  ~PollWaiter() override { if (efd_ >= 0) ::close(efd_); }
  void Watch(const std::string&) override {}
  void Unwatch(const std::string&) override {}
  void Wait(int timeout_ms) override {
    pollfd p{efd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) > 0) { uint64_t v; (void)!::read(efd_, &v, sizeof v); }
  }
  void Wake() override { uint64_t one = 1; (void)!::write(efd_, &one, sizeof one); }
  const char* kind() const override { return "poll"; }

 protected:
  int efd_;
};

class InotifyWaiter : public PollWaiter {
 public:
  explicit InotifyWaiter(int ifd) : ifd_(ifd) {}
  ~InotifyWaiter() override { ::close(ifd_); }
  void Watch(const std::string& file) override {
    std::lock_guard<std::mutex> l(mu_);
    std::string dir = DirOf(file);
    auto it = dirs_.find(dir);
    if (it != dirs_.end()) { ++it->second.refs; return; }
    int wd = ::inotify_add_watch(ifd_, dir.c_str(),
                                 IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
                                     IN_CLOSE_WRITE | IN_ATTRIB);
    dirs_[dir] = {wd, 1};  // wd < 0 (limit reached): that directory is covered by the poll timeout
  }
  void Unwatch(const std::string& file) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = dirs_.find(DirOf(file));
    if (it == dirs_.end() || --it->second.refs > 0) return;
    if (it->second.wd >= 0) ::inotify_rm_watch(ifd_, it->second.wd);
    dirs_.erase(it);
  }
  void Wait(int timeout_ms) override {
    pollfd p[2] = {{ifd_, POLLIN, 0}, {efd_, POLLIN, 0}};
    if (::poll(p, 2, timeout_ms) <= 0) return;
    char buf[4096];
    if (p[0].revents & POLLIN) while (::read(ifd_, buf, sizeof buf) > 0) {}
    if (p[1].revents & POLLIN) { uint64_t v; (void)!::read(efd_, &v, sizeof v); }
  }
  const char* kind() const override { return "inotify"; }

 private:
  struct Dir { int wd; int refs; };
  int ifd_;
  std::mutex mu_;
  std::map<std::string, Dir> dirs_;
};
}  // namespace

std::unique_ptr<ChangeWaiter> MakeChangeWaiter(bool force_poll) {
  if (!force_poll) {
    int ifd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (ifd >= 0) return std::make_unique<InotifyWaiter>(ifd);
  }
  return std::make_unique<PollWaiter>();
}

}  // namespace skald::tail
