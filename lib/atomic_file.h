// Atomic output files: data goes to a hidden temporary file beside the
// target, which replaces the target only on commit(). A failed or interrupted
// run never leaves a partial output nor clobbers an existing good file.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "lib/status.h"

namespace nnport {

class AtomicFile;
Status commitAll(const std::vector<AtomicFile*>& files);

class AtomicFile {
 public:
  explicit AtomicFile(std::string target);
  ~AtomicFile();  // removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temporary file. Must be called before tempPath() is written.
  Status open();
  const std::string& target() const { return target_; }
  const std::string& tempPath() const { return temp_; }
  // Flushes the temporary file to disk and renames it over the target.
  Status commit();

 private:
  friend Status commitAll(const std::vector<AtomicFile*>& files);
  std::string target_, temp_;
  bool committed_ = false;
};

// Commits several files together: all temporaries are synced first, then
// renamed; if one step fails, none of the remaining ones is renamed.
Status commitAll(const std::vector<AtomicFile*>& files);

// Removes every uncommitted temporary file (from a signal handler).
void removeAllTemporaries();
// Installs SIGINT/SIGTERM/SIGHUP handlers that call removeAllTemporaries().
void installTemporaryCleanupHandlers();

Status writeWholeFile(const std::string& path, const std::string& bytes);
Expected<std::string> readWholeFile(const std::string& path);

}  // namespace nnport
