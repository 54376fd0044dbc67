// The tokenizer of the text IR reader (ir/text_parser.cpp): one line at a
// time, tokens as the printer writes them. Internal to the reader.
#pragma once

#include <cctype>
#include <string>
#include <vector>

#include "support/status.h"

namespace nnport::textir {

struct Token {
  enum Kind { End, Word, Str, Ref, Punct } kind = End;
  std::string text;
  size_t col = 0;
};

inline bool wordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         c == '/' || c == '+' || c == ':';
}

// Splits one line into tokens; "# name" at the end is kept as `comment`.
class Lexer {
 public:
  Lexer(const std::string& line, size_t lineNo) : s_(line), line_(lineNo) {}

  Expected<std::vector<Token>> tokens(std::string& comment) {
    std::vector<Token> out;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (c == '#') {
        // The printer quotes (and escapes) names that are not bare.
        ++pos_;
        while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '"') {
          NNP_ASSIGN_OR_RETURN(comment, quoted());
        } else {
          comment = trim(s_.substr(pos_));
        }
        break;
      } else if (c == '"') {
        NNP_ASSIGN_OR_RETURN(std::string str, quoted());
        out.push_back({Token::Str, str, pos_});
      } else if (c == '%') {
        const size_t at = pos_++;
        NNP_ASSIGN_OR_RETURN(std::string name, name());
        out.push_back({Token::Ref, name, at});
      } else if (wordChar(c) && c != ':') {
        // A ':' continues a word only inside it ("ai.onnx:13", "dom::Op").
        const size_t at = pos_;
        while (pos_ < s_.size() && wordChar(s_[pos_]) &&
               (s_[pos_] != ':' ||
                (pos_ + 1 < s_.size() &&
                 (s_[pos_ + 1] == ':' || std::isalnum(static_cast<unsigned char>(s_[pos_ + 1]))))))
          ++pos_;
        out.push_back({Token::Word, s_.substr(at, pos_ - at), at});
      } else {
        out.push_back({Token::Punct, std::string(1, c), pos_++});
      }
    }
    out.push_back({Token::End, "", s_.size()});
    return out;
  }

 private:
  static std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
    return s;
  }
  Expected<std::string> name() {
    if (pos_ < s_.size() && s_[pos_] == '"') return quoted();
    const size_t at = pos_;
    while (pos_ < s_.size() && wordChar(s_[pos_]) && s_[pos_] != ':') ++pos_;
    if (at == pos_) return Status::invalid("line {}: a name must follow '%'", line_);
    return s_.substr(at, pos_ - at);
  }
  static int hexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  Expected<std::string> quoted() {
    std::string out;
    for (++pos_; pos_ < s_.size(); ++pos_) {
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c == '\\' && pos_ + 1 < s_.size()) {
        c = s_[++pos_];
        if (c == 'n')
          c = '\n';
        else if (c == 't')
          c = '\t';
        else if (c == 'r')
          c = '\r';
        else if (c == 'x' && pos_ + 2 < s_.size() && hexDigit(s_[pos_ + 1]) >= 0 &&
                 hexDigit(s_[pos_ + 2]) >= 0) {
          c = static_cast<char>(hexDigit(s_[pos_ + 1]) * 16 + hexDigit(s_[pos_ + 2]));
          pos_ += 2;
        }
      }
      out += c;
    }
    return Status::invalid("line {}: unterminated string", line_);
  }
  const std::string& s_;
  size_t line_, pos_ = 0;
};

}  // namespace nnport::textir
