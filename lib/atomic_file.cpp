// Temporary-file-then-rename output, with cleanup on signals.
#include "lib/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

namespace nnport {
namespace {

// Fixed-size table of live temporaries readable from a signal handler.
constexpr int kMaxTemps = 64;
char g_temps[kMaxTemps][4096];
std::atomic<bool> g_used[kMaxTemps];
std::mutex g_mutex;

int registerTemp(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_mutex);
  for (int i = 0; i < kMaxTemps; ++i) {
    if (!g_used[i].load() && path.size() < sizeof g_temps[i]) {
      std::memcpy(g_temps[i], path.c_str(), path.size() + 1);
      g_used[i].store(true);
      return i;
    }
  }
  return -1;
}

void unregisterTemp(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_mutex);
  for (int i = 0; i < kMaxTemps; ++i)
    if (g_used[i].load() && path == g_temps[i]) g_used[i].store(false);
}

std::string dirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

std::string baseOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

void onSignal(int sig) {
  removeAllTemporaries();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

}  // namespace

AtomicFile::AtomicFile(std::string target) : target_(std::move(target)) {}

AtomicFile::~AtomicFile() {
  if (!committed_ && !temp_.empty()) {
    ::unlink(temp_.c_str());
    unregisterTemp(temp_);
  }
}

Status AtomicFile::open() {
  std::string pattern = dirOf(target_) + "/." + baseOf(target_) + ".nnport-tmp-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0)
    return Status::io("{}: cannot create a temporary file in {}: {}", target_, dirOf(target_),
                      std::strerror(errno));
  // mkstemp creates 0600; outputs get the usual 0666 less the umask.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  temp_ = buf.data();
  registerTemp(temp_);
  return Status::ok();
}

namespace {
Status syncFile(const std::string& path, const std::string& target) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::io("{}: temporary output vanished: {}", target, std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::io("{}: cannot flush: {}", target, std::strerror(errno));
  return Status::ok();
}
}  // namespace

Status AtomicFile::commit() { return commitAll({this}); }

Status commitAll(const std::vector<AtomicFile*>& files) {
  for (AtomicFile* f : files) {
    if (f->tempPath().empty()) return Status::internal("{}: commit before open", f->target());
    NNP_RETURN_IF_ERROR(syncFile(f->tempPath(), f->target()));
  }
  for (AtomicFile* f : files) {
    if (::rename(f->tempPath().c_str(), f->target().c_str()) != 0)
      return Status::io("{}: cannot rename the temporary output into place: {}", f->target(),
                        std::strerror(errno));
    f->committed_ = true;
    unregisterTemp(f->tempPath());
  }
  return Status::ok();
}

void removeAllTemporaries() {
  for (int i = 0; i < kMaxTemps; ++i)
    if (g_used[i].load()) ::unlink(g_temps[i]);  // async-signal-safe
}

void installTemporaryCleanupHandlers() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, onSignal);
}

Status writeWholeFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::io("{}: cannot open for writing", path);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return Status::io("{}: write failed (disk full?)", path);
  return Status::ok();
}

Expected<std::string> readWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::invalid("{}: cannot open: {}", path, std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace nnport
