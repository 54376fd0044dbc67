// Names of error codes, for messages and JSON reports.
#include "support/status.h"

namespace nnport {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Ok:
      return "ok";
    case ErrorCode::Usage:
      return "usage";
    case ErrorCode::InvalidInput:
      return "invalid-input";
    case ErrorCode::Unsupported:
      return "unsupported";
    case ErrorCode::Internal:
      return "internal";
    case ErrorCode::Io:
      return "io";
    case ErrorCode::OverBudget:
      return "over-budget";
  }
  return "unknown";
}

}  // namespace nnport
