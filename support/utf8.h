// UTF-8 validity, shared by the IR serializer (which keeps only valid UTF-8
// inline in JSON) and the text printer (which escapes everything else), and
// the escaping of names echoed into error lines and reports.
#pragma once

#include <string>
#include <string_view>

namespace nnport {

// Strict RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
// This is what nlohmann::json accepts when it dumps and parses strings.
bool isValidUtf8(std::string_view s);

// `s` safe to print on one terminal line: control bytes (newlines, escape
// sequences) and DEL become \xNN, and so does every byte >= 0x80 when `s`
// is not valid UTF-8. Printable text comes through unchanged.
std::string printableText(std::string_view s);

}  // namespace nnport
