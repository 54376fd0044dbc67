// UTF-8 validity, shared by the IR serializer (which keeps only valid UTF-8
// inline in JSON) and the text printer (which escapes everything else).
#pragma once

#include <string_view>

namespace nnport {

// Strict RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
// This is what nlohmann::json accepts when it dumps and parses strings.
bool isValidUtf8(std::string_view s);

}  // namespace nnport
