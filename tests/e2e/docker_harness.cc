// DockerDaemon: fork/exec of dockerd and the docker CLI, busybox image import, cleanup.
#include "tests/e2e/docker_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <httplib.h>
#include <snappy.h>

#include "push.pb.h"

namespace skald::e2e {

struct PushReceiver::Impl {
  httplib::Server srv;
  int port = 0;
  std::thread th;
  std::mutex mu;
  std::vector<Got> got;
  size_t max_request = 0;
};

PushReceiver::PushReceiver() : impl_(std::make_unique<Impl>()) {
  impl_->srv.Post("/loki/api/v1/push", [this](const httplib::Request& r, httplib::Response& res) {
    if (down_) { res.status = 503; return; }
    std::string raw;
    logproto::PushRequest req;
    if (!snappy::Uncompress(r.body.data(), r.body.size(), &raw) || !req.ParseFromString(raw)) {
      res.status = 400;
      return;
    }
    std::lock_guard<std::mutex> l(impl_->mu);
    size_t n = 0;
    for (const auto& s : req.streams()) {
      for (const auto& e : s.entries()) {
        impl_->got.push_back({s.labels(), e.line(), e.timestamp().seconds() * 1000000000LL + e.timestamp().nanos()});
        ++n;
      }
    }
    impl_->max_request = std::max(impl_->max_request, n);
    res.status = 204;
  });
  impl_->port = impl_->srv.bind_to_any_port("127.0.0.1");
  impl_->th = std::thread([this] { impl_->srv.listen_after_bind(); });
}

PushReceiver::~PushReceiver() {
  impl_->srv.stop();
  impl_->th.join();
}

std::string PushReceiver::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + "/loki/api/v1/push";
}

std::vector<Got> PushReceiver::With(const std::string& prefix) {
  std::lock_guard<std::mutex> l(impl_->mu);
  std::vector<Got> out;
  for (const auto& g : impl_->got) {
    if (g.line.rfind(prefix, 0) == 0) out.push_back(g);
  }
  return out;
}

size_t PushReceiver::max_request() {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->max_request;
}

std::string RunCommand(const std::vector<std::string>& argv, int* exit_code) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) { *exit_code = -1; return "pipe failed"; }
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

Result<std::unique_ptr<DockerDaemon>> DockerDaemon::Start(const std::vector<std::string>& extra_args) {
  std::unique_ptr<DockerDaemon> d(new DockerDaemon());
  char tmpl[] = "/tmp/skald-dockerd-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Status::IOError("mkdtemp failed");
  d->dir_ = tmpl;
  std::filesystem::create_directories(d->dir_ + "/data");
  std::filesystem::create_directories(d->dir_ + "/exec");
  const std::string log = d->dir_ + "/dockerd.log";
  std::vector<std::string> argv = {"dockerd", "--host", d->host(), "--data-root", d->dir_ + "/data",
                                    "--exec-root", d->dir_ + "/exec", "--pidfile", d->dir_ + "/docker.pid",
                                    "--iptables=false", "--ip6tables=false", "--bridge=none",
                                    "--storage-driver", "vfs", "--shutdown-timeout", "2"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  d->pid_ = ::fork();
  if (d->pid_ == 0) {
    ::setsid();
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp("dockerd", args.data());
    ::_exit(127);
  }
  for (int i = 0; i < 600; ++i) {
    if (d->Docker({"version", "--format", "{{.Server.Version}}"}).ok()) return d;
    int status;
    if (::waitpid(d->pid_, &status, WNOHANG) == d->pid_) { d->pid_ = -1; break; }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string tail = ss.str();
  if (tail.size() > 3000) tail = tail.substr(tail.size() - 3000);
  return Status::Unavailable("dockerd did not start; log tail:\n" + tail);
}

DockerDaemon::~DockerDaemon() {
  if (pid_ > 0) {
    int code;
    std::string ids = RunCommand({"docker", "-H", host(), "ps", "-aq"}, &code);
    std::vector<std::string> rm = {"docker", "-H", host(), "rm", "-f"};
    std::istringstream is(ids);
    for (std::string id; is >> id;) rm.push_back(id);
    if (rm.size() > 5) RunCommand(rm, &code);
    ::kill(pid_, SIGTERM);
    int status;
    for (int i = 0; i < 100 && ::waitpid(pid_, &status, WNOHANG) != pid_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (i == 99) { ::kill(pid_, SIGKILL); ::waitpid(pid_, &status, 0); }
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

Result<std::string> DockerDaemon::Docker(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"docker", "-H", host()};
  argv.insert(argv.end(), args.begin(), args.end());
  int code = 0;
  std::string out = RunCommand(argv, &code);
  if (code != 0) return Status::Internal("docker " + (args.empty() ? "" : args[0]) + " failed: " + out);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

Status DockerDaemon::ImportBusybox() const {
  const std::string root = dir_ + "/rootfs";
  std::filesystem::create_directories(root + "/bin");
  std::filesystem::create_directories(root + "/tmp");
  std::filesystem::copy_file("/bin/busybox", root + "/bin/busybox", std::filesystem::copy_options::overwrite_existing);
  int code = 0;
  std::istringstream applets(RunCommand({"/bin/busybox", "--list"}, &code));
  if (code != 0) return Status::Unavailable("busybox --list failed (is busybox-static installed?)");
  for (std::string a; applets >> a;) {
    if (a == "busybox") continue;
    std::error_code ec;
    std::filesystem::create_symlink("busybox", root + "/bin/" + a, ec);
  }
  const std::string tar = dir_ + "/busybox.tar";
  std::string out = RunCommand({"tar", "-C", root, "-cf", tar, "."}, &code);
  if (code != 0) return Status::IOError("tar failed: " + out);
  auto r = Docker({"import", "--change", "ENV PATH=/bin", tar, "busybox:skald"});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::string> DockerDaemon::RunShell(const std::vector<std::string>& docker_args, const std::string& script) const {
  std::vector<std::string> args = {"run", "-d", "--network", "none"};
  args.insert(args.end(), docker_args.begin(), docker_args.end());
  args.insert(args.end(), {"busybox:skald", "/bin/sh", "-c", script});
  return Docker(args);
}

}  // namespace skald::e2e
