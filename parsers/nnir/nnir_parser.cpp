// The text form of the IR as an input format (.nnir): what `nnport convert
// -o x.nnir` writes, what `nnport inspect --ir` prints, and the golden pass
// tests in tests/passes/. Grammar: docs/ir-format.md §2.
#include "ir/text_parser.h"
#include "parsers/registry.h"
#include "support/atomic_file.h"

namespace nnport {

namespace {

Expected<std::unique_ptr<Model>> parseNnir(const ParseRequest& req) {
  const std::string& path = req.network.empty() ? req.weights : req.network;
  NNP_ASSIGN_OR_RETURN(std::string text, readWholeFile(path));
  auto model = parseModelText(text);
  if (!model) return Status(model.status().code(), path + ": " + model.status().message());
  return model;
}

}  // namespace

void registerNnirParser(ParserRegistry& r) {
  r.add({"nnir",
         {".nnir"},
         "nnport text IR (.nnir): one constant or node per line (docs/ir-format.md)",
         parseNnir,
         /*postImport=*/""});
}

}  // namespace nnport
