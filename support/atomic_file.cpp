// Temporary-file-then-rename output: O_TMPFILE where the kernel offers it,
// else a named temporary cleaned up on signals.
#include "support/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>

namespace nnport {
namespace {

// Fixed-size table of live named temporaries readable from a signal handler.
constexpr int kMaxTemps = 64;
char g_temps[kMaxTemps][4096];
std::atomic<bool> g_used[kMaxTemps];
std::mutex g_mutex;

void registerTemp(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_mutex);
  for (int i = 0; i < kMaxTemps; ++i) {
    if (!g_used[i].load() && path.size() < sizeof g_temps[i]) {
      std::memcpy(g_temps[i], path.c_str(), path.size() + 1);
      g_used[i].store(true);
      return;
    }
  }
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

// A hidden name beside the target: .NAME.nnport-tmp-XXXXXX.
std::string hiddenName(const std::string& target) {
  static std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(::getpid()));
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string suffix;
  for (int i = 0; i < 6; ++i) suffix += kChars[rng() % (sizeof kChars - 1)];
  return dirOf(target) + "/." + baseOf(target) + ".nnport-tmp-" + suffix;
}

// ------------------------------------------------------------------ signals

constexpr int kCleanupSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGSEGV,
                                   SIGBUS, SIGFPE,  SIGILL, SIGABRT};
struct sigaction g_previous[NSIG];

bool isFault(int sig) {
  return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
}

void onSignal(int sig) {
  removeAllTemporaries();
  ::sigaction(sig, &g_previous[sig], nullptr);
  // A fault re-executes the faulting instruction on return, now reaching
  // the previous handler with the real fault context; others are re-raised.
  if (!isFault(sig)) ::raise(sig);
}

}  // namespace

AtomicFile::AtomicFile(std::string target) : target_(std::move(target)) {}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);  // an unlinked O_TMPFILE disappears with it
  if (!committed_ && fd_ < 0 && !temp_.empty()) {
    ::unlink(temp_.c_str());
    unregisterTemp(temp_);
  }
}

Status AtomicFile::open() {
#ifdef O_TMPFILE
  const int fd = ::open(dirOf(target_).c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0666);
  if (fd >= 0) {
    const std::string viaProc = "/proc/self/fd/" + std::to_string(fd);
    if (::access(viaProc.c_str(), W_OK) == 0) {
      fd_ = fd;
      temp_ = viaProc;
      return Status::ok();
    }
    ::close(fd);
  }
#endif
  return openNamed();
}

Status AtomicFile::openNamed() {
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

// Gives the anonymous temporary a hidden name beside the target (linkat
// cannot replace a file), which the rename in commitAll then moves.
Status AtomicFile::linkIntoPlace() {
  for (int attempt = 0; attempt < 16; ++attempt) {
    const std::string name = hiddenName(target_);
    registerTemp(name);
    if (::linkat(AT_FDCWD, temp_.c_str(), AT_FDCWD, name.c_str(), AT_SYMLINK_FOLLOW) == 0) {
      ::close(fd_);
      fd_ = -1;
      temp_ = name;
      return Status::ok();
    }
    const int err = errno;
    unregisterTemp(name);
    if (err != EEXIST)
      return Status::io("{}: cannot link the temporary output into place: {}", target_,
                        std::strerror(err));
  }
  return Status::io("{}: cannot find a free temporary name", target_);
}

Status AtomicFile::commit() {
  return commitAll({this});
}

Status commitAll(const std::vector<AtomicFile*>& files) {
  for (AtomicFile* f : files) {
    if (f->tempPath().empty()) return Status::internal("{}: commit before open", f->target());
    NNP_RETURN_IF_ERROR(syncFile(f->tempPath(), f->target()));
  }
  // One new file: link the unnamed temporary straight to the target, so no
  // moment exists at which a kill leaves a named temporary behind. Replacing
  // a file, or committing several together, goes through a hidden name and
  // rename (removed by the signal handlers, not by SIGKILL).
  if (files.size() == 1 && files[0]->anonymous()) {
    AtomicFile* f = files[0];
    if (::linkat(AT_FDCWD, f->temp_.c_str(), AT_FDCWD, f->target_.c_str(), AT_SYMLINK_FOLLOW) ==
        0) {
      ::close(f->fd_);
      f->fd_ = -1;
      f->committed_ = true;
      return Status::ok();
    }
    if (errno != EEXIST)
      return Status::io("{}: cannot link the output into place: {}", f->target_,
                        std::strerror(errno));
  }
  for (AtomicFile* f : files)
    if (f->anonymous()) NNP_RETURN_IF_ERROR(f->linkIntoPlace());
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
  for (int sig : kCleanupSignals) {
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_NODEFER;
    ::sigaction(sig, &sa, &g_previous[sig]);
  }
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
