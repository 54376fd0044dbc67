// Exit codes and error reporting for the CLI.
#include <iostream>

#include "support/utf8.h"
#include "tools/nnport/cli.h"

namespace nnport::cli {

int exitCodeFor(const Status& s) {
  switch (s.code()) {
    case ErrorCode::Ok:
      return kExitOk;
    case ErrorCode::Usage:
      return kExitUsage;
    case ErrorCode::InvalidInput:
      return kExitInvalidInput;
    case ErrorCode::Unsupported:
      return kExitUnsupported;
    case ErrorCode::Internal:
      return kExitInternal;
    case ErrorCode::Io:
      return kExitIo;
    case ErrorCode::OverBudget:
      return kExitOverBudget;
  }
  return kExitInternal;
}

int reportError(const Status& s) {
  std::cerr << "nnport: error: " << printableText(s.message()) << "\n";
  return exitCodeFor(s);
}

std::string jsonText(const nlohmann::json& j) {
  return j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> splitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t end = v.find(',', start);
      if (end == std::string::npos) end = v.size();
      if (end > start) out.push_back(v.substr(start, end - start));
      start = end + 1;
    }
  }
  return out;
}

}  // namespace nnport::cli
