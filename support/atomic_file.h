// Atomic output files: data goes to a temporary file beside the target,
// which replaces the target only on commit(). A failed, interrupted or
// crashed run never leaves a partial output nor clobbers an existing good
// file.
//
// On Linux the temporary is an O_TMPFILE: it has no name until commit()
// links it in, so even SIGKILL or a crash leaves nothing behind; writers
// reach it through tempPath() (/proc/self/fd/N). Where O_TMPFILE or /proc
// is missing, it is a hidden named file (.NAME.nnport-tmp-XXXXXX), removed
// on failure, on SIGINT/SIGTERM/SIGHUP and on the fatal signals (SIGSEGV,
// SIGBUS, SIGFPE, SIGILL, SIGABRT) before the previous handler runs.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "support/status.h"

namespace nnport {

class AtomicFile;
Status commitAll(const std::vector<AtomicFile*>& files);

class AtomicFile {
 public:
  explicit AtomicFile(std::string target);
  ~AtomicFile();  // discards the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary file. Must be called before tempPath() is written.
  Status open();
  const std::string& target() const { return target_; }
  // A path the writer opens and writes (it may name no directory entry).
  const std::string& tempPath() const { return temp_; }
  // True when the temporary has no name (nothing can be left behind).
  bool anonymous() const { return fd_ >= 0; }
  // Flushes the temporary file to disk and moves it over the target.
  Status commit();

 private:
  friend Status commitAll(const std::vector<AtomicFile*>& files);
  Status openNamed();
  Status linkIntoPlace();
  std::string target_, temp_;
  int fd_ = -1;  // the O_TMPFILE descriptor, or -1 for a named temporary
  bool committed_ = false;
};

// Commits several files together: all temporaries are synced first, then
// moved; if one step fails, none of the remaining ones is moved.
Status commitAll(const std::vector<AtomicFile*>& files);

// Removes every named uncommitted temporary file (from a signal handler).
void removeAllTemporaries();
// Installs the handlers that call removeAllTemporaries(): SIGINT, SIGTERM
// and SIGHUP, then the previous action; the fatal signals, then the
// previous handler (a sanitizer's report still comes out).
void installTemporaryCleanupHandlers();

Status writeWholeFile(const std::string& path, const std::string& bytes);
Expected<std::string> readWholeFile(const std::string& path);

}  // namespace nnport
