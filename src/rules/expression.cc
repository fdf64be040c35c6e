// Recursive-descent parser for Publicodes expressions (see expression.h).
#include "expression.h"

#include <cstdlib>
#include <string>

#include "parcours/base/utf8.h"

namespace parcours::rules {
namespace {

constexpr int kMaxDepth = 200;

// Decodes the UTF-8 code point at `pos`; sets `len`. Invalid bytes decode as U+FFFD.
char32_t Decode(std::string_view s, size_t pos, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[pos]);
  auto cont = [&](size_t i) -> int {
    if (pos + i >= s.size()) return -1;
    unsigned char b = static_cast<unsigned char>(s[pos + i]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  if ((c & 0xE0) == 0xC0) {
    int b1 = cont(1);
    if (b1 >= 0) {
      *len = 2;
      return ((c & 0x1F) << 6) | b1;
    }
  } else if ((c & 0xF0) == 0xE0) {
    int b1 = cont(1), b2 = cont(2);
    if (b1 >= 0 && b2 >= 0) {
      *len = 3;
      return ((c & 0x0F) << 12) | (b1 << 6) | b2;
    }
  } else if ((c & 0xF8) == 0xF0) {
    int b1 = cont(1), b2 = cont(2), b3 = cont(3);
    if (b1 >= 0 && b2 >= 0 && b3 >= 0) {
      *len = 4;
      return ((c & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
    }
  }
  *len = 1;
  return 0xFFFD;
}

bool IsSpace(char32_t c) {
  return c == '\t' || c == ' ' || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}
bool IsLetter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x17F) || c == '$';
}
bool IsSymbol(char32_t c) {
  return c == '\'' || c == ',' || c == 0xB0 || c == 0x20AC || c == '$' || c == '%' || c == 0xB2 ||
         c == '_' || c == '"' || c == 0xAB || c == 0xBB || c == 0x2019;
}
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }
bool IsAnyChar(char32_t c) { return IsLetter(c) || IsSymbol(c) || IsDigit(c); }
bool IsAnyCharOrSpecial(char32_t c) { return IsAnyChar(c) || c == '-' || c == '+'; }
bool IsCurrency(char32_t c) {
  return c == '$' || (c >= 0xA2 && c <= 0xA5) || (c >= 0x20A0 && c <= 0x20C0) || c == 0x58F ||
         c == 0x60B || c == 0x9F2 || c == 0x9F3 || c == 0xE3F || c == 0x17DB;
}
bool IsUnitStart(char32_t c) { return c == 0xB0 || c == '%' || IsCurrency(c) || IsLetter(c); }

class Parser {
 public:
  explicit Parser(std::string text) : s_(std::move(text)) {}

  Result<RawNode> Run() {
    RawNode tree = Comparison(0);
    if (!error_.ok()) return error_;
    if (pos_ < s_.size()) {
      return Fail("fin d'expression attendue, trouvé « " + Rest() + " »"), error_;
    }
    return tree;
  }

 private:
  char32_t Peek(size_t at, size_t* len) const { return Decode(s_, at, len); }
  char32_t PeekHere() const {
    size_t len;
    return pos_ < s_.size() ? Peek(pos_, &len) : 0;
  }
  std::string Rest() const { return s_.substr(pos_, 20); }

  void Fail(const std::string& what) {
    if (!error_.ok()) return;
    error_ = InvalidArgument("rules.parse_error", "Expression invalide « " + Excerpt(s_) + " » (colonne " +
                                                      std::to_string(Column(pos_)) + ") : " + what);
  }
  size_t Column(size_t byte) const {
    size_t col = 1;
    for (size_t i = 0; i < byte && i < s_.size(); ++i) {
      if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) ++col;
    }
    return col;
  }

  size_t SkipSpaces(size_t at) const {
    while (at < s_.size()) {
      size_t len;
      if (!IsSpace(Peek(at, &len))) break;
      at += len;
    }
    return at;
  }

  // Matches `space+ op space+` at pos_ for one of `ops` (longest first); returns the op.
  bool MatchOperator(std::initializer_list<std::string_view> ops, std::string* op) {
    size_t at = SkipSpaces(pos_);
    if (at == pos_) return false;
    for (std::string_view candidate : ops) {
      if (s_.compare(at, candidate.size(), candidate) != 0) continue;
      size_t after = at + candidate.size();
      size_t end = SkipSpaces(after);
      if (end == after) continue;
      *op = std::string(candidate);
      pos_ = end;
      return true;
    }
    return false;
  }

  static RawNode Binary(const std::string& op, RawNode a, RawNode b) {
    RawNode n = RawNode::object();
    n[op] = RawNode::array({std::move(a), std::move(b)});
    return n;
  }

  RawNode Comparison(int depth) {
    RawNode left = Addition(depth);
    std::string op;
    while (error_.ok() && pos_ < s_.size() && MatchOperator({">=", "<=", "!=", ">", "<", "="}, &op)) {
      left = Binary(op, std::move(left), Addition(depth));
    }
    return left;
  }
  RawNode Addition(int depth) {
    RawNode left = Multiplication(depth);
    std::string op;
    while (error_.ok() && pos_ < s_.size() && MatchOperator({"-", "+"}, &op)) {
      left = Binary(op, std::move(left), Multiplication(depth));
    }
    return left;
  }
  RawNode Multiplication(int depth) {
    RawNode left = Power(depth);
    std::string op;
    while (error_.ok() && pos_ < s_.size() && MatchOperator({"//", "*", "/"}, &op)) {
      left = Binary(op, std::move(left), Power(depth));
    }
    return left;
  }
  RawNode Power(int depth) {
    RawNode left = Primary(depth);
    std::string op;
    if (error_.ok() && pos_ < s_.size() && MatchOperator({"**"}, &op)) {
      if (depth > kMaxDepth) return Fail("expression trop imbriquée"), RawNode();
      left = Binary(op, std::move(left), Power(depth + 1));
    }
    return left;
  }

  RawNode Primary(int depth) {
    if (!error_.ok()) return RawNode();
    if (depth > kMaxDepth) return Fail("expression trop imbriquée"), RawNode();
    if (pos_ >= s_.size()) return Fail("expression incomplète"), RawNode();
    char32_t c = PeekHere();
    if (c == '(') {
      pos_ = SkipSpaces(pos_ + 1);
      RawNode inner = Comparison(depth + 1);
      pos_ = SkipSpaces(pos_);
      if (!error_.ok()) return RawNode();
      if (pos_ >= s_.size() || s_[pos_] != ')') return Fail("« ) » attendue"), RawNode();
      ++pos_;
      return inner;
    }
    if (c == '-') {
      pos_ = SkipSpaces(pos_ + 1);
      RawNode zero = {{"constant", {{"type", "number"}, {"nodeValue", 0}}}};
      return Binary("-", std::move(zero), Primary(depth + 1));
    }
    if (std::string date; MatchDate(&date)) {
      return {{"constant", {{"type", "date"}, {"nodeValue", date}}}};
    }
    if (IsDigit(c)) return Number();
    if (c == '\'' || c == '"') {
      size_t close = s_.rfind(static_cast<char>(c));
      if (close == pos_) return Fail("chaîne de caractères non terminée"), RawNode();
      std::string value = s_.substr(pos_ + 1, close - pos_ - 1);
      pos_ = close + 1;
      return {{"constant", {{"type", "string"}, {"nodeValue", value}}}};
    }
    if (IsLetter(c) || c == '^') {
      std::string name = DottedName();
      if (name.empty()) return Fail("nom de règle attendu"), RawNode();
      if (name == "oui" || name == "non") {
        return {{"constant", {{"type", "boolean"}, {"nodeValue", name == "oui"}}}};
      }
      return {{"variable", name}};
    }
    Fail("symbole inattendu « " + Rest() + " »");
    return RawNode();
  }

  bool MatchDate(std::string* out) {
    // (dd/)?mm/yyyy
    auto digits = [&](size_t at, size_t* n) {
      size_t i = at;
      while (i < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i]))) ++i;
      *n = i - at;
      return i;
    };
    size_t n1;
    size_t e1 = digits(pos_, &n1);
    if (n1 == 0 || n1 > 2 || e1 >= s_.size() || s_[e1] != '/') return false;
    size_t n2;
    size_t e2 = digits(e1 + 1, &n2);
    if (n2 == 4) {
      std::string text = s_.substr(pos_, e2 - pos_);
      if (!NormalizeDate(text, out)) return false;
      pos_ = e2;
      return true;
    }
    if (n2 == 0 || n2 > 2 || e2 >= s_.size() || s_[e2] != '/') return false;
    size_t n3;
    size_t e3 = digits(e2 + 1, &n3);
    if (n3 < 4) return false;
    e3 = e2 + 1 + 4;
    std::string text = s_.substr(pos_, e3 - pos_);
    if (!NormalizeDate(text, out)) return false;
    pos_ = e3;
    return true;
  }

  RawNode Number() {
    size_t start = pos_;
    while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(s_[pos_ + 1]))) {
      ++pos_;
      while (pos_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    }
    double value = std::strtod(s_.substr(start, pos_ - start).c_str(), nullptr);
    RawNode constant = {{"type", "number"}, {"nodeValue", value}};
    std::string unit;
    if (MatchUnit(&unit)) constant["rawUnit"] = unit;
    return {{"constant", std::move(constant)}};
  }

  // phrase_starting_with(first): first anyS* (space anyChar anyS*)*; returns end or npos.
  size_t Phrase(size_t at, bool unit_start) const {
    size_t len;
    if (at >= s_.size()) return std::string::npos;
    char32_t c = Peek(at, &len);
    if (unit_start ? !IsUnitStart(c) : !IsLetter(c)) return std::string::npos;
    at += len;
    for (;;) {
      while (at < s_.size() && IsAnyCharOrSpecial(Peek(at, &len))) at += len;
      if (at >= s_.size()) return at;
      size_t slen;
      if (!IsSpace(Peek(at, &slen)) || at + slen >= s_.size()) return at;
      size_t clen;
      if (!IsAnyChar(Peek(at + slen, &clen))) return at;
      at += slen + clen;
    }
  }

  bool MatchUnit(std::string* unit) {
    size_t at = SkipSpaces(pos_);
    size_t start = at;
    if (at < s_.size() && s_[at] == '/') {
      size_t end = Phrase(at + 1, true);
      if (end == std::string::npos) return false;
      at = end;
    } else {
      size_t end = Phrase(at, true);
      if (end == std::string::npos) return false;
      at = end;
    }
    for (;;) {
      size_t sep = SkipSpaces(at);
      if (sep >= s_.size() || (s_[sep] != '.' && s_[sep] != '/')) break;
      size_t end = Phrase(sep + 1, true);
      if (end == std::string::npos) break;
      at = end;
    }
    std::string text = s_.substr(start, at - start);
    size_t b = text.find_first_not_of(' ');
    *unit = b == std::string::npos ? text : text.substr(b);
    pos_ = at;
    return true;
  }

  std::string DottedName() {
    size_t start = pos_;
    size_t at;
    if (s_[pos_] == '^') {
      at = pos_ + 1;
    } else {
      at = Phrase(pos_, false);
      if (at == std::string::npos) return "";
    }
    while (s_.compare(at, 3, " . ") == 0) {
      size_t next = at + 3;
      size_t end = next < s_.size() && s_[next] == '^' ? next + 1 : Phrase(next, false);
      if (end == std::string::npos) break;
      at = end;
    }
    pos_ = at;
    return s_.substr(start, at - start);
  }

  std::string s_;
  size_t pos_ = 0;
  Status error_;
};

std::string JoinLines(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') {
      size_t j = i;
      bool newline = false;
      while (j < text.size() && (text[j] == '\n' || text[j] == '\r' || text[j] == ' ' || text[j] == '\t')) {
        newline |= text[j] == '\n';
        ++j;
      }
      if (newline) {
        out += ' ';
      } else {
        out.append(text.substr(i, j - i));
      }
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  size_t b = out.find_first_not_of(" \t");
  size_t e = out.find_last_not_of(" \t");
  return b == std::string::npos ? "" : out.substr(b, e - b + 1);
}

}  // namespace

bool NormalizeDate(std::string_view text, std::string* out) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  size_t start = 0;
  while (count < 3) {
    size_t slash = text.find('/', start);
    std::string piece(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (piece.empty() || piece.size() > 4) return false;
    for (char ch : piece) {
      if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    }
    parts[count++] = std::atoi(piece.c_str());
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  int day, month, year;
  if (count == 2) {
    day = 1, month = parts[0], year = parts[1];
  } else if (count == 3) {
    day = parts[0], month = parts[1], year = parts[2];
  } else {
    return false;
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > max_day) return false;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%d", day, month, year);
  *out = buf;
  return true;
}

Result<RawNode> ParseExpression(std::string_view text) {
  std::string line = JoinLines(text);
  if (line.empty()) return InvalidArgument("rules.parse_error", "Expression vide");
  Parser parser(std::move(line));
  return parser.Run();
}

}  // namespace parcours::rules
